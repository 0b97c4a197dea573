package org.dckd.backbones.rlfn;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.backbones.BackboneConfig;

/**
 * Configuration of an {@link Rlfn} (residual local feature network, Kong et al., CVPRW 2022).
 *
 * <p>JSON ({@code type: rlfn}, snake_case keys, defaults in brackets): {@code scale} (required),
 * {@code feature_channels} [52], {@code mid_channels} [= feature_channels], {@code blocks} [6],
 * {@code esa_channels} [16], {@code input_range} [255]. Presets: {@link #rlfn}, {@link #rlfnS}, {@link #rlfnNtire}.
 *
 * <p>From Java: {@link #builder()}, with the same defaults, e.g.
 * {@code RlfnConfig.builder().setScale(4).optFeatureChannels(48).build()}; {@link Builder#buildNetwork()} gives the
 * network directly.
 *
 * @param scale the upscaling factor (at least 1)
 * @param featureChannels the feature width C between blocks
 * @param midChannels the width inside each block's 3x3 convolutions
 * @param blocks the number of residual local feature blocks
 * @param esaChannels the width of the enhanced spatial attention branch
 * @param inputRange the value range of input and output: the official weights expect [0, 255]
 */
@JsonTypeName("rlfn")
public record RlfnConfig(
        @JsonProperty("scale") int scale,
        @JsonProperty("feature_channels") int featureChannels,
        @JsonProperty("mid_channels") int midChannels,
        @JsonProperty("blocks") int blocks,
        @JsonProperty("esa_channels") int esaChannels,
        @JsonProperty("input_range") float inputRange) implements BackboneConfig {

    /** Default feature width (the official {@code RLFN} constructor). */
    public static final int DEFAULT_FEATURE_CHANNELS = 52;
    /** Default number of blocks. */
    public static final int DEFAULT_BLOCKS = 6;
    /** Default ESA width. */
    public static final int DEFAULT_ESA_CHANNELS = 16;
    /** Default value range of the official weights. */
    public static final float DEFAULT_INPUT_RANGE = 255f;
    /** Upper bound on {@code blocks} (keeps PyTorch key naming unambiguous). */
    public static final int MAX_BLOCKS = 64;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public RlfnConfig {
        requireAtLeast("scale", scale, 1);
        requireAtLeast("feature_channels", featureChannels, 1);
        requireAtLeast("mid_channels", midChannels, 1);
        requireAtLeast("blocks", blocks, 1);
        if (blocks > MAX_BLOCKS) {
            throw new IllegalArgumentException("rlfn config: blocks must be at most " + MAX_BLOCKS + ", got " + blocks);
        }
        requireAtLeast("esa_channels", esaChannels, 1);
        if (!(inputRange > 0) || Float.isInfinite(inputRange)) {
            throw new IllegalArgumentException("rlfn config: input_range must be positive and finite, got " + inputRange);
        }
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both). Java code uses
     * {@link #builder()}.
     */
    @JsonCreator
    private static RlfnConfig fromJson(
            @JsonProperty("scale") Integer scale,
            @JsonProperty("feature_channels") Integer featureChannels,
            @JsonProperty("mid_channels") Integer midChannels,
            @JsonProperty("blocks") Integer blocks,
            @JsonProperty("esa_channels") Integer esaChannels,
            @JsonProperty("input_range") Float inputRange) {
        if (scale == null) {
            throw new IllegalArgumentException("rlfn config: scale is required");
        }
        Builder builder = builder().setScale(scale);
        if (featureChannels != null) {
            builder.optFeatureChannels(featureChannels);
        }
        if (midChannels != null) {
            builder.optMidChannels(midChannels);
        }
        if (blocks != null) {
            builder.optBlocks(blocks);
        }
        if (esaChannels != null) {
            builder.optEsaChannels(esaChannels);
        }
        if (inputRange != null) {
            builder.optInputRange(inputRange);
        }
        return builder.build();
    }

    /**
     * A builder with every optional value at its default: {@code setScale} is required; {@code optFeatureChannels}
     * ({@value #DEFAULT_FEATURE_CHANNELS}), {@code optMidChannels} (= feature channels), {@code optBlocks}
     * ({@value #DEFAULT_BLOCKS}), {@code optEsaChannels} ({@value #DEFAULT_ESA_CHANNELS}) and {@code optInputRange}
     * (255) are optional. The YAML reader takes its defaults from this builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this config's values (to change some of them).
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return builder().setScale(scale).optFeatureChannels(featureChannels).optMidChannels(midChannels)
                .optBlocks(blocks).optEsaChannels(esaChannels).optInputRange(inputRange);
    }

    /**
     * Official RLFN: 52 channels, 6 blocks, input [0, 255] ({@code rlfn_x2.pth}, {@code rlfn_x4.pth}).
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static RlfnConfig rlfn(int scale) {
        return builder().setScale(scale).build();
    }

    /**
     * RLFN-S: 48 channels, 6 blocks, input [0, 255] ({@code rlfn_s_x2.pth}, {@code rlfn_s_x4.pth}).
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static RlfnConfig rlfnS(int scale) {
        return builder().setScale(scale).optFeatureChannels(48).build();
    }

    /**
     * The pruned RLFN of the NTIRE 2024 ESR challenge baseline: 46 channels, 48 inside the blocks, 4 blocks, input
     * [0, 255] ({@code rlfn_ntire_x4.pth}).
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static RlfnConfig rlfnNtire(int scale) {
        return builder().setScale(scale).optFeatureChannels(46).optMidChannels(48).optBlocks(4).build();
    }

    /**
     * A copy with another scale (e.g. to build the x2 network of a preset).
     *
     * @param newScale the upscaling factor
     * @return the new config
     */
    public RlfnConfig withScale(int newScale) {
        return new RlfnConfig(newScale, featureChannels, midChannels, blocks, esaChannels, inputRange);
    }

    @Override
    public Rlfn build() {
        return new Rlfn(this);
    }

    /**
     * Builds an {@link RlfnConfig}: {@code setScale} is required, every other value is optional ({@code optX}) with the
     * documented default.
     */
    public static final class Builder {

        private Integer scale;
        private int featureChannels = DEFAULT_FEATURE_CHANNELS;
        private Integer midChannels;
        private int blocks = DEFAULT_BLOCKS;
        private int esaChannels = DEFAULT_ESA_CHANNELS;
        private float inputRange = DEFAULT_INPUT_RANGE;

        private Builder() {}

        /**
         * Sets the upscaling factor (required).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder setScale(int value) {
            scale = value;
            return this;
        }

        /**
         * Sets the feature width C between blocks (default {@value RlfnConfig#DEFAULT_FEATURE_CHANNELS}).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optFeatureChannels(int value) {
            featureChannels = value;
            return this;
        }

        /**
         * Sets the width inside each block's 3x3 convolutions (default: the feature width).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optMidChannels(int value) {
            midChannels = value;
            return this;
        }

        /**
         * Sets the number of residual local feature blocks (default {@value RlfnConfig#DEFAULT_BLOCKS}).
         *
         * @param value 1 .. {@value RlfnConfig#MAX_BLOCKS}
         * @return this builder
         */
        public Builder optBlocks(int value) {
            blocks = value;
            return this;
        }

        /**
         * Sets the width of the enhanced spatial attention branch (default {@value RlfnConfig#DEFAULT_ESA_CHANNELS}).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optEsaChannels(int value) {
            esaChannels = value;
            return this;
        }

        /**
         * Sets the value range of input and output (default 255, what the official weights expect; 1 for [0, 1]).
         *
         * @param value positive and finite
         * @return this builder
         */
        public Builder optInputRange(float value) {
            inputRange = value;
            return this;
        }

        /**
         * The config record, equal to the one the YAML reader makes for the same keys.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the missing setter or the offending field
         */
        public RlfnConfig build() {
            if (scale == null) {
                throw new IllegalArgumentException("rlfn config: setScale is required (the upscaling factor)");
            }
            return new RlfnConfig(scale, featureChannels, midChannels == null ? featureChannels : midChannels, blocks,
                    esaChannels, inputRange);
        }

        /**
         * A new, uninitialised network.
         *
         * @return {@code build().build()}
         * @throws IllegalArgumentException naming the missing setter or the offending field
         */
        public Rlfn buildNetwork() {
            return build().build();
        }
    }

    private static void requireAtLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("rlfn config: " + field + " must be at least " + min + ", got " + value);
        }
    }
}
