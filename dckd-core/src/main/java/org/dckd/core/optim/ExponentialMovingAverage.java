package org.dckd.core.optim;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

import org.dckd.nn.TorchModule;

/**
 * The exponential moving average of a network's parameters, held in a second network of the same architecture:
 * {@code ema = decay * ema + (1 - decay) * theta} after every step (BasicSR's {@code model_ema}, decay 0.999). Used for
 * validation and saved as {@code params_ema}.
 */
public final class ExponentialMovingAverage {

    private final Map<String, Parameter> source;
    private final Map<String, Parameter> target;
    private final float decay;

    /**
     * Creates the average and copies the source's current values into the target.
     *
     * @param source the trained network's parameters by state-dict key
     * @param target the averaged network's parameters by the same keys (frozen)
     * @param decay the decay in [0, 1)
     */
    public ExponentialMovingAverage(Map<String, Parameter> source, Map<String, Parameter> target, float decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("ema decay must be in [0, 1), got " + decay);
        }
        if (!source.keySet().equals(target.keySet())) {
            throw new IllegalArgumentException("EMA network does not have the parameters of the trained network");
        }
        this.source = source;
        this.target = target;
        this.decay = decay;
        copyAll();
    }

    /** Convenience: EMA between two blocks named per {@link TorchModule}. */
    public static ExponentialMovingAverage of(ai.djl.nn.Block source, ai.djl.nn.Block target, float decay) {
        return new ExponentialMovingAverage(TorchModule.parameters(source), TorchModule.parameters(target), decay);
    }

    /** The decay. */
    public float decay() {
        return decay;
    }

    /** {@code ema = decay * ema + (1 - decay) * theta}, in place. */
    public void update() {
        for (Map.Entry<String, Parameter> e : source.entrySet()) {
            NDArray s = e.getValue().getArray();
            NDArray t = target.get(e.getKey()).getArray();
            try (NDArray scaled = s.mul(1 - decay)) {
                t.muli(decay).addi(scaled);
            }
        }
    }

    /** Sets the average to the source's current values. */
    public void copyAll() {
        for (Map.Entry<String, Parameter> e : source.entrySet()) {
            NDArray s = e.getValue().getArray();
            target.get(e.getKey()).getArray().set(s.toByteBuffer());
        }
    }
}
