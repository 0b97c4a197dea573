package org.dckd.backbones.swinir;

import java.util.ArrayList;
import java.util.List;

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
 * Official {@code Upsample} of classical SwinIR: for {@code scale = 2^n}, n times {@code conv3x3(F -> 4F)} +
 * PixelShuffle(2) (children {@code 0}, {@code 2}, ...); for scale 3, {@code conv3x3(F -> 9F)} + PixelShuffle(3).
 */
final class Upsample extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int features;
    private final int factor;
    private final List<Conv2d> convs = new ArrayList<>();

    Upsample(int scale, int features) {
        super(VERSION);
        this.features = features;
        int steps;
        if (Integer.bitCount(scale) == 1) {
            factor = 2;
            steps = Integer.numberOfTrailingZeros(scale);
        } else if (scale == 3) {
            factor = 3;
            steps = 1;
        } else {
            throw new IllegalArgumentException("scale " + scale + " is not supported by 'pixelshuffle' (2^n and 3)");
        }
        for (int i = 0; i < steps; i++) {
            convs.add(addChildBlock(String.valueOf(2 * i), SwinIr.conv(factor * factor * features, 3)));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.head();
        for (Conv2d conv : convs) {
            x = PixelShuffle.apply(conv.forward(ps, new NDList(x), training).singletonOrThrow(), factor);
        }
        return new NDList(x);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        long h = in.get(2);
        long w = in.get(3);
        for (Conv2d conv : convs) {
            conv.initialize(manager, dataType, new Shape(in.get(0), features, h, w));
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
        return new Shape[] {new Shape(in.get(0), features, in.get(2) * f, in.get(3) * f)};
    }
}
