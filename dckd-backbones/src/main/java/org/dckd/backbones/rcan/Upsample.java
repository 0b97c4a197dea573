package org.dckd.backbones.rcan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.PixelShuffle;
import org.dckd.nn.TorchConv2d;

/**
 * BasicSR's {@code Upsample} ({@code upsample}): for {@code scale = 2^n}, n stages of {@code conv3x3(C -> 4C)} +
 * PixelShuffle(2) (convolutions {@code upsample.0}, {@code upsample.2}, ...; none for scale 1); for scale 3, one
 * {@code conv3x3(C -> 9C)} + PixelShuffle(3) ({@code upsample.0}). The channel count stays C.
 */
public final class Upsample extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final int factor;
    private final List<TorchConv2d> convs;

    /**
     * Creates the upsampler.
     *
     * @param scale 3 or a power of 2
     * @param channels the channels C
     * @throws IllegalArgumentException for any other scale
     */
    public Upsample(int scale, int channels) {
        super(VERSION);
        if (!isSupported(scale)) {
            throw new IllegalArgumentException("upsample: scale must be 3 or a power of 2, got " + scale);
        }
        this.channels = channels;
        this.factor = scale == 3 ? 3 : 2;
        int stages = scale == 3 ? 1 : Integer.numberOfTrailingZeros(scale);
        List<TorchConv2d> list = new ArrayList<>();
        for (int i = 0; i < stages; i++) {
            list.add(addChildBlock(Integer.toString(2 * i), TorchConv2d.same(channels, factor * factor * channels, 3)));
        }
        convs = Collections.unmodifiableList(list);
    }

    /**
     * Whether BasicSR's {@code Upsample} supports a scale: 3 or a power of 2 (1 included: no stage).
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
        for (TorchConv2d conv : convs) {
            h = PixelShuffle.apply(conv.apply(ps, h, training), factor);
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
        for (TorchConv2d conv : convs) {
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
