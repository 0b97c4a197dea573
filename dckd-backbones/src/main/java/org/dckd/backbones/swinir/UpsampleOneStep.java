package org.dckd.backbones.swinir;

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
 * Official {@code UpsampleOneStep} of lightweight SwinIR: {@code conv3x3(C -> out * s^2)} (child {@code 0}) +
 * PixelShuffle(s).
 */
final class UpsampleOneStep extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int scale;
    private final int outChannels;
    private final Conv2d conv;

    UpsampleOneStep(int scale, int outChannels) {
        super(VERSION);
        this.scale = scale;
        this.outChannels = outChannels;
        conv = addChildBlock("0", SwinIr.conv(scale * scale * outChannels, 3));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray y = conv.forward(ps, inputs, training).singletonOrThrow();
        return new NDList(PixelShuffle.apply(y, scale));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), outChannels, in.get(2) * scale, in.get(3) * scale)};
    }
}
