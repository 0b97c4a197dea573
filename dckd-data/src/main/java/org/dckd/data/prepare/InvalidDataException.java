package org.dckd.data.prepare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Training data is not usable: an LR image whose size is not the modcropped HR size divided by the scale, an HR image
 * without its LR partner, an image smaller than the patch or the scale, a folder without images, a broken meta-info
 * file. The message names the files and sizes involved (several problems are listed together, up to a limit);
 * {@link #files()} gives the files.
 *
 * <p>Unreadable or truncated image files are reported as {@link org.dckd.data.image.ImageReadException} instead.
 */
public class InvalidDataException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The files involved (not serialized: {@link Path} is not serializable). */
    private final transient List<Path> files;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the files
     * @param files the files involved (may be empty)
     */
    public InvalidDataException(String message, List<Path> files) {
        super(message);
        this.files = List.copyOf(Objects.requireNonNull(files, "files"));
    }

    /**
     * Creates the exception about files.
     *
     * @param message what is wrong, naming the files
     * @param files the files involved
     */
    public InvalidDataException(String message, Path... files) {
        this(message, List.of(files));
    }

    /** @return the files involved, most important first (may be empty) */
    public List<Path> files() {
        return files == null ? List.of() : files;
    }
}
