package org.dckd.checkpoint;

import java.nio.file.Path;

import org.dckd.checkpoint.CheckpointException.Reason;

/**
 * The memory one read of one checkpoint may allocate for the file's content, charged before each allocation.
 *
 * <p>Two bounds apply. The <b>limit</b> ({@link Checkpoints#maxBytes()}, 4 GiB unless configured) caps everything a
 * read allocates for the content: zip entries, storages, tensor data and the copies of strided views. The <b>copy
 * allowance</b> caps what views that must be copied (strided, expanded or byte-swapped views of a PyTorch storage) may
 * add on top of the storages they view: a few bytes of storage must not become gigabytes of expanded copies. It is
 * unbounded until the reader sets it ({@link #allowCopies}).
 */
final class ReadBudget {

    /** What the copies of views may add, per byte of the storages they view. */
    static final long COPY_FACTOR = 4;

    /** What the copies of views may add regardless of the storage size (small files with expanded buffers). */
    static final long COPY_SLACK = 16L << 20;

    private final Path file;
    private final long limit;
    private long used;
    private long copyAllowance = Long.MAX_VALUE;
    private long storageBytes = -1;
    private long copied;

    /**
     * Creates a budget.
     *
     * @param file the checkpoint (named in every error)
     * @param limit the most bytes the read may allocate for content
     */
    ReadBudget(Path file, long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + limit);
        }
        this.file = file;
        this.limit = limit;
    }

    /** The limit in bytes. */
    long limit() {
        return limit;
    }

    /** The bytes charged so far. */
    long used() {
        return used;
    }

    /**
     * Charges an allocation the file asks for, before it is made.
     *
     * @param bytes the size of the allocation
     * @param what what is being allocated, for the message (e.g. {@code zip entry archive/data/0})
     * @throws CheckpointException ({@link Reason#TOO_LARGE}) if the limit would be exceeded
     */
    void charge(long bytes, String what) {
        if (bytes < 0) {
            throw new CheckpointException(Reason.CORRUPT, file, what + " has a negative size " + bytes);
        }
        if (bytes > limit - used) {
            throw new CheckpointException(Reason.TOO_LARGE, file, "reading " + what + " would allocate " + bytes
                    + " bytes after " + used + " bytes already read, more than the limit of " + limit + " bytes per "
                    + "checkpoint; if the file is trusted and this much memory is available, raise the limit with -D"
                    + Checkpoints.MAX_BYTES_PROPERTY + "=<bytes> or Checkpoints.read(file, entry, maxBytes)");
        }
        used += bytes;
    }

    /**
     * Bounds the copies of views by the storages they view: from now on, copies may add at most
     * {@link #COPY_FACTOR} times {@code storageBytes} plus {@link #COPY_SLACK}.
     *
     * @param storageBytes the bytes of the storages the chosen tensors view
     */
    void allowCopies(long storageBytes) {
        this.storageBytes = storageBytes;
        long factor = storageBytes > (Long.MAX_VALUE - COPY_SLACK) / COPY_FACTOR
                ? Long.MAX_VALUE : storageBytes * COPY_FACTOR + COPY_SLACK;
        this.copyAllowance = factor;
    }

    /**
     * Charges a copy of a view: against the copy allowance (see {@link #allowCopies}) and the limit.
     *
     * @param bytes the size of the copy
     * @param what the tensor, for the message
     * @throws CheckpointException ({@link Reason#TOO_LARGE}) if either bound would be exceeded
     */
    void chargeCopy(long bytes, String what) {
        if (bytes > copyAllowance - copied) {
            throw new CheckpointException(Reason.TOO_LARGE, file, what + " is a view that would be copied into "
                    + bytes + " bytes, after " + copied + " bytes of such copies; the views of this file may expand "
                    + "its " + storageBytes + " bytes of storage into at most " + copyAllowance + " bytes ("
                    + COPY_FACTOR + " x the storage + " + (COPY_SLACK >> 20) + " MiB). The views repeat the same bytes "
                    + "far more often than a state dict does (stride-0 or overlapping views): not an honest "
                    + "checkpoint");
        }
        charge(bytes, what);
        copied += bytes;
    }
}
