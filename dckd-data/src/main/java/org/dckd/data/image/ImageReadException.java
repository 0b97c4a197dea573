package org.dckd.data.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An image file could not be read: it is missing, not an image format this library reads, damaged, or laid out in a
 * way that is not supported. The message names the file and the reason; {@link #reason()} tells the kind.
 */
public class ImageReadException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why an image could not be read. */
    public enum Reason {
        /** The file does not exist (or is not a regular file). */
        NOT_FOUND,
        /** No installed {@code javax.imageio} reader recognises the file's format. */
        UNSUPPORTED_FORMAT,
        /** The format is recognised but the data is truncated or corrupt. */
        CORRUPT,
        /** The image decodes, but its colour model or sample layout cannot be converted to RGB exactly. */
        UNSUPPORTED_LAYOUT,
        /** Reading the file failed for another I/O reason (permissions, device error). */
        IO_ERROR
    }

    /** The file that could not be read (not serialized: {@link Path} is not serializable). */
    private final transient Path file;
    /** The kind of failure. */
    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param file the file that could not be read
     * @param reason the kind of failure
     * @param detail what went wrong, in words
     * @param cause the underlying exception, or {@code null}
     */
    public ImageReadException(Path file, Reason reason, String detail, Throwable cause) {
        super("cannot read image " + file + ": " + detail, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** @return the file that could not be read */
    public Path file() {
        return file;
    }

    /** @return the kind of failure */
    public Reason reason() {
        return reason;
    }
}
