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
     * The JSON creator: the documented defaults for missing keys.
     *
     * @param channels default [16, 32, 64, 128, 256]
     * @param convsPerLevel default 1
     * @param seed default 0
     * @return the config
     */
    @JsonCreator
    public static RandomEncoderConfig of(
            @JsonProperty("channels") List<Integer> channels,
            @JsonProperty("convs_per_level") Integer convsPerLevel,
            @JsonProperty("seed") Long seed) {
        return new RandomEncoderConfig(channels == null ? DEFAULT_CHANNELS : channels,
                convsPerLevel == null ? DEFAULT_CONVS_PER_LEVEL : convsPerLevel, seed == null ? 0L : seed);
    }

    /** The default random encoder. */
    public static RandomEncoderConfig defaults() {
        return of(null, null, null);
    }

    @Override
    public FeatureEncoder build(NDManager manager) {
        RandomConvEncoder encoder = new RandomConvEncoder(this);
        encoder.initialize(manager);
        encoder.freeze();
        return encoder;
    }
}
