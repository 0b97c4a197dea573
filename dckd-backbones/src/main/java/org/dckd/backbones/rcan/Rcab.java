package org.dckd.backbones.rcan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

import org.dckd.nn.FeatureBlock;
import org.dckd.nn.OwnedArrays;
import org.dckd.nn.TorchConv2d;

/**
 * Residual channel attention block of RCAN ({@code body.g.residual_group.b}):
 * <pre>
 * r = rcab.3(rcab.2(relu(rcab.0(x))))    rcab.0, rcab.2: 3x3 C -> C; rcab.3: {@link ChannelAttention}
 * return x + res_scale * r
 * </pre>
 * The child names are the positions in BasicSR's {@code nn.Sequential(Conv2d, ReLU, Conv2d, ChannelAttention)}.
 */
public final class Rcab extends FeatureBlock {

    private static final byte VERSION = 1;

    private final double resScale;
    private final TorchConv2d conv1;
    private final TorchConv2d conv2;
    private final ChannelAttention attention;

    /**
     * Creates the block.
     *
     * @param channels the channels C
     * @param squeezeFactor the channel attention's reduction
     * @param resScale the factor of the residual branch (1 in RCAN)
     */
    public Rcab(int channels, int squeezeFactor, double resScale) {
        super(VERSION);
        this.resScale = resScale;
        conv1 = addChildBlock("rcab.0", TorchConv2d.same(channels, channels, 3));
        conv2 = addChildBlock("rcab.2", TorchConv2d.same(channels, channels, 3));
        attention = addChildBlock("rcab.3", new ChannelAttention(channels, squeezeFactor));
    }

    /**
     * Applies the block (initialised).
     *
     * @param ps the parameter store
     * @param x {@code (N, C, H, W)}
     * @param training whether this is a training pass
     * @return {@code x + res_scale * r}, same shape
     */
    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray r = conv2.apply(ps, Activation.relu(conv1.apply(ps, x, training)), training);
        r = attention.apply(ps, r, training);
        if (resScale != 1.0) {
            r = OwnedArrays.mul(r, resScale);
        }
        return r.add(x);
    }

    /** The first convolution, {@code rcab.0}. */
    TorchConv2d conv1() {
        return conv1;
    }

    /** The second convolution, {@code rcab.2}. */
    TorchConv2d conv2() {
        return conv2;
    }

    /** The channel attention, {@code rcab.3}. */
    ChannelAttention attention() {
        return attention;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv1.initialize(manager, dataType, inputShapes[0]);
        conv2.initialize(manager, dataType, inputShapes[0]);
        attention.initialize(manager, dataType, inputShapes[0]);
    }
}
