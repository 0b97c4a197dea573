package org.dckd.losses.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.TorchConv2d;

/**
 * The residual block of the taming-transformers VQGAN encoder ({@code ResnetBlock} without time embedding and with
 * dropout 0):
 * <pre>
 * h = conv1(swish(norm1(x)));  h = conv2(swish(norm2(h)))
 * return (in == out ? x : nin_shortcut(x)) + h
 * </pre>
 * {@code norm1}/{@code norm2} are GroupNorm(32, eps 1e-6), the convolutions 3x3 with padding 1, {@code nin_shortcut} a
 * 1x1 convolution present only when the channel count changes. Children carry the PyTorch names.
 */
public final class ResnetBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int inChannels;
    private final int outChannels;
    private final TorchGroupNorm norm1;
    private final TorchConv2d conv1;
    private final TorchGroupNorm norm2;
    private final TorchConv2d conv2;
    private final TorchConv2d ninShortcut;

    /**
     * Creates the block.
     *
     * @param inChannels input channels (a multiple of 32)
     * @param outChannels output channels (a multiple of 32)
     */
    public ResnetBlock(int inChannels, int outChannels) {
        super(VERSION);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        norm1 = addChildBlock("norm1", Vqgan.normalize(inChannels));
        conv1 = addChildBlock("conv1", TorchConv2d.same(inChannels, outChannels, 3));
        norm2 = addChildBlock("norm2", Vqgan.normalize(outChannels));
        conv2 = addChildBlock("conv2", TorchConv2d.same(outChannels, outChannels, 3));
        ninShortcut = inChannels == outChannels ? null
                : addChildBlock("nin_shortcut", TorchConv2d.same(inChannels, outChannels, 1));
    }

    /**
     * Applies the block.
     *
     * @param ps the parameter store
     * @param x {@code (N, in, H, W)}
     * @param training whether this is a training pass (no effect)
     * @return {@code (N, out, H, W)} in {@code x}'s manager
     */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = conv1.apply(ps, Vqgan.swish(norm1.apply(ps, x, training)), training);
        h = conv2.apply(ps, Vqgan.swish(norm2.apply(ps, h, training)), training);
        NDArray skip = ninShortcut == null ? x : ninShortcut.apply(ps, x, training);
        return skip.add(h);
    }

    /** The output channels. */
    public int outChannels() {
        return outChannels;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        Shape out = new Shape(in.get(0), outChannels, in.get(2), in.get(3));
        norm1.initialize(manager, dataType, in);
        conv1.initialize(manager, dataType, in);
        norm2.initialize(manager, dataType, out);
        conv2.initialize(manager, dataType, out);
        if (ninShortcut != null) {
            ninShortcut.initialize(manager, dataType, in);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), outChannels, in.get(2), in.get(3))};
    }

    /** The input channels. */
    public int inChannels() {
        return inChannels;
    }
}
