package org.dckd.losses.encoders;

import java.nio.file.Path;

/**
 * What the builders of encoders with published weights share ({@link VqganEncoderConfig.Builder},
 * {@link Vgg19EncoderConfig.Builder}): the required {@code setCheckpoint} and the optional {@code optCheckpointEntry}.
 *
 * @param <B> the concrete builder
 * @param <C> the config it makes
 */
public abstract class CheckpointEncoderBuilder<B extends CheckpointEncoderBuilder<B, C>, C extends EncoderConfig> {

    private final String label;
    private final String howToGet;
    /** The checkpoint file, or {@code null} until set. */
    protected Path checkpoint;
    /** The wrapper entry to read, or {@code null} for the automatic choice. */
    protected String checkpointEntry;

    CheckpointEncoderBuilder(String label, String howToGet) {
        this.label = label;
        this.howToGet = howToGet;
    }

    /**
     * This builder, typed.
     *
     * @return {@code this}
     */
    protected abstract B self();

    /** The config from the current values, without checking that a checkpoint is set. */
    abstract C newConfig();

    /**
     * Sets the checkpoint (required; must exist, checked by {@link #build()}).
     *
     * @param value the weights file
     * @return this builder
     */
    public B setCheckpoint(Path value) {
        checkpoint = value;
        return self();
    }

    /**
     * Sets the wrapper entry of the checkpoint to read (default: the automatic choice, see {@code Checkpoints.read}).
     *
     * @param value the entry
     * @return this builder
     */
    public B optCheckpointEntry(String value) {
        checkpointEntry = value;
        return self();
    }

    /**
     * The config.
     *
     * @return the validated config
     * @throws IllegalArgumentException naming {@code setCheckpoint} if it was not called, or the offending field
     */
    public C build() {
        if (checkpoint == null) {
            throw new IllegalArgumentException(label + ": setCheckpoint is required; " + howToGet);
        }
        return newConfig();
    }
}
