package org.dckd.checkpoint;

/** The checkpoint file formats {@link Checkpoints} reads, recognised from the content (never the file name). */
public enum CheckpointFormat {
    /** {@code torch.save} zip format (PyTorch 1.6+): a zip with {@code <folder>/data.pkl} and {@code data/<key>}. */
    TORCH_ZIP,
    /**
     * A pickle stream: the legacy (non-zip) {@code torch.save} format of PyTorch before 1.6. The reader verifies
     * the magic number, so other pickles are refused.
     */
    TORCH_LEGACY,
    /** {@code .safetensors}: 8-byte header length, JSON header, raw data. */
    SAFETENSORS,
    /** {@code numpy.savez} / {@code savez_compressed}: a zip of {@code .npy} records. */
    NPZ
}
