package org.dckd.losses.dckd;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTermConfig;
import org.dckd.losses.dckd.CodebookDistribution.Mode;
import org.dckd.losses.encoders.EncoderConfig;
import org.dckd.losses.encoders.RandomEncoderConfig;

/**
 * Config of DCKD's distribution mapping module ({@code type: dmm}, logged as {@code l_ce}).
 *
 * <p>Keys (defaults in brackets): {@code name} [l_ce]; {@code weight} [0.001]; {@code mode} [{@code paper}; or
 * {@code reference-code}, the released code's double softmax]; {@code tau} [1]; {@code encoder} [{type: random}]
 * ({@link EncoderConfig}); {@code codebook} ({@link CodebookConfig}); {@code chunk_mb} [16]: the encoder runs on chunks
 * of the batch whose largest feature map stays within this many MiB (0: the whole batch at once).
 *
 * @param name the logged name
 * @param weight the weight in the total loss
 * @param mode how the distributions are compared
 * @param tau the temperature of {@code softmax(-d / tau)}
 * @param encoder the frozen encoder whose {@code encode} path gives the vectors
 * @param codebook where the codebook comes from
 * @param chunkMb the memory budget of one encoder chunk in MiB (0: no chunking)
 */
@JsonTypeName(DistributionMappingConfig.TYPE)
public record DistributionMappingConfig(
        String name, float weight, Mode mode, float tau, EncoderConfig encoder, CodebookConfig codebook, int chunkMb)
        implements LossTermConfig {

    /** The {@code type} name. */
    public static final String TYPE = "dmm";
    /** The default logged name. */
    public static final String DEFAULT_NAME = "l_ce";
    /** The paper's weight. */
    public static final float DEFAULT_WEIGHT = 0.001f;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public DistributionMappingConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("dmm: name must not be empty");
        }
        if (!(weight >= 0) || Float.isInfinite(weight)) {
            throw new IllegalArgumentException("dmm: weight must be >= 0 and finite, got " + weight);
        }
        if (mode == null) {
            throw new IllegalArgumentException("dmm: mode must be 'paper' or 'reference-code'");
        }
        if (!(tau > 0) || Float.isInfinite(tau)) {
            throw new IllegalArgumentException("dmm: tau must be positive and finite, got " + tau);
        }
        if (encoder == null || codebook == null) {
            throw new IllegalArgumentException("dmm: encoder and codebook must be given");
        }
        if (chunkMb < 0) {
            throw new IllegalArgumentException("dmm: chunk_mb must be >= 0, got " + chunkMb);
        }
    }

    /**
     * The JSON creator: documented defaults for missing keys.
     *
     * @param name default l_ce
     * @param weight default 0.001
     * @param mode default paper
     * @param tau default 1
     * @param encoder default {type: random}
     * @param codebook default {@link CodebookConfig#defaults()}
     * @param chunkMb default 16
     * @return the config
     */
    @JsonCreator
    public static DistributionMappingConfig of(
            @JsonProperty("name") String name,
            @JsonProperty("weight") Float weight,
            @JsonProperty("mode") Mode mode,
            @JsonProperty("tau") Float tau,
            @JsonProperty("encoder") EncoderConfig encoder,
            @JsonProperty("codebook") CodebookConfig codebook,
            @JsonProperty("chunk_mb") Integer chunkMb) {
        return new DistributionMappingConfig(
                name == null ? DEFAULT_NAME : name,
                weight == null ? DEFAULT_WEIGHT : weight,
                mode == null ? Mode.PAPER : mode,
                tau == null ? 1f : tau,
                encoder == null ? RandomEncoderConfig.defaults() : encoder,
                codebook == null ? CodebookConfig.defaults() : codebook,
                chunkMb == null ? ContrastiveRegularizationConfig.DEFAULT_CHUNK_MB : chunkMb);
    }

    /** The defaults (paper mode, the offline random encoder, a k-means codebook). */
    public static DistributionMappingConfig defaults() {
        return of(null, null, null, null, null, null, null);
    }

    /**
     * A copy with another encoder and codebook.
     *
     * @param newEncoder the encoder
     * @param newCodebook the codebook source
     * @return the new config
     */
    public DistributionMappingConfig with(EncoderConfig newEncoder, CodebookConfig newCodebook) {
        return new DistributionMappingConfig(name, weight, mode, tau, newEncoder, newCodebook, chunkMb);
    }

    @Override
    public DistributionMapping build() {
        return new DistributionMapping(this);
    }
}
