package org.dckd.backbones.rcan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;

import org.dckd.nn.FeatureBlock;
import org.dckd.nn.TorchConv2d;

/**
 * RCAN's channel attention ({@code ....rcab.3}):
 * <pre>
 * w = sigmoid(attention.3(relu(attention.1(avgpool(x)))))    global average over H x W; 1x1 C -> C/r -> C
 * return x * w
 * </pre>
 * The child names are the positions in BasicSR's {@code nn.Sequential(AdaptiveAvgPool2d(1), Conv2d, ReLU, Conv2d,
 * Sigmoid)}, so the keys are {@code attention.1.weight}, {@code attention.3.bias}, ...
 */
public final class ChannelAttention extends FeatureBlock {

    private static final byte VERSION = 1;

    private final TorchConv2d squeeze;
    private final TorchConv2d excite;

    /**
     * Creates the attention.
     *
     * @param channels the channels C
     * @param squeezeFactor the reduction r of the hidden layer (16 in RCAN); {@code C / r} (rounded down) must be
     *     positive
     * @throws IllegalArgumentException if {@code C / r} is 0
     */
    public ChannelAttention(int channels, int squeezeFactor) {
        super(VERSION);
        int hidden = squeezeFactor < 1 ? 0 : channels / squeezeFactor;
        if (hidden < 1) {
            throw new IllegalArgumentException("channel attention: channels / squeeze_factor must be at least 1, got "
                    + channels + " / " + squeezeFactor);
        }
        squeeze = addChildBlock("attention.1", TorchConv2d.same(channels, hidden, 1));
        excite = addChildBlock("attention.3", TorchConv2d.same(hidden, channels, 1));
    }

    /**
     * The per-channel weights (what BasicSR's {@code attention} sequence returns).
     *
     * @param ps the parameter store
     * @param x {@code (N, C, H, W)}
     * @param training whether this is a training pass
     * @return {@code (N, C, 1, 1)} in (0, 1)
     */
    public NDArray weights(ParameterStore ps, NDArray x, boolean training) {
        Shape s = x.getShape();
        NDArray pooled = Pool.globalAvgPool2d(x).reshape(s.get(0), s.get(1), 1, 1);
        NDArray y = Activation.relu(squeeze.apply(ps, pooled, training));
        return Activation.sigmoid(excite.apply(ps, y, training));
    }

    /**
     * Applies the attention (initialised).
     *
     * @param ps the parameter store
     * @param x {@code (N, C, H, W)}
     * @param training whether this is a training pass
     * @return {@code x} scaled per channel
     */
    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return x.mul(weights(ps, x, training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        squeeze.initialize(manager, dataType, new Shape(n, squeeze.inChannels(), 1, 1));
        excite.initialize(manager, dataType, new Shape(n, excite.inChannels(), 1, 1));
    }
}
