package org.dckd.backbones.imdn;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.backbones.BackboneConfig;

/**
 * Configuration of an {@link Imdn} (information multi-distillation network, Hui et al., ACM MM 2019, official
 * version with contrast-aware channel attention).
 *
 * <p>JSON ({@code type: imdn}, snake_case keys, defaults in brackets): {@code scale} (required), {@code features}
 * [64], {@code blocks} [6], {@code distilled} [features / 4], {@code input_range} [1]. Preset: {@link #official}.
 *
 * <p>From Java: {@link #builder()}, with the same defaults, e.g.
 * {@code ImdnConfig.builder().setScale(4).optBlocks(4).build()}; {@link Builder#buildNetwork()} gives the network
 * directly.
 *
 * @param scale the upscaling factor (at least 1)
 * @param features the feature width between blocks
 * @param blocks the number of information multi-distillation blocks ({@code IMDB1..IMDBk})
 * @param distilled the channels each distillation step keeps (the rest, {@code features - distilled}, is refined
 *     further); the attention works on {@code 4 * distilled} channels reduced 16-fold, so at least 4
 * @param inputRange the value range of input and output: the official weights expect [0, 1]
 */
@JsonTypeName("imdn")
public record ImdnConfig(
        @JsonProperty("scale") int scale,
        @JsonProperty("features") int features,
        @JsonProperty("blocks") int blocks,
        @JsonProperty("distilled") int distilled,
        @JsonProperty("input_range") float inputRange) implements BackboneConfig {

    /** Default feature width. */
    public static final int DEFAULT_FEATURES = 64;
    /** Default number of blocks. */
    public static final int DEFAULT_BLOCKS = 6;
    /** Default value range. */
    public static final float DEFAULT_INPUT_RANGE = 1f;
    /** The channel reduction of the contrast-aware channel attention (fixed in the official code). */
    public static final int CCA_REDUCTION = 16;
    /** Upper bound on {@code blocks} (keeps PyTorch key naming unambiguous). */
    public static final int MAX_BLOCKS = 64;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public ImdnConfig {
        ImdnValidation.common("imdn", scale, features, blocks, distilled, inputRange, MAX_BLOCKS);
        if (4 * distilled / CCA_REDUCTION < 1) {
            throw new IllegalArgumentException("imdn config: distilled must be at least " + CCA_REDUCTION / 4
                    + " (the channel attention reduces 4 * distilled channels " + CCA_REDUCTION + "-fold), got "
                    + distilled);
        }
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both). Java code uses
     * {@link #builder()}.
     */
    @JsonCreator
    private static ImdnConfig fromJson(
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
     * The official IMDN: 64 features, 6 blocks, 16 distilled channels, input [0, 1] ({@code IMDN_x2/x3/x4.pth}).
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static ImdnConfig official(int scale) {
        return builder().setScale(scale).build();
    }

    /**
     * A copy with another scale (e.g. to build the x2 network of a preset).
     *
     * @param newScale the upscaling factor
     * @return the new config
     */
    public ImdnConfig withScale(int newScale) {
        return new ImdnConfig(newScale, features, blocks, distilled, inputRange);
    }

    @Override
    public Imdn build() {
        return new Imdn(this);
    }

    /**
     * Builds an {@link ImdnConfig}: {@code setScale} is required; {@code optFeatures}
     * ({@value #DEFAULT_FEATURES}), {@code optBlocks} ({@value #DEFAULT_BLOCKS}), {@code optDistilled} (features / 4)
     * and {@code optInputRange} (1) are optional.
     */
    public static final class Builder extends ImdnFamilyBuilder<Builder, ImdnConfig> {

        private Builder() {
            super("imdn", DEFAULT_FEATURES, DEFAULT_BLOCKS, DEFAULT_INPUT_RANGE);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected ImdnConfig newConfig(int distilledChannels) {
            return new ImdnConfig(scale, features, blocks, distilledChannels, inputRange);
        }

        @Override
        public Imdn buildNetwork() {
            return build().build();
        }
    }
}
