package org.dckd.core.optim;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * A learning-rate schedule as a pure function of the iteration, so resuming at iteration k gives exactly the rates of
 * an uninterrupted run. Every schedule has an optional linear warm-up ({@code warmup} iterations from
 * {@code lr / warmup} up to {@code lr}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LearningRateSchedule.Constant.class, name = "constant"),
    @JsonSubTypes.Type(value = LearningRateSchedule.MultiStep.class, name = "multistep"),
    @JsonSubTypes.Type(value = LearningRateSchedule.Cosine.class, name = "cosine")
})
public sealed interface LearningRateSchedule {

    /**
     * The learning rate of a 1-based iteration.
     *
     * @param baseLr the optimizer's base learning rate
     * @param iteration the iteration, starting at 1
     * @return the rate
     */
    double lr(double baseLr, long iteration);

    /** Warm-up length in iterations (0 = none). */
    long warmup();

    /** The warm-up factor of an iteration: {@code min(1, iteration / warmup)}. */
    default double warmupFactor(long iteration) {
        long w = warmup();
        return w <= 0 || iteration >= w ? 1.0 : (double) iteration / w;
    }

    private static long checkWarmup(Long warmup) {
        long w = warmup == null ? 0 : warmup;
        if (w < 0) {
            throw new IllegalArgumentException("warmup must be >= 0, got " + w);
        }
        return w;
    }

    /**
     * The same rate throughout (the released DCKD configs).
     *
     * @param warmup warm-up iterations
     */
    @JsonTypeName("constant")
    record Constant(long warmup) implements LearningRateSchedule {
        /** Creates the schedule from config values (defaults applied). */
        @JsonCreator
        public static Constant of(@JsonProperty("warmup") Long warmup) {
            return new Constant(checkWarmup(warmup));
        }

        @Override
        public double lr(double baseLr, long iteration) {
            return baseLr * warmupFactor(iteration);
        }
    }

    /**
     * Multiplies the rate by {@code gamma} at each milestone (the paper: /10 every 100k; BasicSR's MultiStepLR).
     *
     * @param milestones iterations after which the rate drops, increasing
     * @param gamma the factor (0.5 in BasicSR configs)
     * @param warmup warm-up iterations
     */
    @JsonTypeName("multistep")
    record MultiStep(List<Long> milestones, double gamma, long warmup) implements LearningRateSchedule {
        /** Validates. */
        public MultiStep {
            milestones = List.copyOf(milestones);
            for (int i = 0; i < milestones.size(); i++) {
                if (milestones.get(i) <= 0 || (i > 0 && milestones.get(i) <= milestones.get(i - 1))) {
                    throw new IllegalArgumentException("milestones must be positive and increasing, got " + milestones);
                }
            }
            if (!(gamma > 0) || gamma > 1) {
                throw new IllegalArgumentException("gamma must be in (0, 1], got " + gamma);
            }
        }

        /** Creates the schedule from config values (gamma default 0.5). */
        @JsonCreator
        public static MultiStep of(@JsonProperty(value = "milestones", required = true) List<Long> milestones,
                @JsonProperty("gamma") Double gamma, @JsonProperty("warmup") Long warmup) {
            return new MultiStep(milestones, gamma == null ? 0.5 : gamma, checkWarmup(warmup));
        }

        @Override
        public double lr(double baseLr, long iteration) {
            int passed = 0;
            for (long m : milestones) {
                if (iteration > m) {
                    passed++;
                }
            }
            return baseLr * Math.pow(gamma, passed) * warmupFactor(iteration);
        }
    }

    /**
     * Cosine annealing from the base rate to {@code eta_min} over {@code period} iterations (then {@code eta_min}).
     *
     * @param period iterations of the half cosine
     * @param etaMin the final rate
     * @param warmup warm-up iterations
     */
    @JsonTypeName("cosine")
    record Cosine(long period, double etaMin, long warmup) implements LearningRateSchedule {
        /** Validates. */
        public Cosine {
            if (period <= 0) {
                throw new IllegalArgumentException("period must be > 0, got " + period);
            }
            if (etaMin < 0) {
                throw new IllegalArgumentException("eta_min must be >= 0, got " + etaMin);
            }
        }

        /** Creates the schedule from config values (eta_min default 1e-7). */
        @JsonCreator
        public static Cosine of(@JsonProperty(value = "period", required = true) Long period,
                @JsonProperty("eta_min") Double etaMin, @JsonProperty("warmup") Long warmup) {
            return new Cosine(period, etaMin == null ? 1e-7 : etaMin, checkWarmup(warmup));
        }

        @Override
        public double lr(double baseLr, long iteration) {
            double t = Math.min(iteration, period);
            double cos = etaMin + (baseLr - etaMin) * 0.5 * (1 + Math.cos(Math.PI * t / period));
            return cos * warmupFactor(iteration);
        }
    }
}
