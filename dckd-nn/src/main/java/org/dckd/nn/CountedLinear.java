package org.dckd.nn;

import ai.djl.ndarray.NDList;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.complexity.ComplexityCounter;
import org.dckd.nn.complexity.CountedLayer;

/**
 * A DJL {@link Linear} that reports every call to an open {@link ComplexityCounter}; otherwise DJL's.
 */
public final class CountedLinear extends Linear implements CountedLayer {

    private CountedLinear(Linear.Builder builder) {
        super(builder);
    }

    /**
     * A counted linear layer configured by {@code builder} (instead of {@code builder.build()}).
     *
     * @param builder a {@link Linear#builder()} with the units and options set
     * @return the layer
     */
    public static CountedLinear of(Linear.Builder builder) {
        return new CountedLinear(builder);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = super.forwardInternal(parameterStore, inputs, training, params);
        ComplexityCounter.recordLinear(inputs.head(), out.head());
        return out;
    }
}
