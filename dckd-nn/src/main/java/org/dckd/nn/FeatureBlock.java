package org.dckd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A block that maps one NCHW feature map to another of the same shape (a residual block, an attention module), with a
 * typed {@link #apply} that parent blocks call directly instead of wrapping arrays in {@link NDList}s.
 */
public abstract class FeatureBlock extends AbstractBlock {

    /**
     * Creates the block.
     *
     * @param version the DJL block version
     */
    protected FeatureBlock(byte version) {
        super(version);
    }

    /**
     * The forward pass.
     *
     * @param ps the parameter store
     * @param x the input feature map
     * @param training whether this is a training pass
     * @return the output, the shape of {@code x}
     */
    public abstract NDArray apply(ParameterStore ps, NDArray x, boolean training);

    @Override
    protected final NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
