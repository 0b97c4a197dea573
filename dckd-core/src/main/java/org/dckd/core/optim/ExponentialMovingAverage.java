package org.dckd.core.optim;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

import org.dckd.nn.TorchModule;

/**
 * The exponential moving average of a network's parameters, held in a second network of the same architecture:
 * {@code ema = d_t * ema + (1 - d_t) * theta} after every step (BasicSR's {@code model_ema}, decay 0.999). Used for
 * validation and saved as {@code params_ema}.
 *
 * <p>With warm-up (the default), {@code d_t = min(decay, (1 + t) / (10 + t))} at step {@code t}, as TensorFlow's
 * {@code ExponentialMovingAverage(num_updates)} and timm do, so a short run's average is not dominated by the random
 * initialisation (with 0.999 and no warm-up, 67% of the average is still the init after 400 steps). After a few
 * thousand steps the two are the same; {@code warmup = false} is BasicSR's exact rule.
 */
public final class ExponentialMovingAverage {

    private final Map<String, Parameter> source;
    private final Map<String, Parameter> target;
    private final float decay;
    private final boolean warmup;

    /**
     * Creates the average and copies the source's current values into the target.
     *
     * @param source the trained network's parameters by state-dict key
     * @param target the averaged network's parameters by the same keys (frozen)
     * @param decay the decay in [0, 1)
     * @param warmup whether to use {@code min(decay, (1 + t) / (10 + t))}
     */
    public ExponentialMovingAverage(Map<String, Parameter> source, Map<String, Parameter> target, float decay,
            boolean warmup) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("ema decay must be in [0, 1), got " + decay);
        }
        if (!source.keySet().equals(target.keySet())) {
            throw new IllegalArgumentException("EMA network does not have the parameters of the trained network");
        }
        this.source = source;
        this.target = target;
        this.decay = decay;
        this.warmup = warmup;
        copyAll();
    }

    /** Convenience: EMA between two blocks named per {@link TorchModule}. */
    public static ExponentialMovingAverage of(ai.djl.nn.Block source, ai.djl.nn.Block target, float decay,
            boolean warmup) {
        return new ExponentialMovingAverage(TorchModule.parameters(source), TorchModule.parameters(target), decay,
                warmup);
    }

    /** The decay. */
    public float decay() {
        return decay;
    }

    /** The decay used at step {@code t} (1-based). */
    public float decayAt(long t) {
        return warmup ? (float) Math.min(decay, (1.0 + t) / (10.0 + t)) : decay;
    }

    /**
     * {@code ema = d_t * ema + (1 - d_t) * theta}, in place.
     *
     * @param t the 1-based step just taken
     */
    public void update(long t) {
        float d = decayAt(t);
        for (Map.Entry<String, Parameter> e : source.entrySet()) {
            NDArray s = e.getValue().getArray();
            NDArray ta = target.get(e.getKey()).getArray();
            try (NDArray scaled = s.mul(1 - d)) {
                ta.muli(d).addi(scaled);
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
