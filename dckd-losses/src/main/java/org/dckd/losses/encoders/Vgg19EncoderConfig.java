package org.dckd.losses.encoders;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

/**
 * torchvision's VGG19 {@code features} up to {@code relu5_1}, loaded from a user checkpoint ({@code type: vgg19}); the
 * feature space of CSD (Wang et al., CVPR 2021) with taps relu1_1, relu2_1, relu3_1, relu4_1, relu5_1.
 *
 * <p>Keys: {@code checkpoint} (required: torchvision's {@code vgg19-dcbb9e9d.pth}, or any {@code .pth} /
 * {@code .safetensors} / {@code .npz} with keys {@code features.N.weight/bias}), {@code checkpoint_entry} [automatic],
 * {@code channels} [[64, 128, 256, 512, 512]]: the convolution widths of the 5 blocks (only the default fits the
 * published weights; other widths exist for tests). Inputs are normalised with the ImageNet mean (0.485, 0.456, 0.406)
 * and std (0.229, 0.224, 0.225).
 *
 * <p>From Java: {@link #builder()}, with the same defaults (the YAML reader takes its defaults from that builder).
 *
 * @param checkpoint the checkpoint file ({@code null} only for an architecture-only config used from Java)
 * @param checkpointEntry the wrapper entry to read, or {@code null} for the automatic choice
 * @param channels the widths of the 5 convolution blocks
 */
@JsonTypeName(Vgg19EncoderConfig.TYPE)
public record Vgg19EncoderConfig(
        @JsonSerialize(using = ToStringSerializer.class) Path checkpoint,
        String checkpointEntry,
        List<Integer> channels) implements EncoderConfig {

    /** The {@code type} name. */
    public static final String TYPE = "vgg19";

    /** The torchvision widths. */
    public static final List<Integer> DEFAULT_CHANNELS = List.of(64, 128, 256, 512, 512);

    /** Where the ImageNet weights are published. */
    public static final String PUBLISHED_AT = "https://download.pytorch.org/models/vgg19-dcbb9e9d.pth";

    /** How to obtain the weights, for error messages. */
    public static final String HOW_TO_GET = "expected torchvision's ImageNet VGG19 weights 'vgg19-dcbb9e9d.pth' "
            + "(torchvision.models.vgg19(weights='IMAGENET1K_V1'), 548 MB), published at " + PUBLISHED_AT;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public Vgg19EncoderConfig {
        channels = List.copyOf(channels);
        if (checkpoint != null && !Files.isRegularFile(checkpoint)) {
            throw new IllegalArgumentException("vgg19 encoder: checkpoint: file not found: "
                    + checkpoint.toAbsolutePath() + "; " + HOW_TO_GET);
        }
        if (channels.size() != 5 || channels.stream().anyMatch(c -> c == null || c < 1)) {
            throw new IllegalArgumentException("vgg19 encoder: channels must be 5 positive integers (the widths of "
                    + "the 5 convolution blocks), got " + channels);
        }
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both).
     */
    @JsonCreator
    private static Vgg19EncoderConfig fromJson(
            @JsonProperty("checkpoint") String checkpoint,
            @JsonProperty("checkpoint_entry") String checkpointEntry,
            @JsonProperty("channels") List<Integer> channels) {
        if (checkpoint == null || checkpoint.isBlank()) {
            throw new IllegalArgumentException("vgg19 encoder: checkpoint is required; " + HOW_TO_GET);
        }
        Builder builder = builder().setCheckpoint(Path.of(checkpoint)).optCheckpointEntry(checkpointEntry);
        if (channels != null) {
            builder.optChannels(channels);
        }
        return builder.build();
    }

    /**
     * torchvision's VGG19 (the builder's defaults) without a checkpoint: for building the network and loading weights
     * yourself; {@link #build} refuses it.
     *
     * @return the config with {@code checkpoint} {@code null}
     */
    public static Vgg19EncoderConfig architectureOnly() {
        return new Builder().newConfig();
    }

    /**
     * Starts a VGG19 encoder config: {@code setCheckpoint} is required.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link Vgg19EncoderConfig}: {@code checkpoint} is required; {@code checkpointEntry} (automatic) and
     * {@code channels} ({@link #DEFAULT_CHANNELS}) are optional.
     */
    public static final class Builder extends CheckpointEncoderBuilder<Builder, Vgg19EncoderConfig> {

        private List<Integer> channels = DEFAULT_CHANNELS;

        private Builder() {
            super("vgg19 encoder", HOW_TO_GET);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the widths of the 5 convolution blocks (default [64, 128, 256, 512, 512]; only the default fits the
         * published weights).
         *
         * @param value 5 positive widths
         * @return this builder
         */
        public Builder optChannels(List<Integer> value) {
            channels = value;
            return this;
        }

        @Override
        Vgg19EncoderConfig newConfig() {
            return new Vgg19EncoderConfig(checkpoint, checkpointEntry, channels);
        }
    }

    @Override
    public FeatureEncoder build(NDManager manager) {
        if (checkpoint == null) {
            throw new IllegalStateException("vgg19 encoder: checkpoint is required; " + HOW_TO_GET);
        }
        Vgg19Features vgg = new Vgg19Features(this);
        vgg.initialize(manager);
        vgg.load(checkpoint, checkpointEntry);
        vgg.freeze();
        return vgg;
    }
}
