package org.dckd.losses.encoders;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

/**
 * The encoder of a taming-transformers VQGAN, loaded from a checkpoint ({@code type: vqgan}).
 *
 * <p>Keys (snake_case, defaults = the ImageNet f16 model with 1024 codes that DCKD uses): {@code checkpoint}
 * (required: a Lightning {@code .ckpt} or a {@code .pth} holding {@code state_dict}), {@code checkpoint_entry} [the
 * usual wrapper entries, see {@code Checkpoints.read}], {@code ch} [128], {@code ch_mult} [[1, 1, 2, 2, 4]],
 * {@code num_res_blocks} [2], {@code attn_resolutions} [[16]], {@code z_channels} [256], {@code embed_dim} [256],
 * {@code n_embed} [1024], {@code resolution} [256], {@code symmetric_input} [false: images go in on [0, 1], as in the
 * DCKD code; true maps them to [-1, 1], the range taming-transformers trained on].
 *
 * <p>From the checkpoint, {@code encoder.*}, {@code quant_conv.*} and {@code quantize.embedding.weight} are loaded
 * strictly (all must be present with the right shapes); everything else a full taming checkpoint holds (decoder,
 * {@code post_quant_conv}, the discriminator under {@code loss.*}) is ignored.
 *
 * <p>From Java: {@link #builder()}, with the same defaults (the YAML reader takes its defaults from that builder).
 *
 * @param checkpoint the checkpoint file ({@code null} only for an architecture-only config used from Java)
 * @param checkpointEntry the wrapper entry to read, or {@code null} for the automatic choice
 * @param ch the base channel count (a multiple of 32: GroupNorm uses 32 groups)
 * @param chMult the channel multiplier of every resolution level (the number of levels)
 * @param numResBlocks residual blocks per level
 * @param attnResolutions the resolutions (counted from {@code resolution}, halving per level) with attention
 * @param zChannels the channels of {@code conv_out}
 * @param embedDim the codebook dimension ({@code quant_conv} output channels)
 * @param nEmbed the number of codebook vectors
 * @param resolution the nominal input resolution the attention levels are counted from
 * @param symmetricInput whether to map inputs from [0, 1] to [-1, 1]
 */
@JsonTypeName(VqganEncoderConfig.TYPE)
public record VqganEncoderConfig(
        @JsonSerialize(using = ToStringSerializer.class) Path checkpoint,
        String checkpointEntry,
        int ch,
        List<Integer> chMult,
        int numResBlocks,
        List<Integer> attnResolutions,
        int zChannels,
        int embedDim,
        int nEmbed,
        int resolution,
        boolean symmetricInput) implements EncoderConfig {

    /** The {@code type} name. */
    public static final String TYPE = "vqgan";

    /** Where the default checkpoint is published (the taming-transformers README links it). */
    public static final String PUBLISHED_AT = "https://heibox.uni-heidelberg.de/d/8088892a516d4e3baf92/";

    /** How to obtain the default checkpoint, for error messages. */
    public static final String HOW_TO_GET = "expected the taming-transformers VQGAN 'vqgan_imagenet_f16_1024' "
            + "checkpoint (ckpts/last.ckpt, about 1 GB; DCKD calls it VQGAN_f16_n1024), published at " + PUBLISHED_AT
            + " (linked from the taming-transformers README, 'VQGAN ImageNet (f=16), 1024'). Without it, use the "
            + "offline default encoder {type: random}";

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public VqganEncoderConfig {
        chMult = List.copyOf(chMult);
        attnResolutions = List.copyOf(attnResolutions);
        if (checkpoint != null && !Files.isRegularFile(checkpoint)) {
            throw new IllegalArgumentException("vqgan encoder: checkpoint: file not found: "
                    + checkpoint.toAbsolutePath() + "; " + HOW_TO_GET);
        }
        if (ch <= 0 || ch % 32 != 0) {
            throw new IllegalArgumentException("vqgan encoder: ch must be a positive multiple of 32 (GroupNorm with "
                    + "32 groups), got " + ch);
        }
        if (chMult.isEmpty() || chMult.stream().anyMatch(m -> m == null || m < 1)) {
            throw new IllegalArgumentException("vqgan encoder: ch_mult must be a non-empty list of positive "
                    + "integers, got " + chMult);
        }
        positive("num_res_blocks", numResBlocks);
        positive("z_channels", zChannels);
        positive("embed_dim", embedDim);
        positive("n_embed", nEmbed);
        positive("resolution", resolution);
        if (attnResolutions.stream().anyMatch(r -> r == null || r < 1)) {
            throw new IllegalArgumentException("vqgan encoder: attn_resolutions must hold positive integers, got "
                    + attnResolutions);
        }
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both).
     */
    @JsonCreator
    private static VqganEncoderConfig fromJson(
            @JsonProperty("checkpoint") String checkpoint,
            @JsonProperty("checkpoint_entry") String checkpointEntry,
            @JsonProperty("ch") Integer ch,
            @JsonProperty("ch_mult") List<Integer> chMult,
            @JsonProperty("num_res_blocks") Integer numResBlocks,
            @JsonProperty("attn_resolutions") List<Integer> attnResolutions,
            @JsonProperty("z_channels") Integer zChannels,
            @JsonProperty("embed_dim") Integer embedDim,
            @JsonProperty("n_embed") Integer nEmbed,
            @JsonProperty("resolution") Integer resolution,
            @JsonProperty("symmetric_input") Boolean symmetricInput) {
        if (checkpoint == null || checkpoint.isBlank()) {
            throw new IllegalArgumentException("vqgan encoder: checkpoint is required; " + HOW_TO_GET);
        }
        Builder builder = builder().setCheckpoint(Path.of(checkpoint)).optCheckpointEntry(checkpointEntry);
        if (ch != null) {
            builder.optCh(ch);
        }
        if (chMult != null) {
            builder.optChMult(chMult);
        }
        if (numResBlocks != null) {
            builder.optNumResBlocks(numResBlocks);
        }
        if (attnResolutions != null) {
            builder.optAttnResolutions(attnResolutions);
        }
        if (zChannels != null) {
            builder.optZChannels(zChannels);
        }
        if (embedDim != null) {
            builder.optEmbedDim(embedDim);
        }
        if (nEmbed != null) {
            builder.optNEmbed(nEmbed);
        }
        if (resolution != null) {
            builder.optResolution(resolution);
        }
        if (symmetricInput != null) {
            builder.optSymmetricInput(symmetricInput);
        }
        return builder.build();
    }

    /**
     * The taming-transformers ImageNet f16 VQGAN with 1024 codes (DCKD's {@code network_vqgan}, the builder's
     * defaults) without a checkpoint: for building the network and loading weights yourself; {@link #build} refuses it.
     *
     * @return the config with {@code checkpoint} {@code null}
     */
    public static VqganEncoderConfig architectureOnly() {
        return new Builder().newConfig();
    }

    /**
     * Starts a VQGAN encoder config with the ImageNet f16 / 1024-code architecture: {@code setCheckpoint} is required.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link VqganEncoderConfig}: {@code checkpoint} is required; the architecture values default to the
     * taming-transformers ImageNet f16 model with 1024 codes that DCKD uses.
     */
    public static final class Builder extends CheckpointEncoderBuilder<Builder, VqganEncoderConfig> {

        private int ch = 128;
        private List<Integer> chMult = List.of(1, 1, 2, 2, 4);
        private int numResBlocks = 2;
        private List<Integer> attnResolutions = List.of(16);
        private int zChannels = 256;
        private int embedDim = 256;
        private int nEmbed = 1024;
        private int resolution = 256;
        private boolean symmetricInput = false;

        private Builder() {
            super("vqgan encoder", HOW_TO_GET);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the base channel count (default 128).
         *
         * @param value a positive multiple of 32
         * @return this builder
         */
        public Builder optCh(int value) {
            ch = value;
            return this;
        }

        /**
         * Sets the channel multiplier of every resolution level (default [1, 1, 2, 2, 4]).
         *
         * @param value positive multipliers
         * @return this builder
         */
        public Builder optChMult(List<Integer> value) {
            chMult = value;
            return this;
        }

        /**
         * Sets the residual blocks per level (default 2).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optNumResBlocks(int value) {
            numResBlocks = value;
            return this;
        }

        /**
         * Sets the resolutions with attention (default [16]).
         *
         * @param value positive resolutions
         * @return this builder
         */
        public Builder optAttnResolutions(List<Integer> value) {
            attnResolutions = value;
            return this;
        }

        /**
         * Sets the channels of {@code conv_out} (default 256).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optZChannels(int value) {
            zChannels = value;
            return this;
        }

        /**
         * Sets the codebook dimension (default 256).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optEmbedDim(int value) {
            embedDim = value;
            return this;
        }

        /**
         * Sets the number of codebook vectors (default 1024).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optNEmbed(int value) {
            nEmbed = value;
            return this;
        }

        /**
         * Sets the nominal input resolution the attention levels are counted from (default 256).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optResolution(int value) {
            resolution = value;
            return this;
        }

        /**
         * Sets whether inputs are mapped from [0, 1] to [-1, 1] (default false, as the DCKD code).
         *
         * @param value whether to map
         * @return this builder
         */
        public Builder optSymmetricInput(boolean value) {
            symmetricInput = value;
            return this;
        }

        @Override
        VqganEncoderConfig newConfig() {
            return new VqganEncoderConfig(checkpoint, checkpointEntry, ch, chMult, numResBlocks, attnResolutions,
                    zChannels, embedDim, nEmbed, resolution, symmetricInput);
        }
    }

    /**
     * A copy with another base channel count (e.g. 32 for the small golden model).
     *
     * @param newCh the base channel count
     * @return the new config
     */
    public VqganEncoderConfig withCh(int newCh) {
        return new VqganEncoderConfig(checkpoint, checkpointEntry, newCh, chMult, numResBlocks, attnResolutions,
                zChannels, embedDim, nEmbed, resolution, symmetricInput);
    }

    /**
     * A copy reading another checkpoint.
     *
     * @param file the checkpoint
     * @return the new config
     */
    public VqganEncoderConfig withCheckpoint(Path file) {
        return new VqganEncoderConfig(file, checkpointEntry, ch, chMult, numResBlocks, attnResolutions, zChannels,
                embedDim, nEmbed, resolution, symmetricInput);
    }

    /** The channels of every feature level: {@code ch * ch_mult[i]}. */
    @JsonIgnore
    public List<Integer> levelChannels() {
        return chMult.stream().map(m -> m * ch).toList();
    }

    /**
     * Builds the VQGAN encoder, loads the checkpoint and freezes it.
     *
     * @throws IllegalStateException if this config has no checkpoint
     */
    @Override
    public FeatureEncoder build(NDManager manager) {
        if (checkpoint == null) {
            throw new IllegalStateException("vqgan encoder: checkpoint is required; " + HOW_TO_GET);
        }
        Vqgan vqgan = new Vqgan(this);
        vqgan.initialize(manager);
        vqgan.load(checkpoint, checkpointEntry);
        vqgan.freeze();
        return vqgan;
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("vqgan encoder: " + key + " must be at least 1, got " + value);
        }
    }
}
