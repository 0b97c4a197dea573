package org.dckd.backbones;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.PixelShuffle;

/**
 * The {@code Upsample} of BasicSR (RCAN) and classical SwinIR: for {@code scale = 2^n}, n stages of
 * {@code conv3x3(C -> 4C)} + PixelShuffle(2) (children {@code 0}, {@code 2}, ..., so the keys are
 * {@code upsample.0.weight}, {@code upsample.2.weight} under a child named {@code upsample}; no stage for scale 1); for
 * scale 3, one {@code conv3x3(C -> 9C)} + PixelShuffle(3). The channel count stays C. The convolutions come from the
 * network's own factory, so each network keeps its initialisation.
 */
public final class PixelShuffleUpsample extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final int factor;
    private final List<Conv2d> convs;

    /**
     * Creates the upsampler.
     *
     * @param scale 3 or a power of 2
     * @param channels the channels C
     * @param conv3x3 makes a 3x3 convolution with "same" padding from C to the given number of output channels
     * @throws IllegalArgumentException for any other scale
     */
    public PixelShuffleUpsample(int scale, int channels, IntFunction<? extends Conv2d> conv3x3) {
        super(VERSION);
        if (!isSupported(scale)) {
            throw new IllegalArgumentException("upsample: scale must be 3 or a power of 2, got " + scale);
        }
        this.channels = channels;
        this.factor = scale == 3 ? 3 : 2;
        int stages = scale == 3 ? 1 : Integer.numberOfTrailingZeros(scale);
        List<Conv2d> list = new ArrayList<>();
        for (int i = 0; i < stages; i++) {
            list.add(addChildBlock(Integer.toString(2 * i), conv3x3.apply(factor * factor * channels)));
        }
        convs = Collections.unmodifiableList(list);
    }

    /**
     * Whether the upsampler supports a scale: 3 or a power of 2 (1 included: no stage).
     *
     * @param scale the upscaling factor
     * @return whether it is supported
     */
    public static boolean isSupported(int scale) {
        return scale == 3 || scale >= 1 && Integer.bitCount(scale) == 1;
    }

    /**
     * Applies the upsampler (initialised).
     *
     * @param ps the parameter store
     * @param x {@code (N, C, H, W)}
     * @param training whether this is a training pass
     * @return {@code (N, C, H * scale, W * scale)}
     */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = x;
        for (Conv2d conv : convs) {
            h = PixelShuffle.apply(conv.forward(ps, new NDList(h), training).singletonOrThrow(), factor);
        }
        return h;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        long h = in.get(2);
        long w = in.get(3);
        for (Conv2d conv : convs) {
            conv.initialize(manager, dataType, new Shape(in.get(0), channels, h, w));
            h *= factor;
            w *= factor;
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        long f = 1;
        for (int i = 0; i < convs.size(); i++) {
            f *= factor;
        }
        return new Shape[] {new Shape(in.get(0), channels, in.get(2) * f, in.get(3) * f)};
    }
}
