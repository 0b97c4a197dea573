package org.dckd.losses.dckd;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTermConfig;
import org.dckd.losses.TermBuilder;
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
 * <p>From Java: {@link DistributionMapping#builder()}, or {@link Dckd#defaults()} for the whole DCKD loss, with the
 * same defaults (the YAML reader takes its defaults from that builder).
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
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both). Java code uses
     * {@link DistributionMapping#builder()}.
     */
    @JsonCreator
    private static DistributionMappingConfig fromJson(
            @JsonProperty("name") String name,
            @JsonProperty("weight") Float weight,
            @JsonProperty("mode") Mode mode,
            @JsonProperty("tau") Float tau,
            @JsonProperty("encoder") EncoderConfig encoder,
            @JsonProperty("codebook") CodebookConfig codebook,
            @JsonProperty("chunk_mb") Integer chunkMb) {
        Builder builder = new Builder();
        if (name != null) {
            builder.optName(name);
        }
        if (weight != null) {
            builder.optWeight(weight);
        }
        if (mode != null) {
            builder.optMode(mode);
        }
        if (tau != null) {
            builder.optTau(tau);
        }
        if (encoder != null) {
            builder.optEncoder(encoder);
        }
        if (codebook != null) {
            builder.optCodebook(codebook);
        }
        if (chunkMb != null) {
            builder.optChunkMb(chunkMb);
        }
        return builder.config();
    }

    /** The defaults (paper mode, the offline random encoder, a k-means codebook). */
    public static DistributionMappingConfig defaults() {
        return new Builder().config();
    }

    /**
     * Builds a DMM term; every value is optional, defaults as in the class documentation (the paper's weight 0.001,
     * mode and {@code tau}, the offline random encoder, the default codebook).
     */
    public static final class Builder extends TermBuilder<Builder, DistributionMappingConfig> {

        private Mode mode = Mode.PAPER;
        private float tau = 1f;
        private EncoderConfig encoder = RandomEncoderConfig.defaults();
        private CodebookConfig codebook = CodebookConfig.defaults();
        private int chunkMb = ContrastiveRegularizationConfig.DEFAULT_CHUNK_MB;

        Builder() {
            super(DEFAULT_WEIGHT, DEFAULT_NAME);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets how the distributions are compared (default {@link Mode#PAPER}).
         *
         * @param value paper or reference-code
         * @return this builder
         */
        public Builder optMode(Mode value) {
            mode = value;
            return this;
        }

        /**
         * Sets the temperature of {@code softmax(-d / tau)} (default 1).
         *
         * @param value positive
         * @return this builder
         */
        public Builder optTau(float value) {
            tau = value;
            return this;
        }

        /**
         * Sets the frozen encoder whose {@code encode} path gives the vectors (default
         * {@link RandomEncoderConfig#defaults()}).
         *
         * @param value e.g. a {@link org.dckd.losses.encoders.VqganEncoderConfig}
         * @return this builder
         */
        public Builder optEncoder(EncoderConfig value) {
            encoder = value;
            return this;
        }

        /**
         * Sets where the codebook comes from (default {@link CodebookConfig#defaults()}).
         *
         * @param value e.g. {@code CodebookConfig.builder().optSize(64).build()}
         * @return this builder
         */
        public Builder optCodebook(CodebookConfig value) {
            codebook = value;
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
        public DistributionMappingConfig config() {
            return new DistributionMappingConfig(name, weight, mode, tau, encoder, codebook, chunkMb);
        }

        /**
         * The term, ready for {@code Distiller.builder().addTerm(...)}.
         *
         * @return {@code config().build()}
         */
        @Override
        public DistributionMapping build() {
            return config().build();
        }
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
