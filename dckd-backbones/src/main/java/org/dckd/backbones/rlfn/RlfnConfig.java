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
     * The JSON creator: fills in the documented defaults for missing fields.
     *
     * @param scale required
     * @param featureChannels default 52
     * @param midChannels default {@code featureChannels}
     * @param blocks default 6
     * @param esaChannels default 16
     * @param inputRange default 255
     * @return the config
     * @throws IllegalArgumentException if {@code scale} is missing or a field is invalid
     */
    @JsonCreator
    public static RlfnConfig of(
            @JsonProperty("scale") Integer scale,
            @JsonProperty("feature_channels") Integer featureChannels,
            @JsonProperty("mid_channels") Integer midChannels,
            @JsonProperty("blocks") Integer blocks,
            @JsonProperty("esa_channels") Integer esaChannels,
            @JsonProperty("input_range") Float inputRange) {
        if (scale == null) {
            throw new IllegalArgumentException("rlfn config: scale is required");
        }
        int c = featureChannels == null ? DEFAULT_FEATURE_CHANNELS : featureChannels;
        return new RlfnConfig(scale, c, midChannels == null ? c : midChannels,
                blocks == null ? DEFAULT_BLOCKS : blocks,
                esaChannels == null ? DEFAULT_ESA_CHANNELS : esaChannels,
                inputRange == null ? DEFAULT_INPUT_RANGE : inputRange);
    }

    /**
     * Official RLFN: 52 channels, 6 blocks, input [0, 255] ({@code rlfn_x2.pth}, {@code rlfn_x4.pth}).
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static RlfnConfig rlfn(int scale) {
        return new RlfnConfig(scale, 52, 52, 6, DEFAULT_ESA_CHANNELS, DEFAULT_INPUT_RANGE);
    }

    /**
     * RLFN-S: 48 channels, 6 blocks, input [0, 255] ({@code rlfn_s_x2.pth}, {@code rlfn_s_x4.pth}).
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static RlfnConfig rlfnS(int scale) {
        return new RlfnConfig(scale, 48, 48, 6, DEFAULT_ESA_CHANNELS, DEFAULT_INPUT_RANGE);
    }

    /**
     * The pruned RLFN of the NTIRE 2024 ESR challenge baseline: 46 channels, 48 inside the blocks, 4 blocks, input
     * [0, 255] ({@code rlfn_ntire_x4.pth}).
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static RlfnConfig rlfnNtire(int scale) {
        return new RlfnConfig(scale, 46, 48, 4, DEFAULT_ESA_CHANNELS, DEFAULT_INPUT_RANGE);
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

    private static void requireAtLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("rlfn config: " + field + " must be at least " + min + ", got " + value);
        }
    }
}
