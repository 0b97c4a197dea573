package org.dckd.data.prepare;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The settings every preparation job over a folder of HR images shares: the folder and the scale (required), a subset
 * of its files, the number of threads, whether to redo existing output, and a progress listener. The jobs' builders
 * ({@link BicubicLrGenerator.Builder}, {@link SubImageExtractor.Builder}) add their own settings.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class HrImageJobBuilder<B extends HrImageJobBuilder<B>> {

    Path hrFolder;
    List<Path> hrFiles;
    int scale;
    int workers = 1;
    boolean overwrite;
    ProgressListener listener = ProgressListener.NONE;

    HrImageJobBuilder() {}

    /** This builder, typed as the concrete builder. */
    abstract B self();

    /**
     * Sets the folder of HR images (required).
     *
     * @param hrFolder the folder
     * @return this builder
     */
    public B setHrFolder(Path hrFolder) {
        this.hrFolder = Objects.requireNonNull(hrFolder, "hrFolder");
        return self();
    }

    /**
     * Sets the scale factor (required).
     *
     * @param scale the scale, at least 1
     * @return this builder
     */
    public B setScale(int scale) {
        this.scale = scale;
        return self();
    }

    /**
     * Limits the work to these HR files of the HR folder (default: every image file in it).
     *
     * @param hrFiles HR image files
     * @return this builder
     */
    public B optHrFiles(List<Path> hrFiles) {
        this.hrFiles = List.copyOf(hrFiles);
        return self();
    }

    /**
     * Sets the number of threads (default 1).
     *
     * @param workers the number of threads
     * @return this builder
     */
    public B optWorkers(int workers) {
        this.workers = workers;
        return self();
    }

    /**
     * Redoes output that exists already (default off: see each job for what it keeps or refuses).
     *
     * @param overwrite whether to redo
     * @return this builder
     */
    public B optOverwrite(boolean overwrite) {
        this.overwrite = overwrite;
        return self();
    }

    /**
     * Sets the progress listener.
     *
     * @param listener receives progress reports
     * @return this builder
     */
    public B optListener(ProgressListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return self();
    }

    /**
     * Checks the shared required settings.
     *
     * @throws IllegalArgumentException if the HR folder is unset or the scale is below 1
     */
    void checkRequired() {
        if (hrFolder == null) {
            throw new IllegalArgumentException("the HR folder is required");
        }
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, got " + scale);
        }
    }
}
