package org.dckd.backbones.imdn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.nn.FeatureBlock;
import org.dckd.nn.TorchConv2d;

/**
 * The IMD block of the NTIRE 2022 IMDN baseline ({@code model.1.sub.k}, KAIR {@code IMDBlock}): the same progressive
 * distillation as {@link ImdModule} but without channel attention:
 * {@code x + conv1x1(concat(d1, d2, d3, conv4(r3)))}, where {@code conv1.0}, {@code conv2.0}, {@code conv3.0} are 3x3
 * convolutions followed by LeakyReLU(0.05), {@code conv4} a 3x3 convolution r -> d and {@code conv1x1} a 1x1
 * convolution 4d -> F.
 */
public final class ImdBlock extends FeatureBlock {

    private static final byte VERSION = 1;

    private final int distilled;
    private final TorchConv2d conv1;
    private final TorchConv2d conv2;
    private final TorchConv2d conv3;
    private final TorchConv2d conv4;
    private final TorchConv2d conv1x1;

    /**
     * Creates the block.
     *
     * @param features the input/output channels F
     * @param distilled the distilled channels d per step (16 for F = 64)
     */
    public ImdBlock(int features, int distilled) {
        super(VERSION);
        this.distilled = distilled;
        int rest = features - distilled;
        conv1 = addChildBlock("conv1.0", TorchConv2d.same(features, features, 3));
        conv2 = addChildBlock("conv2.0", TorchConv2d.same(rest, features, 3));
        conv3 = addChildBlock("conv3.0", TorchConv2d.same(rest, features, 3));
        conv4 = addChildBlock("conv4", TorchConv2d.same(rest, distilled, 3));
        conv1x1 = addChildBlock("conv1x1", TorchConv2d.same(4 * distilled, features, 1));
    }

    /**
     * Applies the block (initialised).
     *
     * @param ps the parameter store
     * @param x {@code (N, F, H, W)}
     * @param training whether this is a training pass
     * @return the block output, same shape
     */
    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray z = Distillation.distill(ps, training, x, distilled, conv1, conv2, conv3, conv4);
        return x.add(conv1x1.apply(ps, z, training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        for (TorchConv2d conv : new TorchConv2d[] {conv1, conv2, conv3, conv4, conv1x1}) {
            conv.initialize(manager, dataType, new Shape(in.get(0), conv.inChannels(), in.get(2), in.get(3)));
        }
    }
}
