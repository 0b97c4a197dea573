package org.dckd.backbones.rlfn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.nn.FeatureBlock;
import org.dckd.nn.ModuleActivation;
import org.dckd.nn.TorchConv2d;

/**
 * Residual local feature block of RLFN ({@code block_i}):
 * <pre>
 * o = lrelu(c1_r(x)); o = lrelu(c2_r(o)); o = lrelu(c3_r(o))    3x3 C -> M -> M -> C, LeakyReLU(0.05)
 * return esa(c5(o + x))                                         c5: 1x1 C -> C (local residual BEFORE c5)
 * </pre>
 */
public final class Rlfb extends FeatureBlock {

    /** The negative slope of every LeakyReLU in RLFN. */
    public static final float LEAKY_SLOPE = 0.05f;

    private static final byte VERSION = 1;

    private final int channels;
    private final TorchConv2d c1;
    private final TorchConv2d c2;
    private final TorchConv2d c3;
    private final TorchConv2d c5;
    private final Esa esa;

    /**
     * Creates the block.
     *
     * @param channels the input/output channels C
     * @param midChannels the channels M inside the 3x3 convolutions
     * @param esaChannels the attention branch width
     */
    public Rlfb(int channels, int midChannels, int esaChannels) {
        super(VERSION);
        this.channels = channels;
        c1 = addChildBlock("c1_r", TorchConv2d.same(channels, midChannels, 3));
        c2 = addChildBlock("c2_r", TorchConv2d.same(midChannels, midChannels, 3));
        c3 = addChildBlock("c3_r", TorchConv2d.same(midChannels, channels, 3));
        c5 = addChildBlock("c5", TorchConv2d.same(channels, channels, 1));
        esa = addChildBlock("esa", new Esa(channels, esaChannels));
    }

    /**
     * Applies the block (initialised).
     *
     * @param ps the parameter store
     * @param x {@code (N, C, H, W)}, {@code H, W >= 15}
     * @param training whether this is a training pass
     * @return the block output, same shape
     */
    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray o = ModuleActivation.leakyRelu(c1.apply(ps, x, training), LEAKY_SLOPE);
        o = ModuleActivation.leakyRelu(c2.apply(ps, o, training), LEAKY_SLOPE);
        o = ModuleActivation.leakyRelu(c3.apply(ps, o, training), LEAKY_SLOPE);
        return esa.apply(ps, c5.apply(ps, o.add(x), training), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        c1.initialize(manager, dataType, in);
        Shape mid = new Shape(in.get(0), c1.outChannels(), in.get(2), in.get(3));
        c2.initialize(manager, dataType, mid);
        c3.initialize(manager, dataType, mid);
        c5.initialize(manager, dataType, in);
        esa.initialize(manager, dataType, in);
    }

    /** The input/output channels C. */
    public int channels() {
        return channels;
    }
}
