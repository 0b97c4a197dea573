package org.dckd.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint could not be read, written or loaded into a network: its content is truncated, corrupt, unsafe, of an
 * unsupported format, or does not fit the network.
 *
 * <p>Every message names the file (and the key or entry where one is involved). The exception is unchecked so that
 * {@link WeightLoader} can be used anywhere; plain operating-system failures (a missing file, no permission) are
 * reported as ordinary {@link java.io.IOException}s by the methods that declare them. Subclasses:
 * {@link DisallowedGlobalException} (the file's pickle references code that is not on the allow-list) and
 * {@link StateDictMismatchException} (strict loading found missing, unexpected or mis-shaped tensors).
 */
public class CheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, for callers that want to react programmatically. */
    public enum Reason {
        /** The file ends before the data it announces (cut download, full disk). */
        TRUNCATED,
        /** The container is damaged: unreadable zip, CRC mismatch, malformed pickle or header. */
        CORRUPT,
        /** The content is readable but is not a checkpoint (random bytes, a plain pickle, an archive of other files). */
        NOT_A_CHECKPOINT,
        /** A recognised but unsupported format or feature (TorchScript archive, old tar format, a dtype). */
        UNSUPPORTED,
        /** The pickle references a Python global that is not on the allow-list; nothing was executed. */
        DISALLOWED_GLOBAL,
        /** A tensor refers to a storage record that is not in the file. */
        MISSING_STORAGE,
        /** A tensor view needs more elements than its storage holds, or a record's size disagrees with its header. */
        SIZE_MISMATCH,
        /** The requested wrapper entry does not exist, or no state dict could be chosen. */
        MISSING_ENTRY,
        /** The state dict does not fit the network (missing, unexpected or mis-shaped keys). */
        STATE_DICT_MISMATCH,
        /** A file could not be written (it exists and overwriting was not requested, or the data cannot be stored). */
        WRITE_REFUSED,
        /**
         * Reading the file would allocate more memory than allowed: more than the configured limit
         * ({@link Checkpoints#maxBytes()}), or far more than the file can honestly hold (views that expand a few bytes
         * of storage into gigabytes, a pickle that rebuilds its containers over and over). Nothing that large was
         * allocated.
         */
        TOO_LARGE
    }

    private final transient Path file;
    private final Reason reason;

    /**
     * Creates an exception.
     *
     * @param reason what went wrong
     * @param file the checkpoint concerned, or {@code null} for an in-memory state dict
     * @param message the explanation; the file is prepended
     */
    public CheckpointException(Reason reason, Path file, String message) {
        this(reason, file, message, null);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param reason what went wrong
     * @param file the checkpoint concerned, or {@code null} for an in-memory state dict
     * @param message the explanation; the file is prepended
     * @param cause the underlying failure, or {@code null}
     */
    public CheckpointException(Reason reason, Path file, String message, Throwable cause) {
        super(describe(file) + ": " + message, cause);
        this.file = file;
        this.reason = reason;
    }

    /** What went wrong. */
    public Reason reason() {
        return reason;
    }

    /** The checkpoint concerned, or {@code null} for an in-memory state dict. */
    public Path file() {
        return file;
    }

    /** How messages name a checkpoint file. */
    static String describe(Path file) {
        return file == null ? "(in-memory state dict)" : file.toString();
    }
}
