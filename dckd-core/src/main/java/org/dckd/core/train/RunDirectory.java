package org.dckd.core.train;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The folder of one training run: the resolved config, {@code metrics.csv}, {@code validation.csv},
 * {@code losses.png}, and {@code checkpoints/iter_NNNNNNNN/} (see {@link CheckpointStore}).
 *
 * <p>A run folder is never overwritten by accident: {@link #create} refuses a folder that already holds files unless
 * asked to replace it; {@link #open} continues an existing run (resume).
 */
public final class RunDirectory {

    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /**
     * Creates a new run folder.
     *
     * @param root the folder
     * @param overwrite whether an existing non-empty folder may be deleted and replaced
     * @return the run folder
     * @throws FileAlreadyExistsException if the folder holds files and {@code overwrite} is false (the message says
     *     how to resume or replace it)
     */
    public static RunDirectory create(Path root, boolean overwrite) throws IOException {
        Path abs = root.toAbsolutePath().normalize();
        if (Files.exists(abs) && !isEmptyDirectory(abs)) {
            if (!overwrite) {
                throw new FileAlreadyExistsException(abs.toString(), null, "the run folder already exists and is not"
                        + " empty; continue it with --resume, choose another --out, or replace it with --overwrite");
            }
            deleteRecursively(abs);
        }
        Files.createDirectories(abs.resolve("checkpoints"));
        return new RunDirectory(abs);
    }

    /**
     * Opens an existing run folder to continue it.
     *
     * @param root the folder
     * @return the run folder
     * @throws IOException if it is not a run folder (no checkpoints directory)
     */
    public static RunDirectory open(Path root) throws IOException {
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs.resolve("checkpoints"))) {
            throw new IOException(abs + " is not a dckd run folder (it has no checkpoints/ directory)");
        }
        return new RunDirectory(abs);
    }

    /** The folder. */
    public Path root() {
        return root;
    }

    /** A file in the folder. */
    public Path resolve(String name) {
        return root.resolve(name);
    }

    /** The checkpoint store of this run. */
    public CheckpointStore checkpoints() {
        return new CheckpointStore(root.resolve("checkpoints"));
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
