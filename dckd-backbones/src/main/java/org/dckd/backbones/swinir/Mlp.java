package org.dckd.backbones.swinir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The feed-forward part of a Swin block, official {@code Mlp}: {@code fc2(GELU(fc1(x)))} on the last axis, GELU in its
 * exact (erf) form. Children {@code fc1} ({@code dim -> hidden}) and {@code fc2} ({@code hidden -> dim}).
 */
final class Mlp extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int dim;
    private final int hidden;
    private final Linear fc1;
    private final Linear fc2;

    Mlp(int dim, int hidden) {
        super(VERSION);
        this.dim = dim;
        this.hidden = hidden;
        fc1 = addChildBlock("fc1", SwinIr.linear(hidden, true));
        fc2 = addChildBlock("fc2", SwinIr.linear(dim, true));
    }

    NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = fc1.forward(ps, new NDList(x), training).singletonOrThrow();
        h = Activation.gelu(h);
        return fc2.forward(ps, new NDList(h), training).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.head(), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        fc1.initialize(manager, dataType, in);
        fc2.initialize(manager, dataType, in.slice(0, in.dimension() - 1).add(hidden));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {in.slice(0, in.dimension() - 1).add(dim)};
    }
}
