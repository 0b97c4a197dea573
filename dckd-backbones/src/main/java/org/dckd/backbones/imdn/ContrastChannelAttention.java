package org.dckd.backbones.imdn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

import org.dckd.nn.FeatureBlock;
import org.dckd.nn.ModuleActivation;
import org.dckd.nn.TorchConv2d;

/**
 * IMDN's contrast-aware channel attention ({@code IMDBk.cca}):
 * {@code z * sigmoid(conv_du.2(relu(conv_du.0(std_hw(z) + mean_hw(z)))))}, where {@code std_hw} is the population
 * standard deviation over H x W per channel (no Bessel correction) and {@code mean_hw} the spatial mean;
 * {@code conv_du.0}: 1x1 C -> C / reduction, {@code conv_du.2}: 1x1 C / reduction -> C.
 */
public final class ContrastChannelAttention extends FeatureBlock {

    private static final byte VERSION = 1;
    private static final int[] SPATIAL = {2};

    private final TorchConv2d squeeze;
    private final TorchConv2d excite;

    /**
     * Creates the attention.
     *
     * @param channels the channels C
     * @param reduction the reduction of the hidden layer (16 in IMDN); {@code C / reduction} must be positive
     */
    public ContrastChannelAttention(int channels, int reduction) {
        super(VERSION);
        if (channels / reduction < 1) {
            throw new IllegalArgumentException(
                    "channel attention: channels / reduction must be positive, got " + channels + " / " + reduction);
        }
        squeeze = addChildBlock("conv_du.0", TorchConv2d.same(channels, channels / reduction, 1));
        excite = addChildBlock("conv_du.2", TorchConv2d.same(channels / reduction, channels, 1));
    }

    /**
     * Applies the attention (initialised).
     *
     * @param ps the parameter store
     * @param z {@code (N, C, H, W)}
     * @param training whether this is a training pass
     * @return {@code z} scaled per channel
     */
    public NDArray apply(ParameterStore ps, NDArray z, boolean training) {
        Shape s = z.getShape();
        long n = s.get(0);
        long c = s.get(1);
        NDArray flat = z.reshape(n, c, s.get(2) * s.get(3));
        NDArray mean = flat.mean(SPATIAL, true);
        NDArray std = flat.sub(mean).square().mean(SPATIAL, true).sqrt();
        NDArray y = std.add(mean).reshape(n, c, 1, 1);
        y = ModuleActivation.relu(squeeze.apply(ps, y, training));
        y = Activation.sigmoid(excite.apply(ps, y, training));
        return z.mul(y);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        squeeze.initialize(manager, dataType, new Shape(in.get(0), squeeze.inChannels(), 1, 1));
        excite.initialize(manager, dataType, new Shape(in.get(0), excite.inChannels(), 1, 1));
    }
}
