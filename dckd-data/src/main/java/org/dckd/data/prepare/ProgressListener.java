package org.dckd.data.prepare;

/**
 * Receives progress reports of long steps (checking images, generating LR images, extracting sub-images,
 * downloading, unpacking). The library never writes to the console itself; the command line renders these reports as
 * progress bars.
 *
 * <p>For one step the calls are {@link #started}, any number of {@link #advanced}, then {@link #finished} (also when
 * the step fails). Calls may come from a worker thread, but never concurrently: the library serialises them.
 */
public interface ProgressListener {

    /** A listener that ignores every report. */
    ProgressListener NONE = new ProgressListener() { };

    /**
     * A step begins.
     *
     * @param task what is being done, e.g. {@code "checking DIV2K_train"}
     * @param total the amount of work ({@code -1} when unknown)
     * @param unit what is counted, e.g. {@code "images"} or {@code "bytes"}
     */
    default void started(String task, long total, String unit) {
    }

    /**
     * Work was done.
     *
     * @param done the amount done so far in this step (not an increment)
     */
    default void advanced(long done) {
    }

    /** The step ended (successfully or not). */
    default void finished() {
    }
}
