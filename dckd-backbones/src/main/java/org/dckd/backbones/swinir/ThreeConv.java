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

import org.dckd.nn.ModuleActivation;

/**
 * The {@code 3conv} residual connection: {@code conv3x3(C -> C/4)}, LeakyReLU(0.2), {@code conv1x1(C/4 -> C/4)},
 * LeakyReLU(0.2), {@code conv3x3(C/4 -> C)}; children {@code 0}, {@code 2}, {@code 4} as in the official
 * {@code nn.Sequential}.
 */
final class ThreeConv extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final float SLOPE = 0.2f;

    private final int dim;
    private final Conv2d first;
    private final Conv2d middle;
    private final Conv2d last;

    ThreeConv(int dim) {
        super(VERSION);
        this.dim = dim;
        first = addChildBlock("0", SwinIr.conv(dim / 4, 3));
        middle = addChildBlock("2", SwinIr.conv(dim / 4, 1));
        last = addChildBlock("4", SwinIr.conv(dim, 3));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = first.forward(ps, inputs, training).singletonOrThrow();
        x = ModuleActivation.leakyRelu(x, SLOPE);
        x = middle.forward(ps, new NDList(x), training).singletonOrThrow();
        x = ModuleActivation.leakyRelu(x, SLOPE);
        return last.forward(ps, new NDList(x), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        Shape quarter = new Shape(in.get(0), dim / 4, in.get(2), in.get(3));
        first.initialize(manager, dataType, in);
        middle.initialize(manager, dataType, quarter);
        last.initialize(manager, dataType, quarter);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), dim, in.get(2), in.get(3))};
    }
}
