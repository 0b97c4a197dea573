package org.dckd.losses.baselines;

import java.util.List;

import ai.djl.ndarray.NDArray;

/**
 * A frozen multi-level feature extractor, the feature space of the contrastive terms: images in, one feature map per
 * level (shallow to deep) out. Implementations must let gradients flow from the features back to the input (the
 * anchor's gradient passes through the frozen extractor) and must not update their own weights.
 */
@FunctionalInterface
public interface FeatureLevels extends AutoCloseable {

    /**
     * The features of a batch.
     *
     * @param images an NCHW batch on the [0, 1] scale (the extractor applies its own normalisation)
     * @return one {@code (N, C_l, H_l, W_l)} array per level, in the manager of {@code images}
     */
    List<NDArray> features(NDArray images);

    /** Releases what the extractor holds; default nothing. */
    @Override
    default void close() {}
}
