package org.dckd.nn;

import ai.djl.ndarray.NDList;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.complexity.ComplexityCounter;
import org.dckd.nn.complexity.CountedLayer;

/**
 * A DJL {@link Conv2d} that reports every call to an open {@link ComplexityCounter} (the challenges count each
 * {@code nn.Conv2d} call), and is otherwise DJL's, initialisation included. {@link TorchConv2d} is one; networks that
 * keep DJL's initialisation build theirs with {@link #of}.
 */
public class CountedConv2d extends Conv2d implements CountedLayer {

    /**
     * Creates the convolution from DJL's builder.
     *
     * @param builder the configured builder
     */
    protected CountedConv2d(Conv2d.Builder builder) {
        super(builder);
    }

    /**
     * A counted convolution configured by {@code builder} (instead of {@code builder.build()}).
     *
     * @param builder a {@link Conv2d#builder()} with the kernel, filters and options set
     * @return the convolution
     */
    public static CountedConv2d of(Conv2d.Builder builder) {
        return new CountedConv2d(builder);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = super.forwardInternal(parameterStore, inputs, training, params);
        ComplexityCounter.recordConvolution(this, out.head());
        return out;
    }
}
