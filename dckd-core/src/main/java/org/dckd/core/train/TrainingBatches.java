package org.dckd.core.train;

/**
 * An endless, resumable source of training batches on the heap (the trainer makes NDArrays of them in each step's
 * scope). Implementations: the dckd-data patch loader, or any user source.
 */
public interface TrainingBatches extends AutoCloseable {

    /**
     * One batch: NCHW float arrays in [0, 1].
     *
     * @param lr {@code n * 3 * lrHeight * lrWidth} values
     * @param hr {@code n * 3 * hrHeight * hrWidth} values
     * @param n the batch size
     * @param lrHeight LR patch height
     * @param lrWidth LR patch width
     * @param hrHeight HR patch height
     * @param hrWidth HR patch width
     */
    record Batch(float[] lr, float[] hr, int n, int lrHeight, int lrWidth, int hrHeight, int hrWidth) {

        /** The LR batch as an {@code (n, 3, lrHeight, lrWidth)} array of the manager. */
        public ai.djl.ndarray.NDArray lrArray(ai.djl.ndarray.NDManager manager) {
            return manager.create(lr, new ai.djl.ndarray.types.Shape(n, 3, lrHeight, lrWidth));
        }

        /** The HR batch as an {@code (n, 3, hrHeight, hrWidth)} array of the manager. */
        public ai.djl.ndarray.NDArray hrArray(ai.djl.ndarray.NDManager manager) {
            return manager.create(hr, new ai.djl.ndarray.types.Shape(n, 3, hrHeight, hrWidth));
        }
    }

    /** The next batch (blocks until one is ready). Errors (a bad image) surface here, naming the file. */
    Batch next() throws java.io.IOException;

    /**
     * The position right after the last batch returned, as a JSON value: a source re-created at this position returns
     * exactly the batches this one would return next.
     */
    com.fasterxml.jackson.databind.JsonNode position();

    @Override
    void close();
}
