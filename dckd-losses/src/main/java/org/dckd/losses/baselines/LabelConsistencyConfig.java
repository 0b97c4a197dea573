package org.dckd.losses.baselines;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.LossTermConfig;
import org.dckd.losses.ReducedTermBuilder;

/**
 * Config of the label-consistency term ({@code type: lcr}; see {@link LabelConsistencyTerm}). Off unless configured.
 *
 * <p>Keys (defaults in brackets): {@code probability} [0.5] (of each of inversion, vertical flip, horizontal flip,
 * transpose), {@code reduction} [mean], {@code weight} [1.0, the released DCKD configs], {@code name} [{@code l_lcr}].
 *
 * <p>From Java: {@link LabelConsistencyTerm#builder()}, with the same defaults (the YAML reader takes its defaults from
 * that builder).
 *
 * @param probability the probability of each operation
 * @param reduction mean or sum
 * @param weight the weight
 * @param name the logged name
 */
@JsonTypeName("lcr")
public record LabelConsistencyConfig(double probability, Reduction reduction, float weight, String name)
        implements LossTermConfig {

    /** The {@code type} name. */
    public static final String TYPE = "lcr";
    /** The default name. */
    public static final String DEFAULT_NAME = "l_lcr";
    /** The default probability of each operation (DCKD code: {@code noisy.prob} 0.5). */
    public static final double DEFAULT_PROBABILITY = 0.5;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public LabelConsistencyConfig {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException(TYPE + ": probability must be in [0, 1], got " + probability);
        }
        if (reduction == null) {
            throw new IllegalArgumentException(TYPE + ": reduction is required");
        }
        weight = LossTermConfig.checkWeight(TYPE, weight, 1f);
        name = LossTermConfig.checkName(TYPE, name, DEFAULT_NAME);
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both). Java code uses
     * {@link LabelConsistencyTerm#builder()}.
     */
    @JsonCreator
    private static LabelConsistencyConfig fromJson(
            @JsonProperty("probability") Double probability,
            @JsonProperty("reduction") String reduction,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        Builder builder = new Builder();
        if (probability != null) {
            builder.optProbability(probability);
        }
        if (reduction != null) {
            builder.optReduction(Reduction.parse(reduction, TYPE, Reduction.MEAN));
        }
        if (weight != null) {
            builder.optWeight(weight);
        }
        return builder.optName(name).config();
    }

    /**
     * Builds a label-consistency term; every value is optional: {@code probability} ({@value #DEFAULT_PROBABILITY}),
     * {@code reduction} (mean), {@code weight} (1), {@code name}.
     */
    public static final class Builder extends ReducedTermBuilder<Builder, LabelConsistencyConfig> {

        private double probability = DEFAULT_PROBABILITY;

        Builder() {
            super(1f, null);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the probability of each of inversion, vertical flip, horizontal flip and transpose (default
         * {@value #DEFAULT_PROBABILITY}).
         *
         * @param value in [0, 1]
         * @return this builder
         */
        public Builder optProbability(double value) {
            probability = value;
            return this;
        }

        /**
         * The config record, the same one the YAML reader makes for the same keys.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the offending field
         */
        @Override
        public LabelConsistencyConfig config() {
            return new LabelConsistencyConfig(probability, reduction, weight, name);
        }

        /**
         * The term, ready for {@code Distiller.builder().addTerm(...)}.
         *
         * @return {@code config().build()}
         */
        @Override
        public LabelConsistencyTerm build() {
            return config().build();
        }
    }

    @Override
    public LabelConsistencyTerm build() {
        return new LabelConsistencyTerm(name, weight, reduction, probability);
    }
}
