package org.dckd.losses.dckd;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The history model's update rule and schedule (the {@code history} key of a {@code dcr} term).
 *
 * <p>Every {@code s} iterations, {@code theta_H <- alpha * theta_H + (1 - alpha) * theta_src}. The interval grows by
 * stage: {@code s = steps[min((iter - 1) / stage_length, steps.size - 1)]}, and the update happens after iteration
 * {@code iter} when {@code iter % s == 0} (the DCKD code's {@code step: [1000, 2000, 3000]} indexed by
 * {@code (current_iter - 1) // 100000}; the code would fail after the last stage, here the last interval continues).
 *
 * <p>Keys (defaults in brackets): {@code source} [{@code ema}: the student's EMA as in the code; {@code student}: the
 * student's weights as in the paper], {@code alpha} [0.1], {@code steps} [[1000, 2000, 3000]],
 * {@code stage_length} [100000].
 *
 * <p>From Java: {@link #builder()}, with the same defaults (the YAML reader takes its defaults from that builder).
 *
 * @param source where the history model's new weights come from
 * @param alpha the weight of the history model's own weights in an update ({@code update_decay} in the code)
 * @param steps the update interval of every stage
 * @param stageLength the iterations per stage
 */
public record HistoryConfig(Source source, float alpha, List<Long> steps, long stageLength) {

    /** The source of the history model's updates. */
    public enum Source {
        /** The student's exponential moving average (DCKD code default). */
        @JsonProperty("ema") EMA,
        /** The student's current weights (the paper). */
        @JsonProperty("student") STUDENT
    }

    /** The default stage intervals. */
    public static final List<Long> DEFAULT_STEPS = List.of(1000L, 2000L, 3000L);

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public HistoryConfig {
        if (source == null) {
            throw new IllegalArgumentException("history: source must be 'ema' or 'student'");
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("history: alpha must be in [0, 1], got " + alpha);
        }
        steps = List.copyOf(steps);
        if (steps.isEmpty() || steps.stream().anyMatch(s -> s == null || s < 1)) {
            throw new IllegalArgumentException("history: steps must be a non-empty list of positive intervals, got "
                    + steps);
        }
        if (stageLength < 1) {
            throw new IllegalArgumentException("history: stage_length must be at least 1, got " + stageLength);
        }
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both).
     */
    @JsonCreator
    private static HistoryConfig fromJson(
            @JsonProperty("source") Source source,
            @JsonProperty("alpha") Float alpha,
            @JsonProperty("steps") List<Long> steps,
            @JsonProperty("stage_length") Long stageLength) {
        Builder builder = builder();
        if (source != null) {
            builder.optSource(source);
        }
        if (alpha != null) {
            builder.optAlpha(alpha);
        }
        if (steps != null) {
            builder.optSteps(steps);
        }
        if (stageLength != null) {
            builder.optStageLength(stageLength);
        }
        return builder.build();
    }

    /** The defaults of the DCKD code. */
    public static HistoryConfig defaults() {
        return builder().build();
    }

    /**
     * Starts a history rule from the defaults of the DCKD code.
     *
     * @return a builder; every value is optional
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link HistoryConfig}: {@code source} ({@link Source#EMA}), {@code alpha} (0.1), {@code steps}
     * ({@link #DEFAULT_STEPS}), {@code stageLength} (100000).
     */
    public static final class Builder {

        private Source source = Source.EMA;
        private float alpha = 0.1f;
        private List<Long> steps = DEFAULT_STEPS;
        private long stageLength = 100_000L;

        private Builder() {}

        /**
         * Sets where the updates come from (default {@link Source#EMA}, the code; {@link Source#STUDENT} is the paper).
         *
         * @param value EMA or student
         * @return this builder
         */
        public Builder optSource(Source value) {
            source = value;
            return this;
        }

        /**
         * Sets the weight of the history model's own weights in an update (default 0.1).
         *
         * @param value in [0, 1]
         * @return this builder
         */
        public Builder optAlpha(float value) {
            alpha = value;
            return this;
        }

        /**
         * Sets the update interval of every stage (default [1000, 2000, 3000]).
         *
         * @param value positive intervals
         * @return this builder
         */
        public Builder optSteps(List<Long> value) {
            steps = value;
            return this;
        }

        /**
         * Sets the iterations per stage (default 100000).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optStageLength(long value) {
            stageLength = value;
            return this;
        }

        /**
         * The config.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the offending field
         */
        public HistoryConfig build() {
            return new HistoryConfig(source, alpha, steps, stageLength);
        }
    }

    /**
     * The update interval in force at an iteration.
     *
     * @param iteration the 1-based iteration
     * @return {@code steps[min((iteration - 1) / stage_length, steps.size - 1)]}
     */
    public long interval(long iteration) {
        if (iteration < 1) {
            throw new IllegalArgumentException("iterations are 1-based, got " + iteration);
        }
        long stage = Math.min((iteration - 1) / stageLength, steps.size() - 1);
        return steps.get((int) stage);
    }

    /**
     * Whether the history model is updated after an iteration.
     *
     * @param iteration the 1-based iteration that just finished
     * @return {@code iteration % interval(iteration) == 0}
     */
    public boolean updatesAfter(long iteration) {
        return iteration % interval(iteration) == 0;
    }
}
