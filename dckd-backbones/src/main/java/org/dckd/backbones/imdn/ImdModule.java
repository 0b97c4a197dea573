package org.dckd.backbones.imdn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.nn.FeatureBlock;
import org.dckd.nn.TorchConv2d;

/**
 * The information multi-distillation block of the official IMDN ({@code IMDBk}, class {@code IMDModule}), with F
 * features and d distilled channels (r = F - d):
 * <pre>
 * d1, r1 = split(lrelu(c1(x)), [d, r])     c1: 3x3 F -> F
 * d2, r2 = split(lrelu(c2(r1)), [d, r])    c2: 3x3 r -> F
 * d3, r3 = split(lrelu(c3(r2)), [d, r])    c3: 3x3 r -> F
 * z = concat(d1, d2, d3, c4(r3))           c4: 3x3 r -> d, no activation
 * return c5(cca(z)) + x                    cca: {@link ContrastChannelAttention}(4d, 16); c5: 1x1 4d -> F
 * </pre>
 */
public final class ImdModule extends FeatureBlock {

    private static final byte VERSION = 1;

    private final int distilled;
    private final TorchConv2d c1;
    private final TorchConv2d c2;
    private final TorchConv2d c3;
    private final TorchConv2d c4;
    private final TorchConv2d c5;
    private final ContrastChannelAttention cca;

    /**
     * Creates the block.
     *
     * @param features the input/output channels F
     * @param distilled the distilled channels d per step (16 for F = 64)
     */
    public ImdModule(int features, int distilled) {
        super(VERSION);
        this.distilled = distilled;
        int rest = features - distilled;
        c1 = addChildBlock("c1", TorchConv2d.same(features, features, 3));
        c2 = addChildBlock("c2", TorchConv2d.same(rest, features, 3));
        c3 = addChildBlock("c3", TorchConv2d.same(rest, features, 3));
        c4 = addChildBlock("c4", TorchConv2d.same(rest, distilled, 3));
        c5 = addChildBlock("c5", TorchConv2d.same(4 * distilled, features, 1));
        cca = addChildBlock("cca", new ContrastChannelAttention(4 * distilled, ImdnConfig.CCA_REDUCTION));
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
        NDArray z = Distillation.distill(ps, training, x, distilled, c1, c2, c3, c4);
        return c5.apply(ps, cca.apply(ps, z, training), training).add(x);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        for (TorchConv2d conv : new TorchConv2d[] {c1, c2, c3, c4, c5}) {
            conv.initialize(manager, dataType, new Shape(in.get(0), conv.inChannels(), in.get(2), in.get(3)));
        }
        cca.initialize(manager, dataType, new Shape(in.get(0), 4L * distilled, in.get(2), in.get(3)));
    }
}
