package org.dckd.backbones.rcan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.PixelShuffleUpsample;

/**
 * Configuration of an {@link Rcan} (residual channel attention network, Zhang et al., ECCV 2018), with BasicSR's
 * {@code RCAN} keyword arguments as keys.
 *
 * <p>JSON ({@code type: rcan}, snake_case keys, defaults in brackets, BasicSR's): {@code scale} (required: 3 or a
 * power of 2), {@code num_feat} [64], {@code num_group} [10], {@code num_block} [16], {@code squeeze_factor} [16],
 * {@code res_scale} [1], {@code img_range} [255]. Presets: {@link #rcan} (the DCKD paper's teacher, 10 groups x 20
 * blocks) and {@link #rcanStudent} (its student, 10 x 6).
 *
 * <p>From Java: {@link #builder()}, with the same defaults, e.g.
 * {@code RcanConfig.builder().setScale(4).optNumBlock(6).build()}; {@link Builder#buildNetwork()} gives the network
 * directly.
 *
 * @param scale the upscaling factor: 3 or a power of 2 (what BasicSR's {@code Upsample} supports)
 * @param numFeat the feature width C
 * @param numGroup the number G of residual groups
 * @param numBlock the number of residual channel attention blocks per group
 * @param squeezeFactor the channel attention's reduction ({@code num_feat / squeeze_factor} hidden channels)
 * @param resScale the factor of each block's residual branch
 * @param imgRange the value the [0, 1] input is scaled to after the mean subtraction (255 in BasicSR)
 */
@JsonTypeName("rcan")
public record RcanConfig(
        @JsonProperty("scale") int scale,
        @JsonProperty("num_feat") int numFeat,
        @JsonProperty("num_group") int numGroup,
        @JsonProperty("num_block") int numBlock,
        @JsonProperty("squeeze_factor") int squeezeFactor,
        @JsonProperty("res_scale") double resScale,
        @JsonProperty("img_range") double imgRange) implements BackboneConfig {

    /** Default feature width (BasicSR's {@code num_feat}). */
    public static final int DEFAULT_NUM_FEAT = 64;
    /** Default number of residual groups. */
    public static final int DEFAULT_NUM_GROUP = 10;
    /** Default blocks per group (BasicSR's default; the RCAN paper and the {@code rcan} preset use 20). */
    public static final int DEFAULT_NUM_BLOCK = 16;
    /** Default channel attention reduction. */
    public static final int DEFAULT_SQUEEZE_FACTOR = 16;
    /** Default residual scale. */
    public static final double DEFAULT_RES_SCALE = 1.0;
    /** Default internal image range. */
    public static final double DEFAULT_IMG_RANGE = 255.0;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public RcanConfig {
        if (!PixelShuffleUpsample.isSupported(scale)) {
            throw new IllegalArgumentException("rcan config: scale must be 3 or a power of 2 (BasicSR's Upsample), got "
                    + scale);
        }
        requireAtLeast("num_feat", numFeat, 1);
        requireAtLeast("num_group", numGroup, 1);
        requireAtLeast("num_block", numBlock, 1);
        requireAtLeast("squeeze_factor", squeezeFactor, 1);
        if (numFeat / squeezeFactor < 1) {
            throw new IllegalArgumentException("rcan config: num_feat / squeeze_factor (the channel attention's "
                    + "hidden width) must be at least 1, got " + numFeat + " / " + squeezeFactor);
        }
        if (!Double.isFinite(resScale)) {
            throw new IllegalArgumentException("rcan config: res_scale must be finite, got " + resScale);
        }
        if (!(imgRange > 0) || Double.isInfinite(imgRange)) {
            throw new IllegalArgumentException("rcan config: img_range must be positive and finite, got " + imgRange);
        }
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both). Java code uses
     * {@link #builder()}.
     */
    @JsonCreator
    private static RcanConfig fromJson(
            @JsonProperty("scale") Integer scale,
            @JsonProperty("num_feat") Integer numFeat,
            @JsonProperty("num_group") Integer numGroup,
            @JsonProperty("num_block") Integer numBlock,
            @JsonProperty("squeeze_factor") Integer squeezeFactor,
            @JsonProperty("res_scale") Double resScale,
            @JsonProperty("img_range") Double imgRange) {
        if (scale == null) {
            throw new IllegalArgumentException("rcan config: scale is required");
        }
        Builder b = builder().setScale(scale);
        if (numFeat != null) {
            b.optNumFeat(numFeat);
        }
        if (numGroup != null) {
            b.optNumGroup(numGroup);
        }
        if (numBlock != null) {
            b.optNumBlock(numBlock);
        }
        if (squeezeFactor != null) {
            b.optSqueezeFactor(squeezeFactor);
        }
        if (resScale != null) {
            b.optResScale(resScale);
        }
        if (imgRange != null) {
            b.optImgRange(imgRange);
        }
        return b.build();
    }

    /**
     * A builder with every optional value at its default: {@code setScale} is required; {@code optNumFeat}
     * ({@value #DEFAULT_NUM_FEAT}), {@code optNumGroup} ({@value #DEFAULT_NUM_GROUP}), {@code optNumBlock}
     * ({@value #DEFAULT_NUM_BLOCK}), {@code optSqueezeFactor} ({@value #DEFAULT_SQUEEZE_FACTOR}),
     * {@code optResScale} (1) and {@code optImgRange} (255) are optional. The YAML reader takes its defaults from
     * this builder.
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
        return builder().setScale(scale).optNumFeat(numFeat).optNumGroup(numGroup).optNumBlock(numBlock)
                .optSqueezeFactor(squeezeFactor).optResScale(resScale).optImgRange(imgRange);
    }

    /**
     * The DCKD paper's RCAN teacher (the RCAN paper's network): 64 channels, 10 residual groups of 20 blocks,
     * squeeze factor 16; 15,592,355 parameters at x4.
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static RcanConfig rcan(int scale) {
        return builder().setScale(scale).optNumBlock(20).build();
    }

    /**
     * The DCKD paper's RCAN student: 64 channels, 10 residual groups of 6 blocks, squeeze factor 16; 5,171,315
     * parameters at x4.
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static RcanConfig rcanStudent(int scale) {
        return builder().setScale(scale).optNumBlock(6).build();
    }

    /**
     * A copy with another scale (e.g. to build the x2 network of a preset).
     *
     * @param newScale the upscaling factor
     * @return the new config
     */
    public RcanConfig withScale(int newScale) {
        return new RcanConfig(newScale, numFeat, numGroup, numBlock, squeezeFactor, resScale, imgRange);
    }

    @Override
    public Rcan build() {
        return new Rcan(this);
    }

    /**
     * Builds an {@link RcanConfig}: {@code setScale} is required, every other value is optional ({@code optX}) with the
     * documented default.
     */
    public static final class Builder {

        private Integer scale;
        private int numFeat = DEFAULT_NUM_FEAT;
        private int numGroup = DEFAULT_NUM_GROUP;
        private int numBlock = DEFAULT_NUM_BLOCK;
        private int squeezeFactor = DEFAULT_SQUEEZE_FACTOR;
        private double resScale = DEFAULT_RES_SCALE;
        private double imgRange = DEFAULT_IMG_RANGE;

        private Builder() {}

        /**
         * Sets the upscaling factor (required).
         *
         * @param value 3 or a power of 2
         * @return this builder
         */
        public Builder setScale(int value) {
            scale = value;
            return this;
        }

        /**
         * Sets the feature width (default {@value RcanConfig#DEFAULT_NUM_FEAT}).
         *
         * @param value at least {@code squeeze_factor}
         * @return this builder
         */
        public Builder optNumFeat(int value) {
            numFeat = value;
            return this;
        }

        /**
         * Sets the number of residual groups (default {@value RcanConfig#DEFAULT_NUM_GROUP}).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optNumGroup(int value) {
            numGroup = value;
            return this;
        }

        /**
         * Sets the number of residual channel attention blocks per group (default
         * {@value RcanConfig#DEFAULT_NUM_BLOCK}, BasicSR's; the RCAN paper uses 20).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optNumBlock(int value) {
            numBlock = value;
            return this;
        }

        /**
         * Sets the channel attention's reduction (default {@value RcanConfig#DEFAULT_SQUEEZE_FACTOR}).
         *
         * @param value 1 .. num_feat
         * @return this builder
         */
        public Builder optSqueezeFactor(int value) {
            squeezeFactor = value;
            return this;
        }

        /**
         * Sets the factor of each block's residual branch (default 1).
         *
         * @param value finite
         * @return this builder
         */
        public Builder optResScale(double value) {
            resScale = value;
            return this;
        }

        /**
         * Sets the value the [0, 1] input is scaled to after the mean subtraction (default 255, BasicSR's); input and
         * output stay in [0, 1].
         *
         * @param value positive and finite
         * @return this builder
         */
        public Builder optImgRange(double value) {
            imgRange = value;
            return this;
        }

        /**
         * The config record, equal to the one the YAML reader makes for the same keys.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the missing setter or the offending field
         */
        public RcanConfig build() {
            if (scale == null) {
                throw new IllegalArgumentException("rcan config: setScale is required (the upscaling factor)");
            }
            return new RcanConfig(scale, numFeat, numGroup, numBlock, squeezeFactor, resScale, imgRange);
        }

        /**
         * A new, uninitialised network.
         *
         * @return {@code build().build()}
         * @throws IllegalArgumentException naming the missing setter or the offending field
         */
        public Rcan buildNetwork() {
            return build().build();
        }
    }

    private static void requireAtLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("rcan config: " + field + " must be at least " + min + ", got " + value);
        }
    }
}
