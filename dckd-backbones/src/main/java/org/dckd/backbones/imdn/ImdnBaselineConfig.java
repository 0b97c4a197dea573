package org.dckd.backbones.imdn;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.backbones.BackboneConfig;

/**
 * Configuration of an {@link ImdnBaseline}, the simplified IMDN used as the NTIRE 2022 efficient-SR baseline (no
 * channel attention, no block fusion, one global residual).
 *
 * <p>JSON ({@code type: imdn_baseline}, snake_case keys, defaults in brackets): {@code scale} (required),
 * {@code features} [64], {@code blocks} [8], {@code distilled} [features / 4], {@code input_range} [1]. Preset:
 * {@link #ntire2022}.
 *
 * <p>From Java: {@link #builder()}, with the same defaults, e.g.
 * {@code ImdnBaselineConfig.builder().setScale(4).optFeatures(32).build()}; {@link Builder#buildNetwork()} gives the
 * network directly.
 *
 * @param scale the upscaling factor (at least 1)
 * @param features the feature width
 * @param blocks the number of IMD blocks
 * @param distilled the channels each distillation step keeps (1 .. features - 1)
 * @param inputRange the value range of input and output: the NTIRE weights expect [0, 1]
 */
@JsonTypeName("imdn_baseline")
public record ImdnBaselineConfig(
        @JsonProperty("scale") int scale,
        @JsonProperty("features") int features,
        @JsonProperty("blocks") int blocks,
        @JsonProperty("distilled") int distilled,
        @JsonProperty("input_range") float inputRange) implements BackboneConfig {

    /** Default feature width. */
    public static final int DEFAULT_FEATURES = 64;
    /** Default number of blocks. */
    public static final int DEFAULT_BLOCKS = 8;
    /** Default value range. */
    public static final float DEFAULT_INPUT_RANGE = 1f;
    /** Upper bound on {@code blocks} (keeps PyTorch key naming unambiguous). */
    public static final int MAX_BLOCKS = 64;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public ImdnBaselineConfig {
        ImdnValidation.common("imdn_baseline", scale, features, blocks, distilled, inputRange, MAX_BLOCKS);
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both). Java code uses
     * {@link #builder()}.
     */
    @JsonCreator
    private static ImdnBaselineConfig fromJson(
            @JsonProperty("scale") Integer scale,
            @JsonProperty("features") Integer features,
            @JsonProperty("blocks") Integer blocks,
            @JsonProperty("distilled") Integer distilled,
            @JsonProperty("input_range") Float inputRange) {
        return builder().withValues(scale, features, blocks, distilled, inputRange).build();
    }

    /**
     * A builder with every optional value at its default (see {@link ImdnFamilyBuilder}); the YAML reader takes its
     * defaults from it.
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
        return builder().withValues(scale, features, blocks, distilled, inputRange);
    }

    /**
     * The NTIRE 2022 ESR baseline: 64 features, 8 blocks, input [0, 1] ({@code imdn_baseline.pth}, x4).
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static ImdnBaselineConfig ntire2022(int scale) {
        return builder().setScale(scale).build();
    }

    /**
     * A copy with another scale (e.g. to build the x2 network of a preset).
     *
     * @param newScale the upscaling factor
     * @return the new config
     */
    public ImdnBaselineConfig withScale(int newScale) {
        return new ImdnBaselineConfig(newScale, features, blocks, distilled, inputRange);
    }

    @Override
    public ImdnBaseline build() {
        return new ImdnBaseline(this);
    }

    /**
     * Builds an {@link ImdnBaselineConfig}: {@code setScale} is required; {@code optFeatures}
     * ({@value #DEFAULT_FEATURES}), {@code optBlocks} ({@value #DEFAULT_BLOCKS}), {@code optDistilled} (features / 4)
     * and {@code optInputRange} (1) are optional.
     */
    public static final class Builder extends ImdnFamilyBuilder<Builder, ImdnBaselineConfig> {

        private Builder() {
            super("imdn_baseline", DEFAULT_FEATURES, DEFAULT_BLOCKS, DEFAULT_INPUT_RANGE);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected ImdnBaselineConfig newConfig(int distilledChannels) {
            return new ImdnBaselineConfig(scale, features, blocks, distilledChannels, inputRange);
        }

        @Override
        public ImdnBaseline buildNetwork() {
            return build().build();
        }
    }
}
