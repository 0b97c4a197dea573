package org.dckd.data.loader;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A batch could not be made: a file could not be read or decoded (e.g. truncated pixel data), or changed since the
 * training set was checked. Thrown by {@link PatchLoader#next()} on the consumer's thread, never left behind in a
 * worker; the message names the sample, its position and the file, and the cause is the original exception.
 */
public class PatchLoadingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The file at fault, if known (not serialized). */
    private final transient Path file;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the sample and file
     * @param file the file at fault, or {@code null}
     * @param cause the original exception
     */
    public PatchLoadingException(String message, Path file, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** @return the file at fault, if known */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
