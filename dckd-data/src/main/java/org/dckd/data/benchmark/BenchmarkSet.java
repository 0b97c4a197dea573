package org.dckd.data.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.dckd.data.image.ImageFiles;

/**
 * A super-resolution benchmark set (Set5, Set14, B100, Urban100, Manga109, DIV2K validation ...) for one scale.
 *
 * <p>Two folder layouts are accepted:
 * <ul>
 *   <li><b>standard</b> (EDSR/BasicSR style): {@code DIR/HR/<name>.<ext>} with LR images in
 *       {@code DIR/LR_bicubic/X<s>/<name>x<s>.<ext>}. An LR file with the HR file's extension is preferred, then
 *       {@code .png}, then any other image extension. When the {@code X<s>} folder or a single LR file is missing,
 *       that LR image is generated in memory from the modcropped HR image with
 *       {@link org.dckd.data.resize.MatlabBicubic#downscale} (bit-exact with the standard files); nothing is ever
 *       written into the data folder. Files in the LR folder without an HR partner are ignored.</li>
 *   <li><b>plain</b>: image files directly in {@code DIR} (used when {@code DIR/HR} does not exist); they are the HR
 *       images and every LR image is generated. Pointing at {@code DIR/HR} itself therefore works too, but ignores
 *       {@code DIR/LR_bicubic}.</li>
 * </ul>
 * Image files are recognised by extension ({@link ImageFiles#IMAGE_EXTENSIONS}, any case; hidden files and
 * sub-folders are ignored). Pairs are sorted by name in Unicode code-point order ({@code img10} sorts before
 * {@code img2}). Opening only lists files; images are read by {@link BenchmarkPair#load()}.
 */
public final class BenchmarkSet implements Iterable<BenchmarkPair> {

    /** The folder layout a set was found in. */
    public enum Layout {
        /** {@code DIR/HR} and optionally {@code DIR/LR_bicubic/X<s>}. */
        STANDARD,
        /** Images directly in {@code DIR}, LR always generated. */
        PLAIN
    }

    private final Path directory;
    private final int scale;
    private final Layout layout;
    private final List<BenchmarkPair> pairs;

    private BenchmarkSet(Path directory, int scale, Layout layout, List<BenchmarkPair> pairs) {
        this.directory = directory;
        this.scale = scale;
        this.layout = layout;
        this.pairs = pairs;
    }

    /**
     * Opens a benchmark folder for one scale.
     *
     * @param directory the set's folder (e.g. {@code .../Set5})
     * @param scale the super-resolution scale factor, at least 1
     * @return the set, with at least one pair
     * @throws NoSuchFileException if {@code directory} does not exist or is not a folder
     * @throws InvalidBenchmarkException if it holds no images, or two HR images share a name
     * @throws IOException if listing fails
     */
    public static BenchmarkSet open(Path directory, int scale) throws IOException {
        Objects.requireNonNull(directory, "directory");
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, got " + scale);
        }
        if (!Files.exists(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "benchmark folder does not exist");
        }
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "benchmark path is not a folder");
        }
        Path hrDir = directory.resolve("HR");
        Layout layout = Files.isDirectory(hrDir) ? Layout.STANDARD : Layout.PLAIN;
        if (layout == Layout.PLAIN) {
            hrDir = directory;
        }
        Map<String, Path> hr = imagesByStem(hrDir);
        if (hr.isEmpty()) {
            throw new InvalidBenchmarkException(layout == Layout.STANDARD
                    ? "benchmark folder " + directory + " has an HR folder without images (" + hrDir + ")"
                    : "benchmark folder " + directory + " contains no images (expected " + directory.resolve("HR")
                            + "/*.png or image files directly in it)");
        }
        TreeMap<String, Path> lrFiles = new TreeMap<>();
        if (layout == Layout.STANDARD) {
            Path lrDir = directory.resolve("LR_bicubic").resolve("X" + scale);
            if (Files.isDirectory(lrDir)) {
                try (Stream<Path> s = Files.list(lrDir)) {
                    s.filter(Files::isRegularFile).filter(ImageFiles::isImageFile)
                            .forEach(p -> lrFiles.put(p.getFileName().toString(), p));
                }
            }
        }
        List<BenchmarkPair> pairs = new ArrayList<>(hr.size());
        for (Map.Entry<String, Path> e : hr.entrySet()) {
            Path lr = layout == Layout.STANDARD ? findLr(lrFiles, e.getKey(), extension(e.getValue()), scale) : null;
            pairs.add(new BenchmarkPair(e.getKey(), e.getValue(), lr, scale));
        }
        return new BenchmarkSet(directory, scale, layout, Collections.unmodifiableList(pairs));
    }

    private static Map<String, Path> imagesByStem(Path dir) throws IOException {
        Map<String, Path> byStem = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile).filter(ImageFiles::isImageFile)::iterator) {
                String file = p.getFileName().toString();
                String stem = ImageFiles.stem(file);
                Path previous = byStem.put(stem, p);
                if (previous != null) {
                    throw new InvalidBenchmarkException("two images named " + stem + " in " + dir + ": "
                            + previous.getFileName() + " and " + file);
                }
            }
        }
        return byStem;
    }

    private static String extension(Path file) {
        String s = file.getFileName().toString();
        return s.substring(s.lastIndexOf('.') + 1);
    }

    private static Path findLr(TreeMap<String, Path> lrFiles, String stem, String hrExtension, int scale) {
        String base = stem + "x" + scale + ".";
        Path p = lrFiles.get(base + hrExtension);
        if (p == null) {
            p = lrFiles.get(base + "png");
        }
        if (p == null) {
            for (Map.Entry<String, Path> e : lrFiles.tailMap(base).entrySet()) {
                String name = e.getKey();
                if (!name.startsWith(base)) {
                    break;
                }
                if (ImageFiles.IMAGE_EXTENSIONS.contains(
                        name.substring(base.length()).toLowerCase(Locale.ROOT))) {
                    return e.getValue();
                }
            }
        }
        return p;
    }

    /** @return the set's folder as given to {@link #open} */
    public Path directory() {
        return directory;
    }

    /** @return the set's name: its folder name (e.g. {@code Set5}) */
    public String name() {
        Path n = directory.toAbsolutePath().normalize().getFileName();
        return n == null ? directory.toString() : n.toString();
    }

    /** @return the scale factor */
    public int scale() {
        return scale;
    }

    /** @return the layout the folder was found in */
    public Layout layout() {
        return layout;
    }

    /** @return the pairs, sorted by name (unmodifiable) */
    public List<BenchmarkPair> pairs() {
        return pairs;
    }

    /** @return the number of pairs */
    public int size() {
        return pairs.size();
    }

    /** @return the number of pairs whose LR image is generated rather than read */
    public int generatedCount() {
        int n = 0;
        for (BenchmarkPair p : pairs) {
            if (p.lrFile().isEmpty()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public Iterator<BenchmarkPair> iterator() {
        return pairs.iterator();
    }

    /** @return e.g. {@code Set5 x4 (5 images, standard layout, 0 LR generated)} */
    @Override
    public String toString() {
        return name() + " x" + scale + " (" + pairs.size() + " images, " + layout.name().toLowerCase(Locale.ROOT)
                + " layout, " + generatedCount() + " LR generated)";
    }
}
