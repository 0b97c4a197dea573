package org.dckd.core.train;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder of one training run: the resolved config, {@code metrics.csv}, {@code validation.csv},
 * {@code losses.png}, {@code validation.png}, {@code results.json}, the model card {@value #MODEL_CARD} (and
 * {@value #DEPLOY_CONFIG} for a reparameterisable student), {@code best/} and {@code checkpoints/iter_NNNNNNNN/} (see
 * {@link CheckpointStore}), marked by a {@value #MARKER} file.
 *
 * <p>What may be replaced, and when (the caller creates the folder only after every check of the run has passed):
 * <ul>
 *   <li>a missing or empty folder: created;</li>
 *   <li>a run folder (marked, or the layout of an older dckd) holding nothing but what dckd writes, with no complete
 *       checkpoint: replaced (nothing in it can be resumed);</li>
 *   <li>such a run folder with a complete checkpoint: replaced only with {@code overwrite}; otherwise refused with how to
 *       resume or replace it;</li>
 *   <li>anything else (a file, a folder with files dckd did not write): never replaced, not even with
 *       {@code overwrite}; the error lists the foreign entries.</li>
 * </ul>
 * {@link #open} continues an existing run folder (resume).
 */
public final class RunDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);

    /** The file that marks a folder as a dckd run folder. */
    public static final String MARKER = ".dckd-run";

    /** The run's model card. */
    public static final String MODEL_CARD = "README.md";

    /**
     * The first line of a model card dckd wrote: a {@value #MODEL_CARD} without it was written by someone else, so it
     * is never replaced (and makes the folder foreign).
     */
    public static final String MODEL_CARD_MARKER = "<!-- dckd model card: written by dckd at the end of every run"
            + " segment -->";

    /** The student's backbone config (for {@code dckd evaluate --model}) when it is not a preset. */
    public static final String STUDENT_CONFIG = "student.yaml";

    /** The deploy-form backbone config of a reparameterisable student (for {@code dckd evaluate --model}). */
    public static final String DEPLOY_CONFIG = "student_deploy.yaml";

    /** What dckd writes at the top of a run folder. */
    private static final Set<String> RUN_ENTRIES = Set.of(MARKER, "config.yaml", "metrics.csv", "validation.csv",
            "losses.png", "validation.png", "results.json", "checkpoints", "best", "best.partial", MODEL_CARD,
            STUDENT_CONFIG, DEPLOY_CONFIG);
    /** What dckd writes into {@code best/}. */
    private static final Set<String> BEST_ENTRIES = Set.of(CheckpointStore.STUDENT, CheckpointStore.STUDENT_EMA,
            CheckpointStore.STUDENT_DEPLOY, CheckpointStore.STUDENT_EMA_DEPLOY, "iteration.txt");
    /** What dckd writes into {@code checkpoints/}. */
    private static final Pattern CHECKPOINT_ENTRY = Pattern.compile("iter_\\d{8,}(\\.partial|\\.old)?");
    /** dckd's temporary files ({@code .results.json.tmp}, {@code .losses.png.tmp.png}, ...). */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.tmp(\\.png)?");

    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /**
     * Checks that a new run may be created at {@code root} (see the class comment), writing nothing.
     *
     * @param root the folder
     * @param overwrite whether a run folder with checkpoints may be replaced
     * @throws FileAlreadyExistsException if it may not (the message says why and what to do)
     * @throws IOException if the folder cannot be read
     */
    public static void checkCreatable(Path root, boolean overwrite) throws IOException {
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(abs.toString(), null, "it is a file, not a run folder; dckd never "
                    + "replaces a file, not even with --overwrite: choose another --out");
        }
        if (isEmptyDirectory(abs)) {
            return;
        }
        List<String> foreign = foreignEntries(abs);
        if (!foreign.isEmpty() || !isRunFolder(abs)) {
            throw new FileAlreadyExistsException(abs.toString(), null, "it holds files dckd did not write ("
                    + String.join(", ", foreign.isEmpty() ? entries(abs) : foreign) + "), so it is not a run folder "
                    + "and is never replaced, not even with --overwrite: choose another --out");
        }
        if (hasCheckpoint(abs) && !overwrite) {
            throw new FileAlreadyExistsException(abs.toString(), null, "the run folder already exists and has "
                    + "checkpoints; continue it with --resume, choose another --out, or replace it with --overwrite");
        }
    }

    /**
     * Creates a new run folder, replacing a replaceable one (see the class comment). Call it once every other check of
     * the run has passed: a refused or failed start then leaves nothing behind.
     *
     * @param root the folder
     * @param overwrite whether a run folder with checkpoints may be replaced
     * @return the run folder
     * @throws FileAlreadyExistsException if the folder may not be replaced (the message says why and what to do)
     */
    public static RunDirectory create(Path root, boolean overwrite) throws IOException {
        checkCreatable(root, overwrite);
        Path abs = root.toAbsolutePath().normalize();
        if (Files.isDirectory(abs) && !isEmptyDirectory(abs)) {
            LOG.info("Replacing the run folder {} ({})", abs, hasCheckpoint(abs) ? "--overwrite"
                    : "it has no complete checkpoint");
            for (String name : entries(abs)) {
                deleteRecursively(abs.resolve(name));
            }
        }
        Files.createDirectories(abs.resolve("checkpoints"));
        Files.writeString(abs.resolve(MARKER), "dckd run folder\n");
        return new RunDirectory(abs);
    }

    /**
     * Opens an existing run folder to continue it.
     *
     * @param root the folder
     * @return the run folder
     * @throws IOException if it is not a run folder
     */
    public static RunDirectory open(Path root) throws IOException {
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs) || !isRunFolder(abs)) {
            throw new IOException(abs + " is not a dckd run folder (it has no checkpoints/ directory); start the run "
                    + "without --resume");
        }
        return new RunDirectory(abs);
    }

    /**
     * Whether a folder is a dckd run folder: it has the {@value #MARKER} file, or (an older run) a {@code checkpoints/}
     * folder.
     */
    public static boolean isRunFolder(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER)) || Files.isDirectory(dir.resolve("checkpoints"));
    }

    /** Whether the run folder holds a complete checkpoint. */
    private static boolean hasCheckpoint(Path dir) throws IOException {
        return Files.isDirectory(dir.resolve("checkpoints"))
                && new CheckpointStore(dir.resolve("checkpoints")).latest().isPresent();
    }

    /** The entries of {@code dir} (and of its {@code checkpoints/} and {@code best/}) that dckd does not write. */
    static List<String> foreignEntries(Path dir) throws IOException {
        List<String> foreign = new ArrayList<>();
        for (String name : entries(dir)) {
            Path p = dir.resolve(name);
            if (Files.isSymbolicLink(p) || !(RUN_ENTRIES.contains(name) || TEMPORARY.matcher(name).matches())
                    || name.equals(MODEL_CARD) && !isOwnModelCard(p)) {
                foreign.add(name);
            } else if (name.equals("checkpoints") && Files.isDirectory(p)) {
                for (String c : entries(p)) {
                    if (!CHECKPOINT_ENTRY.matcher(c).matches() || Files.isSymbolicLink(p.resolve(c))) {
                        foreign.add("checkpoints/" + c);
                    }
                }
            } else if (name.startsWith("best") && Files.isDirectory(p)) {
                for (String c : entries(p)) {
                    if (!BEST_ENTRIES.contains(c) || Files.isSymbolicLink(p.resolve(c))) {
                        foreign.add(name + "/" + c);
                    }
                }
            }
        }
        return foreign;
    }

    /**
     * Whether a file is a model card dckd wrote (it starts with {@link #MODEL_CARD_MARKER}).
     *
     * @param file the file
     * @return true if it exists, is a regular file and starts with the marker
     * @throws IOException if it cannot be read
     */
    public static boolean isOwnModelCard(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (java.io.BufferedReader r = Files.newBufferedReader(file)) {
            String first = r.readLine();
            return MODEL_CARD_MARKER.equals(first);
        } catch (java.nio.charset.MalformedInputException e) {
            return false;
        }
    }

    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
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
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
