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
     * The JSON creator: the documented defaults for missing keys; {@code checkpoint} is required.
     *
     * @param checkpoint the checkpoint path (required)
     * @param checkpointEntry default automatic
     * @param ch default 128
     * @param chMult default [1, 1, 2, 2, 4]
     * @param numResBlocks default 2
     * @param attnResolutions default [16]
     * @param zChannels default 256
     * @param embedDim default 256
     * @param nEmbed default 1024
     * @param resolution default 256
     * @param symmetricInput default false
     * @return the config
     * @throws IllegalArgumentException if the checkpoint is missing or a field is invalid
     */
    @JsonCreator
    public static VqganEncoderConfig of(
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
        VqganEncoderConfig d = imagenetF16(null);
        return new VqganEncoderConfig(Path.of(checkpoint), checkpointEntry,
                ch == null ? d.ch : ch,
                chMult == null ? d.chMult : chMult,
                numResBlocks == null ? d.numResBlocks : numResBlocks,
                attnResolutions == null ? d.attnResolutions : attnResolutions,
                zChannels == null ? d.zChannels : zChannels,
                embedDim == null ? d.embedDim : embedDim,
                nEmbed == null ? d.nEmbed : nEmbed,
                resolution == null ? d.resolution : resolution,
                symmetricInput != null && symmetricInput);
    }

    /**
     * The taming-transformers ImageNet f16 VQGAN with 1024 codes (DCKD's {@code network_vqgan}).
     *
     * @param checkpoint its checkpoint, or {@code null} for an architecture-only config
     * @return the config
     */
    public static VqganEncoderConfig imagenetF16(Path checkpoint) {
        return new VqganEncoderConfig(checkpoint, null, 128, List.of(1, 1, 2, 2, 4), 2, List.of(16), 256, 256, 1024,
                256, false);
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
