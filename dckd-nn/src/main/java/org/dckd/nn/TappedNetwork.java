package org.dckd.nn;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * A network whose intermediate features can be read during a forward pass (DJL has no forward hooks), e.g. for
 * feature distillation.
 *
 * <p>Convention of the dckd backbones: {@code head} is the shallow feature after the first convolution,
 * {@code block_1..block_K} the outputs of the K main blocks, {@code body} the feature that enters the upsampler.
 */
public interface TappedNetwork {

    /** The tap names, in forward order. */
    List<String> tapNames();

    /**
     * Runs the forward pass and keeps the intermediate features. Costs nothing beyond the normal forward pass; the
     * features are the arrays the forward pass computes anyway (in the manager of {@code input}; part of the autograd
     * graph when gradients are recorded).
     *
     * @param parameterStore where the parameters come from
     * @param input the network input
     * @param training whether this is a training pass
     * @return the output and every tap of {@link #tapNames()}
     */
    TappedOutput forwardWithFeatures(ParameterStore parameterStore, NDArray input, boolean training);
}
