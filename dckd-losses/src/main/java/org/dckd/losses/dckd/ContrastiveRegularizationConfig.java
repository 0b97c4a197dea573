package org.dckd.losses.dckd;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTermConfig;
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
     * The JSON creator: documented defaults for missing keys.
     *
     * @param name default l_dcl
     * @param weight default 0.1
     * @param levelWeights default [1/32, 1/16, 1/8, 1/4, 1]
     * @param eps default 1e-7
     * @param negatives default 5
     * @param cleanNegative default true
     * @param encoder default {type: random}
     * @param history default {@link HistoryConfig#defaults()}
     * @param degradation default {@link DegradationConfig#defaults()}
     * @param chunkMb default 16
     * @return the config
     */
    @JsonCreator
    public static ContrastiveRegularizationConfig of(
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
        return new ContrastiveRegularizationConfig(
                name == null ? DEFAULT_NAME : name,
                weight == null ? DEFAULT_WEIGHT : weight,
                levelWeights == null ? DEFAULT_LEVEL_WEIGHTS : levelWeights,
                eps == null ? 1e-7f : eps,
                negatives == null ? 5 : negatives,
                cleanNegative == null || cleanNegative,
                encoder == null ? RandomEncoderConfig.defaults() : encoder,
                history == null ? HistoryConfig.defaults() : history,
                degradation == null ? DegradationConfig.defaults() : degradation,
                chunkMb == null ? DEFAULT_CHUNK_MB : chunkMb);
    }

    /** The defaults (the DCKD code's, with the offline random encoder). */
    public static ContrastiveRegularizationConfig defaults() {
        return of(null, null, null, null, null, null, null, null, null, null);
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
