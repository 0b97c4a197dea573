package org.dckd.backbones.rlfn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;

import org.dckd.nn.FeatureBlock;
import org.dckd.nn.BilinearResize;
import org.dckd.nn.TorchConv2d;

/**
 * Enhanced spatial attention of RLFN ({@code block_i.esa}), exactly as in the official code:
 * <pre>
 * c1_ = conv1(x)                               1x1  C -> f
 * c1  = conv2(c1_)                             3x3  f -> f, stride 2, no padding
 * c3  = conv3(max_pool2d(c1, 7, stride 3))     3x3  f -> f, padding 1
 * c3  = bilinear(c3, (H, W), align_corners=False)
 * return x * sigmoid(conv4(c3 + conv_f(c1_)))  conv_f: 1x1 f -> f, conv4: 1x1 f -> C
 * </pre>
 * There is no ReLU. Inputs must be at least 15x15 (smaller ones leave conv2's output smaller than the pooling window).
 */
public final class Esa extends FeatureBlock {

    /** The smallest input height/width. */
    public static final int MIN_INPUT_SIZE = 15;

    private static final byte VERSION = 1;
    private static final Shape POOL_KERNEL = new Shape(7, 7);
    private static final Shape POOL_STRIDE = new Shape(3, 3);
    private static final Shape NO_PADDING = new Shape(0, 0);

    private final int channels;
    private final int esaChannels;
    private final TorchConv2d conv1;
    private final TorchConv2d convF;
    private final TorchConv2d conv2;
    private final TorchConv2d conv3;
    private final TorchConv2d conv4;

    /**
     * Creates the attention block.
     *
     * @param channels the feature channels C
     * @param esaChannels the attention branch width f (16 in RLFN)
     */
    public Esa(int channels, int esaChannels) {
        super(VERSION);
        this.channels = channels;
        this.esaChannels = esaChannels;
        conv1 = addChildBlock("conv1", TorchConv2d.same(channels, esaChannels, 1));
        convF = addChildBlock("conv_f", TorchConv2d.same(esaChannels, esaChannels, 1));
        conv2 = addChildBlock("conv2", TorchConv2d.of(esaChannels, esaChannels, 3, 2, 0));
        conv3 = addChildBlock("conv3", TorchConv2d.same(esaChannels, esaChannels, 3));
        conv4 = addChildBlock("conv4", TorchConv2d.same(esaChannels, channels, 1));
    }

    /**
     * Applies the attention to an initialised block.
     *
     * @param ps the parameter store
     * @param x {@code (N, C, H, W)} with {@code H, W >= 15}
     * @param training whether this is a training pass
     * @return {@code x} times the attention mask
     */
    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray c1Pre = conv1.apply(ps, x, training);
        NDArray c1 = conv2.apply(ps, c1Pre, training);
        NDArray pooled = Pool.maxPool2d(c1, POOL_KERNEL, POOL_STRIDE, NO_PADDING, false);
        NDArray c3 = BilinearResize.upsample(conv3.apply(ps, pooled, training), h, w);
        NDArray mask = Activation.sigmoid(conv4.apply(ps, c3.add(convF.apply(ps, c1Pre, training)), training));
        return x.mul(mask);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        Shape branch = new Shape(in.get(0), esaChannels, in.get(2), in.get(3));
        conv1.initialize(manager, dataType, in);
        convF.initialize(manager, dataType, branch);
        conv2.initialize(manager, dataType, branch);
        conv3.initialize(manager, dataType, branch);
        conv4.initialize(manager, dataType, branch);
    }

    /** The feature channels C. */
    public int channels() {
        return channels;
    }
}
