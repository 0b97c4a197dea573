package org.dckd.losses.baselines;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTermConfig;
import org.dckd.losses.TermBuilder;
import org.dckd.losses.baselines.CsdTerm.Negatives;
import org.dckd.losses.baselines.CsdTerm.Positive;

/**
 * Config of the CSD-style contrastive term ({@code type: csd}; see {@link CsdTerm}).
 *
 * <p>Keys (defaults in brackets): {@code encoder} [random] (a name registered in {@link CsdEncoders}; resolved when
 * the term is attached), {@code positive} [teacher] ({@code teacher} or {@code hr}), {@code negatives} [rolled]
 * ({@code rolled} or {@code batch}), {@code num_negatives} [1] (only with {@code rolled}; must stay 1 with
 * {@code batch}), {@code level_weights}
 * [1/32, 1/16, 1/8, 1/4, 1], {@code weight} [1; CSD's {@code contra_lambda} default, its README example uses 200],
 * {@code name} [{@code l_csd}].
 *
 * <p>From Java: {@link CsdTerm#builder()}, with the same defaults (the YAML reader takes its defaults from that
 * builder).
 *
 * @param encoder the registered extractor name
 * @param positive teacher or HR
 * @param negatives rolled or batch
 * @param numNegatives negatives per sample with {@code rolled}
 * @param levelWeights one weight per level
 * @param weight the weight
 * @param name the logged name
 */
@JsonTypeName("csd")
public record CsdTermConfig(String encoder, Positive positive, Negatives negatives, int numNegatives,
                            List<Float> levelWeights, float weight, String name) implements LossTermConfig {

    /** The {@code type} name. */
    public static final String TYPE = "csd";
    /** The default extractor name. */
    public static final String DEFAULT_ENCODER = "random";
    /** The default name. */
    public static final String DEFAULT_NAME = "l_csd";

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public CsdTermConfig {
        if (encoder == null || encoder.isBlank()) {
            throw new IllegalArgumentException(TYPE + ": encoder must be a non-empty name");
        }
        if (positive == null || negatives == null) {
            throw new IllegalArgumentException(TYPE + ": positive and negatives are required");
        }
        if (numNegatives < 1) {
            throw new IllegalArgumentException(TYPE + ": num_negatives must be at least 1, got " + numNegatives);
        }
        if (levelWeights == null || levelWeights.isEmpty()) {
            throw new IllegalArgumentException(TYPE + ": level_weights must be a non-empty list");
        }
        for (Float w : levelWeights) {
            if (w == null || !(w >= 0) || w.isInfinite()) {
                throw new IllegalArgumentException(TYPE + ": level_weights must be finite and >= 0, got " + levelWeights);
            }
        }
        levelWeights = List.copyOf(levelWeights);
        weight = LossTermConfig.checkWeight(TYPE, weight, 1f);
        name = LossTermConfig.checkName(TYPE, name, DEFAULT_NAME);
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both). Java code uses
     * {@link CsdTerm#builder()}.
     */
    @JsonCreator
    private static CsdTermConfig fromJson(
            @JsonProperty("encoder") String encoder,
            @JsonProperty("positive") String positive,
            @JsonProperty("negatives") String negatives,
            @JsonProperty("num_negatives") Integer numNegatives,
            @JsonProperty("level_weights") List<Float> levelWeights,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        Builder builder = new Builder();
        if (encoder != null) {
            builder.optEncoder(encoder);
        }
        if (positive != null) {
            builder.optPositive(parse(Positive.class, positive, Positive.TEACHER, "positive"));
        }
        if (negatives != null) {
            builder.optNegatives(parse(Negatives.class, negatives, Negatives.ROLLED, "negatives"));
        }
        if (numNegatives != null) {
            builder.optNumNegatives(numNegatives);
        }
        if (levelWeights != null) {
            builder.optLevelWeights(levelWeights);
        }
        if (weight != null) {
            builder.optWeight(weight);
        }
        return builder.optName(name).config();
    }

    /**
     * Builds a CSD term; every value is optional: {@code encoder} ({@value #DEFAULT_ENCODER}), {@code positive}
     * (teacher), {@code negatives} (rolled), {@code numNegatives} (1; only with rolled), {@code levelWeights}
     * (1/32, 1/16, 1/8, 1/4, 1), {@code weight} (1), {@code name}.
     */
    public static final class Builder extends TermBuilder<Builder, CsdTermConfig> {

        private String encoder = DEFAULT_ENCODER;
        private Positive positive = Positive.TEACHER;
        private Negatives negatives = Negatives.ROLLED;
        private Integer numNegatives;
        private List<Float> levelWeights = CsdContrast.DEFAULT_WEIGHTS;

        Builder() {
            super(1f, null);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the feature extractor by its name registered in {@link CsdEncoders} (default {@value #DEFAULT_ENCODER}).
         *
         * @param value a registered name
         * @return this builder
         */
        public Builder optEncoder(String value) {
            encoder = value;
            return this;
        }

        /**
         * Sets the positive (default {@link Positive#TEACHER}; {@link Positive#HR} is CSD's {@code --gt_as_pos}).
         *
         * @param value teacher or HR
         * @return this builder
         */
        public Builder optPositive(Positive value) {
            positive = value;
            return this;
        }

        /**
         * Sets where the negatives come from (default {@link Negatives#ROLLED}).
         *
         * @param value rolled or batch
         * @return this builder
         */
        public Builder optNegatives(Negatives value) {
            negatives = value;
            return this;
        }

        /**
         * Sets the negatives per sample (default 1; only with {@link Negatives#ROLLED}).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optNumNegatives(int value) {
            numNegatives = value;
            return this;
        }

        /**
         * Sets one weight per extractor level (default 1/32, 1/16, 1/8, 1/4, 1).
         *
         * @param value finite weights &gt;= 0
         * @return this builder
         */
        public Builder optLevelWeights(List<Float> value) {
            levelWeights = value;
            return this;
        }

        /**
         * The config record, the same one the YAML reader makes for the same keys.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the offending field
         */
        @Override
        public CsdTermConfig config() {
            if (numNegatives != null && numNegatives != 1 && negatives == Negatives.BATCH) {
                throw new IllegalArgumentException(TYPE + ": num_negatives " + numNegatives + " applies only to "
                        + "negatives: rolled (with negatives: batch every sample of the batch is a negative)");
            }
            return new CsdTermConfig(encoder, positive, negatives, numNegatives == null ? 1 : numNegatives,
                    levelWeights, weight, name);
        }

        /**
         * The term, ready for {@code Distiller.builder().addTerm(...)}.
         *
         * @return {@code config().build()}
         */
        @Override
        public CsdTerm build() {
            return config().build();
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, E defaultValue, String key) {
        if (value == null) {
            return defaultValue;
        }
        StringBuilder allowed = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            String spelled = e.name().toLowerCase(java.util.Locale.ROOT);
            if (spelled.equals(value)) {
                return e;
            }
            allowed.append(allowed.length() == 0 ? "" : ", ").append('\'').append(spelled).append('\'');
        }
        throw new IllegalArgumentException(TYPE + ": " + key + " must be one of " + allowed + ", got '" + value + "'");
    }

    @Override
    public CsdTerm build() {
        String encoderName = encoder;
        return new CsdTerm(name, weight, roles -> CsdEncoders.create(encoderName, roles), positive, negatives,
                numNegatives, levelWeights);
    }
}
