package org.dckd.data.benchmark;

import java.io.IOException;

/**
 * A benchmark folder does not have the expected content: no images, two HR files with the same name, or an LR image
 * whose size does not match its HR image. The message names the files and sizes involved.
 */
public class InvalidBenchmarkException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the folder or files
     */
    public InvalidBenchmarkException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, naming the folder or files
     * @param cause the underlying failure
     */
    public InvalidBenchmarkException(String message, Throwable cause) {
        super(message, cause);
    }
}
