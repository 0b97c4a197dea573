package org.dckd.data.files;

import java.io.IOException;

/**
 * An output location that would overwrite, delete or mix with an input (or two inputs that would be written to the same
 * output name). Thrown before anything is written; the message names both paths and the option or key they came from.
 */
public class UnsafeOutputException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what clashes with what, and what to do instead
     */
    public UnsafeOutputException(String message) {
        super(message);
    }
}
