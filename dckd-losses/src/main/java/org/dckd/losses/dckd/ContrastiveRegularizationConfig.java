package org.dckd.losses.dckd;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTermConfig;
import org.dckd.losses.TermBuilder;
import org.dckd.losses.encoders.EncoderConfig;
import org.dckd.losses.encoders.RandomEncoderConfig;

/**
 * Config of DCKD's dynamic contrastive regularization ({@code type: dcr}, logged as {@code l_dcl}).
 *
 * <p>Keys (defaults in brackets): {@code name} [l_dcl]; {@code weight} [0.1]; {@code level_weights}
 * [[1/32, 1/16, 1/8, 1/4, 1]] (one per encoder level); {@code eps} [1e-7]; {@code negatives} [5]: the number N of
 * negatives; {@code clean_negative} [true]: the first negative is the history model's output on the clean LR (the
 * DCKD code's {@code [lq] + 4 degraded}); false makes all N degraded; {@code encoder} [{type: random}]
 * ({@link EncoderConfig}); {@code history} ({@link HistoryConfig}); {@code degradation} ({@link DegradationConfig});
 * {@code chunk_mb} [16]: the encoder runs on chunks of the batch whose largest feature map stays within this many MiB
 * (0: the whole batch at once; see {@code FeatureEncoder#chunkSize}). Results do not depend on it.
 *
 * <p>From Java: {@link ContrastiveRegularization#builder()}, or {@link Dckd#defaults()} for the whole DCKD loss, with
 * the same defaults (the YAML reader takes its defaults from that builder).
 *
 * @param name the logged name
 * @param weight the weight in the total loss
 * @param levelWeights the weight of every feature level
 * @param eps added to the negative distance
 * @param negatives the number of negatives
 * @param cleanNegative whether negative 0 is the clean LR through the history model
 * @param encoder the frozen feature encoder
 * @param history the history model's update rule
 * @param degradation the negatives' degradations
 * @param chunkMb the memory budget of one encoder chunk in MiB (0: no chunking)
 */
@JsonTypeName(ContrastiveRegularizationConfig.TYPE)
public record ContrastiveRegularizationConfig(
        String name,
        float weight,
        List<Double> levelWeights,
        float eps,
        int negatives,
        boolean cleanNegative,
        EncoderConfig encoder,
        HistoryConfig history,
        DegradationConfig degradation,
        int chunkMb) implements LossTermConfig {

    /** The {@code type} name. */
    public static final String TYPE = "dcr";
    /** The default logged name. */
    public static final String DEFAULT_NAME = "l_dcl";
    /** The paper's weight. */
    public static final float DEFAULT_WEIGHT = 0.1f;
    /** The default chunk budget in MiB. */
    public static final int DEFAULT_CHUNK_MB = 16;
    /** The paper's level weights. */
    public static final List<Double> DEFAULT_LEVEL_WEIGHTS = List.of(1 / 32.0, 1 / 16.0, 1 / 8.0, 1 / 4.0, 1.0);

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public ContrastiveRegularizationConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("dcr: name must not be empty");
        }
        if (!(weight >= 0) || Float.isInfinite(weight)) {
            throw new IllegalArgumentException("dcr: weight must be >= 0 and finite, got " + weight);
        }
        levelWeights = List.copyOf(levelWeights);
        if (levelWeights.isEmpty() || levelWeights.stream().anyMatch(w -> w == null || !(w >= 0) || w.isInfinite())) {
            throw new IllegalArgumentException("dcr: level_weights must be a non-empty list of finite weights >= 0, "
                    + "got " + levelWeights);
        }
        if (!(eps >= 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("dcr: eps must be >= 0 and finite, got " + eps);
        }
        if (negatives < 1) {
            throw new IllegalArgumentException("dcr: negatives must be at least 1, got " + negatives);
        }
        if (encoder == null || history == null || degradation == null) {
            throw new IllegalArgumentException("dcr: encoder, history and degradation must be given");
        }
        if (chunkMb < 0) {
            throw new IllegalArgumentException("dcr: chunk_mb must be >= 0, got " + chunkMb);
        }
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both). Java code uses
     * {@link ContrastiveRegularization#builder()}.
     */
    @JsonCreator
    private static ContrastiveRegularizationConfig fromJson(
            @JsonProperty("name") String name,
            @JsonProperty("weight") Float weight,
            @JsonProperty("level_weights") List<Double> levelWeights,
            @JsonProperty("eps") Float eps,
            @JsonProperty("negatives") Integer negatives,
            @JsonProperty("clean_negative") Boolean cleanNegative,
            @JsonProperty("encoder") EncoderConfig encoder,
            @JsonProperty("history") HistoryConfig history,
            @JsonProperty("degradation") DegradationConfig degradation,
            @JsonProperty("chunk_mb") Integer chunkMb) {
        Builder builder = new Builder();
        if (name != null) {
            builder.optName(name);
        }
        if (weight != null) {
            builder.optWeight(weight);
        }
        if (levelWeights != null) {
            builder.optLevelWeights(levelWeights);
        }
        if (eps != null) {
            builder.optEps(eps);
        }
        if (negatives != null) {
            builder.optNegatives(negatives);
        }
        if (cleanNegative != null) {
            builder.optCleanNegative(cleanNegative);
        }
        if (encoder != null) {
            builder.optEncoder(encoder);
        }
        if (history != null) {
            builder.optHistory(history);
        }
        if (degradation != null) {
            builder.optDegradation(degradation);
        }
        if (chunkMb != null) {
            builder.optChunkMb(chunkMb);
        }
        return builder.config();
    }

    /** The defaults (the DCKD code's, with the offline random encoder). */
    public static ContrastiveRegularizationConfig defaults() {
        return new Builder().config();
    }

    /**
     * Builds a DCR term; every value is optional, defaults as in the class documentation (the paper's weight 0.1 and
     * level weights, 5 negatives with the clean one first, the offline random encoder, the DCKD code's history rule
     * and degradations).
     */
    public static final class Builder extends TermBuilder<Builder, ContrastiveRegularizationConfig> {

        private List<Double> levelWeights = DEFAULT_LEVEL_WEIGHTS;
        private float eps = 1e-7f;
        private int negatives = 5;
        private boolean cleanNegative = true;
        private EncoderConfig encoder = RandomEncoderConfig.defaults();
        private HistoryConfig history = HistoryConfig.defaults();
        private DegradationConfig degradation = DegradationConfig.defaults();
        private int chunkMb = DEFAULT_CHUNK_MB;

        Builder() {
            super(DEFAULT_WEIGHT, DEFAULT_NAME);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the weight of every encoder level (default 1/32, 1/16, 1/8, 1/4, 1).
         *
         * @param value one finite weight &gt;= 0 per level
         * @return this builder
         */
        public Builder optLevelWeights(List<Double> value) {
            levelWeights = value;
            return this;
        }

        /**
         * Sets the constant added to the negative distance (default 1e-7).
         *
         * @param value &gt;= 0
         * @return this builder
         */
        public Builder optEps(float value) {
            eps = value;
            return this;
        }

        /**
         * Sets the number N of negatives (default 5).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optNegatives(int value) {
            negatives = value;
            return this;
        }

        /**
         * Sets whether negative 0 is the history model's output on the clean LR (default true, the DCKD code's
         * {@code [lq] + 4 degraded}).
         *
         * @param value false makes all N degraded
         * @return this builder
         */
        public Builder optCleanNegative(boolean value) {
            cleanNegative = value;
            return this;
        }

        /**
         * Sets the frozen feature encoder (default {@link RandomEncoderConfig#defaults()}).
         *
         * @param value e.g. a {@link org.dckd.losses.encoders.VqganEncoderConfig}
         * @return this builder
         */
        public Builder optEncoder(EncoderConfig value) {
            encoder = value;
            return this;
        }

        /**
         * Sets the history model's update rule (default {@link HistoryConfig#defaults()}).
         *
         * @param value e.g. {@code HistoryConfig.builder().optSteps(List.of(100L)).build()}
         * @return this builder
         */
        public Builder optHistory(HistoryConfig value) {
            history = value;
            return this;
        }

        /**
         * Sets the negatives' degradations (default {@link DegradationConfig#defaults()}).
         *
         * @param value e.g. {@code DegradationConfig.builder().optBlurProb(0.5).build()}
         * @return this builder
         */
        public Builder optDegradation(DegradationConfig value) {
            degradation = value;
            return this;
        }

        /**
         * Sets the memory budget of one encoder chunk in MiB (default 16; 0: the whole batch at once).
         *
         * @param value &gt;= 0
         * @return this builder
         */
        public Builder optChunkMb(int value) {
            chunkMb = value;
            return this;
        }

        /**
         * The config record, the same one the YAML reader makes for the same keys.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the offending field
         */
        @Override
        public ContrastiveRegularizationConfig config() {
            return new ContrastiveRegularizationConfig(name, weight, levelWeights, eps, negatives, cleanNegative,
                    encoder, history, degradation, chunkMb);
        }

        /**
         * The term, ready for {@code Distiller.builder().addTerm(...)}.
         *
         * @return {@code config().build()}
         */
        @Override
        public ContrastiveRegularization build() {
            return config().build();
        }
    }

    /**
     * A copy with another encoder.
     *
     * @param newEncoder the encoder config
     * @return the new config
     */
    public ContrastiveRegularizationConfig withEncoder(EncoderConfig newEncoder) {
        return new ContrastiveRegularizationConfig(name, weight, levelWeights, eps, negatives, cleanNegative,
                newEncoder, history, degradation, chunkMb);
    }

    /**
     * A copy with another history rule.
     *
     * @param newHistory the history config
     * @return the new config
     */
    public ContrastiveRegularizationConfig withHistory(HistoryConfig newHistory) {
        return new ContrastiveRegularizationConfig(name, weight, levelWeights, eps, negatives, cleanNegative,
                encoder, newHistory, degradation, chunkMb);
    }

    /**
     * A copy with another chunk budget.
     *
     * @param newChunkMb the budget in MiB (0: no chunking)
     * @return the new config
     */
    public ContrastiveRegularizationConfig withChunkMb(int newChunkMb) {
        return new ContrastiveRegularizationConfig(name, weight, levelWeights, eps, negatives, cleanNegative,
                encoder, history, degradation, newChunkMb);
    }

    @Override
    public ContrastiveRegularization build() {
        return new ContrastiveRegularization(this);
    }
}
