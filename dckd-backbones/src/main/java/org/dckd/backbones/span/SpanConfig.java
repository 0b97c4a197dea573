package org.dckd.backbones.span;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.backbones.ReparameterizableConfig;

/**
 * Configuration of a {@link Span} (swift parameter-free attention network, Wan et al., NTIRE 2024 ESR winner).
 *
 * <p>JSON ({@code type: span}, snake_case keys, defaults in brackets): {@code scale} (required),
 * {@code feature_channels} [48, the paper's model], {@code blocks} [6], {@code deploy} [false]. {@code deploy: false}
 * is the training form (every {@link Conv3xc} with its branches, what a student trains); {@code deploy: true} the
 * merged form (one 3x3 convolution each), the form of the official NTIRE 2024 weights and of
 * {@code dckd reparameterize}'s output. Both forms of one config compute the same function; the training form's
 * weights become the deploy form's with {@link org.dckd.nn.reparam.Reparameterization#deployStateDict}.
 *
 * <p>Presets: {@link #ntire2024} (28 channels, deploy: the challenge winner, {@code team38_span_ch28_slim.pth}),
 * {@link #tiny} (26 channels, deploy: team39's SPAN-tiny, the same structure), {@link #ch48} (the paper's 48
 * channels, training form) and {@link #student16} (16 channels, training form).
 *
 * <p>From Java: {@link #builder()}, e.g. {@code SpanConfig.builder().setScale(4).optFeatureChannels(16).build()}.
 *
 * @param scale the upscaling factor (at least 1)
 * @param featureChannels the feature width C
 * @param blocks the number of SPAB blocks (the official network has 6)
 * @param deploy whether the {@link Conv3xc} convolutions are in their merged deploy form
 */
@JsonTypeName("span")
public record SpanConfig(
        @JsonProperty("scale") int scale,
        @JsonProperty("feature_channels") int featureChannels,
        @JsonProperty("blocks") int blocks,
        @JsonProperty("deploy") boolean deploy) implements ReparameterizableConfig {

    /** Default feature width (the official {@code SPAN} constructor and the paper's model). */
    public static final int DEFAULT_FEATURE_CHANNELS = 48;
    /** Default number of blocks (the official network). */
    public static final int DEFAULT_BLOCKS = 6;
    /** Upper bound on {@code blocks} (keeps PyTorch key naming unambiguous). */
    public static final int MAX_BLOCKS = 64;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public SpanConfig {
        requireAtLeast("scale", scale, 1);
        requireAtLeast("feature_channels", featureChannels, 1);
        requireAtLeast("blocks", blocks, 1);
        if (blocks > MAX_BLOCKS) {
            throw new IllegalArgumentException("span config: blocks must be at most " + MAX_BLOCKS + ", got " + blocks);
        }
    }

    @JsonCreator
    private static SpanConfig fromJson(
            @JsonProperty("scale") Integer scale,
            @JsonProperty("feature_channels") Integer featureChannels,
            @JsonProperty("blocks") Integer blocks,
            @JsonProperty("deploy") Boolean deploy) {
        if (scale == null) {
            throw new IllegalArgumentException("span config: scale is required");
        }
        Builder b = builder().setScale(scale);
        if (featureChannels != null) {
            b.optFeatureChannels(featureChannels);
        }
        if (blocks != null) {
            b.optBlocks(blocks);
        }
        if (deploy != null) {
            b.optDeploy(deploy);
        }
        return b.build();
    }

    /**
     * A builder: {@code setScale} is required; {@code optFeatureChannels} ({@value #DEFAULT_FEATURE_CHANNELS}),
     * {@code optBlocks} ({@value #DEFAULT_BLOCKS}) and {@code optDeploy} (false) are optional.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The NTIRE 2024 ESR winner (team38 "XiaomiMM"): 28 channels, 6 blocks, deploy form; the official
     * {@code team38_span_ch28_slim.pth} loads strictly. 150,688 parameters.
     *
     * @param scale the upscaling factor (the official weights are x4)
     * @return the config
     */
    public static SpanConfig ntire2024(int scale) {
        return builder().setScale(scale).optFeatureChannels(28).optDeploy(true).build();
    }

    /**
     * SPAN-tiny of NTIRE 2024 team39: the team38 structure with 26 channels, deploy form. 130,828 parameters at x4.
     * ({@code models/team39_SPANtiny.py} of the challenge repository differs from team38's file only in the dummy
     * CUDA forward pass at the end of the constructor.)
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static SpanConfig tiny(int scale) {
        return builder().setScale(scale).optFeatureChannels(26).optDeploy(true).build();
    }

    /**
     * The paper's SPAN: 48 channels, 6 blocks, training form (2,236,728 parameters at x4 counted as PyTorch does,
     * see {@link Span#parameterCount()}).
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static SpanConfig ch48(int scale) {
        return builder().setScale(scale).build();
    }

    /**
     * A small student: 16 channels, 6 blocks, training form.
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static SpanConfig student16(int scale) {
        return builder().setScale(scale).optFeatureChannels(16).build();
    }

    /**
     * The same network in its deploy form.
     *
     * @return this config with {@code deploy = true}
     */
    @Override
    public SpanConfig deployForm() {
        return new SpanConfig(scale, featureChannels, blocks, true);
    }

    /**
     * The same network in its training form.
     *
     * @return this config with {@code deploy = false}
     */
    @Override
    public SpanConfig trainingForm() {
        return new SpanConfig(scale, featureChannels, blocks, false);
    }

    /** Whether this config builds the deploy form ({@link #deploy()}). */
    @Override
    public boolean isDeployForm() {
        return deploy;
    }

    /** true: the official {@code Conv3XC} calls only its merged {@code eval_conv} in {@code eval()}. */
    @Override
    public boolean evaluatesMerged() {
        return true;
    }

    /**
     * A builder holding this config's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return builder().setScale(scale).optFeatureChannels(featureChannels).optBlocks(blocks).optDeploy(deploy);
    }

    @Override
    public Span build() {
        return new Span(this);
    }

    /** Builds a {@link SpanConfig}. */
    public static final class Builder {

        private Integer scale;
        private int featureChannels = DEFAULT_FEATURE_CHANNELS;
        private int blocks = DEFAULT_BLOCKS;
        private boolean deploy;

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
         * Sets the feature width (default {@value SpanConfig#DEFAULT_FEATURE_CHANNELS}).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optFeatureChannels(int value) {
            featureChannels = value;
            return this;
        }

        /**
         * Sets the number of SPAB blocks (default {@value SpanConfig#DEFAULT_BLOCKS}).
         *
         * @param value 1 .. {@value SpanConfig#MAX_BLOCKS}
         * @return this builder
         */
        public Builder optBlocks(int value) {
            blocks = value;
            return this;
        }

        /**
         * Chooses the deploy form (merged convolutions) instead of the training form (default false).
         *
         * @param value whether to build the deploy form
         * @return this builder
         */
        public Builder optDeploy(boolean value) {
            deploy = value;
            return this;
        }

        /**
         * The config record.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the missing setter or the offending field
         */
        public SpanConfig build() {
            if (scale == null) {
                throw new IllegalArgumentException("span config: setScale is required (the upscaling factor)");
            }
            return new SpanConfig(scale, featureChannels, blocks, deploy);
        }

        /**
         * A new, uninitialised network.
         *
         * @return {@code build().build()}
         */
        public Span buildNetwork() {
            return build().build();
        }
    }

    private static void requireAtLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("span config: " + field + " must be at least " + min + ", got " + value);
        }
    }
}
