package org.dckd.losses.encoders;

import java.util.List;

import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * A frozen, randomly initialised convolutional encoder with the VQGAN's 5-level shape ({@code type: random}): the
 * offline default feature space, needing no download. Weights come from a {@link java.util.Random} seeded with
 * {@code seed}, so the same config gives bit-identical weights on every machine.
 *
 * <p>Keys (defaults in brackets): {@code channels} [[16, 32, 64, 128, 256]]: one entry per level, the level's feature
 * channels at {@code H / 2^i}; {@code convs_per_level} [1]; {@code seed} [0]. The VQGAN's widths are
 * {@code [128, 128, 256, 256, 512]}; the default keeps the full-resolution levels narrow because the encoder runs on
 * 7 image batches per step at the HR size, where the cost is (see docs/losses-dckd.md for measured costs); the deep
 * levels, which carry the largest weights, are cheap and keep half the VQGAN's width.
 *
 * <p>From Java: {@link #builder()}, with the same defaults (the YAML reader takes its defaults from that builder).
 *
 * @param channels the feature channels of every level (the number of levels)
 * @param convsPerLevel 3x3 convolutions per level (the first of levels 1.. has stride 2)
 * @param seed the seed of the weights
 */
@JsonTypeName(RandomEncoderConfig.TYPE)
public record RandomEncoderConfig(List<Integer> channels, int convsPerLevel, long seed) implements EncoderConfig {

    /** The {@code type} name. */
    public static final String TYPE = "random";

    /** The default channels per level. */
    public static final List<Integer> DEFAULT_CHANNELS = List.of(16, 32, 64, 128, 256);

    /** The default number of convolutions per level. */
    public static final int DEFAULT_CONVS_PER_LEVEL = 1;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public RandomEncoderConfig {
        channels = List.copyOf(channels);
        if (channels.isEmpty() || channels.stream().anyMatch(c -> c == null || c < 1)) {
            throw new IllegalArgumentException("random encoder: channels must be a non-empty list of positive "
                    + "integers, got " + channels);
        }
        if (convsPerLevel < 1) {
            throw new IllegalArgumentException("random encoder: convs_per_level must be at least 1, got "
                    + convsPerLevel);
        }
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both).
     */
    @JsonCreator
    private static RandomEncoderConfig fromJson(
            @JsonProperty("channels") List<Integer> channels,
            @JsonProperty("convs_per_level") Integer convsPerLevel,
            @JsonProperty("seed") Long seed) {
        Builder builder = builder();
        if (channels != null) {
            builder.optChannels(channels);
        }
        if (convsPerLevel != null) {
            builder.optConvsPerLevel(convsPerLevel);
        }
        if (seed != null) {
            builder.optSeed(seed);
        }
        return builder.build();
    }

    /** The default random encoder. */
    public static RandomEncoderConfig defaults() {
        return builder().build();
    }

    /**
     * Starts a random encoder config from the defaults.
     *
     * @return a builder; every value is optional
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link RandomEncoderConfig}: {@code channels} ({@link #DEFAULT_CHANNELS}), {@code convsPerLevel}
     * ({@value #DEFAULT_CONVS_PER_LEVEL}), {@code seed} (0).
     */
    public static final class Builder {

        private List<Integer> channels = DEFAULT_CHANNELS;
        private int convsPerLevel = DEFAULT_CONVS_PER_LEVEL;
        private long seed;

        private Builder() {}

        /**
         * Sets the feature channels of every level, which also sets the number of levels (default [16, 32, 64, 128,
         * 256]).
         *
         * @param value positive channel counts
         * @return this builder
         */
        public Builder optChannels(List<Integer> value) {
            channels = value;
            return this;
        }

        /**
         * Sets the 3x3 convolutions per level (default 1).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optConvsPerLevel(int value) {
            convsPerLevel = value;
            return this;
        }

        /**
         * Sets the seed of the weights (default 0).
         *
         * @param value the seed
         * @return this builder
         */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /**
         * The config.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the offending field
         */
        public RandomEncoderConfig build() {
            return new RandomEncoderConfig(channels, convsPerLevel, seed);
        }
    }

    @Override
    public FeatureEncoder build(NDManager manager) {
        RandomConvEncoder encoder = new RandomConvEncoder(this);
        encoder.initialize(manager);
        encoder.freeze();
        return encoder;
    }
}
