package org.dckd.data.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import org.dckd.data.files.OutputLocations;
import org.dckd.data.image.ImageFileInfo;
import org.dckd.data.image.ImageFiles;
import org.dckd.data.prepare.BicubicLrGenerator;
import org.dckd.data.prepare.FileNamePattern;
import org.dckd.data.prepare.InvalidDataException;
import org.dckd.data.prepare.MetaInfo;
import org.dckd.data.prepare.ParallelTasks;
import org.dckd.data.prepare.ProgressListener;
import org.dckd.data.prepare.SubImageExtractor;

/**
 * The LR/HR pairs of a training run, from one or more {@link SourceConfig sources}, checked up front.
 *
 * <p>{@link #open} lists every source (its prepared sub-image folders when {@code use_subimages} is on and they are
 * complete), generates the missing LR images of HR-only sources, then reads the header of every HR and LR file (not
 * the pixels) and checks each pair. Every problem found is reported together in one {@link InvalidDataException}
 * naming the files, before any training starts:
 * <ul>
 *   <li>an HR image without its LR partner;</li>
 *   <li>an LR image whose size is not the modcropped HR size divided by the scale ({@code LR * s != modcrop(HR)});</li>
 *   <li>an LR image smaller than the patch size;</li>
 *   <li>an unreadable file or a damaged header (a file whose pixel data is truncated is found when a worker decodes
 *       it, and fails the loader with the file's name);</li>
 *   <li>a folder without images, a meta-info file that lists missing files or sizes that differ.</li>
 * </ul>
 * Grayscale, palette, alpha and 16-bit files are not errors: they are read with the documented conversions of
 * {@link ImageFiles#read} (gray replicated to RGB, alpha dropped, 16-bit scaled to 0..255) and counted per source in
 * {@link SourceSummary#conversions()}.
 *
 * <p>Pairs are ordered by source (config order), then by HR file name (or meta-info order). Sample ids are
 * {@code SOURCE/NAME}; two sources with the same name are an error.
 */
public final class TrainingSet {

    /** At most this many problems are spelled out in an exception message. */
    private static final int MAX_LISTED_PROBLEMS = 10;

    private final int scale;
    private final List<TrainingPair> pairs;
    private final List<SourceSummary> sources;
    private final String fingerprint;

    private TrainingSet(int scale, List<TrainingPair> pairs, List<SourceSummary> sources) {
        this.scale = scale;
        this.pairs = Collections.unmodifiableList(pairs);
        this.sources = List.copyOf(sources);
        this.fingerprint = fingerprint(scale, pairs);
    }

    /**
     * Opens the sources of a config, resolving relative paths against the working directory, without progress
     * reports.
     *
     * @param config the data config
     * @return the checked training set
     * @throws IOException see {@link #open(TrainingDataConfig, Path, ProgressListener)}
     */
    public static TrainingSet open(TrainingDataConfig config) throws IOException {
        return open(config, Path.of(""), ProgressListener.NONE);
    }

    /**
     * Opens and checks the sources of a config.
     *
     * @param config the data config (sources, scale, patch size, {@code use_subimages}; {@code workers} threads check
     *     the files and generate LR images)
     * @param base the folder relative source paths are resolved against (e.g. the experiment file's folder)
     * @param listener receives progress reports (LR generation, file checks)
     * @return the checked training set
     * @throws InvalidDataException listing every problem found (naming the files), or if two sources share a name
     * @throws IOException if listing, generating LR images or reading a header fails otherwise
     */
    public static TrainingSet open(TrainingDataConfig config, Path base, ProgressListener listener)
            throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(listener, "listener");
        int scale = config.scale();
        int threads = Math.max(1, config.workers());
        List<Candidate> candidates = new ArrayList<>();
        List<SourceBuilder> built = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (SourceConfig source : config.sources()) {
            SourceFolders f = source.folders(base, scale);
            if (!names.add(f.name())) {
                throw new InvalidDataException("two training sources are named '" + f.name()
                        + "'; give one of them another 'name'", f.hrFolder());
            }
            boolean sub = false;
            if (config.useSubimages() && source.metaInfo() == null) {
                Path hs = SubImageExtractor.subFolder(f.hrFolder());
                Path ls = SubImageExtractor.subFolder(f.lrFolder());
                if (SubImageExtractor.isComplete(hs) && SubImageExtractor.isComplete(ls)) {
                    f = new SourceFolders(f.name(), hs, ls, FileNamePattern.SAME_NAME, false,
                            hs.resolve(MetaInfo.FILE_NAME));
                    sub = true;
                }
            }
            SourceBuilder sb = new SourceBuilder(f, sub);
            built.add(sb);
            listHrFiles(sb, scale, candidates);
            if (f.generateLr()) {
                OutputLocations.of("training source " + f.name() + ": lr_cache", f.lrFolder())
                        .input("its hr folder", f.hrFolder()).check();
                List<Path> hrFiles = new ArrayList<>();
                for (int i = sb.first; i < candidates.size(); i++) {
                    hrFiles.add(candidates.get(i).hr);
                }
                sb.generated = BicubicLrGenerator.builder().setHrFolder(f.hrFolder()).optHrFiles(hrFiles)
                        .optOutput(f.lrFolder()).setScale(scale).optWorkers(threads).optListener(listener).build()
                        .generate().generated();
            } else if (!Files.isDirectory(f.lrFolder())) {
                throw new InvalidDataException("training source " + f.name() + ": LR folder " + f.lrFolder()
                        + " does not exist (make it with './dckd prepare lr --hr " + f.hrFolder() + " --scale " + scale
                        + " --out " + f.lrFolder() + "', or use a source of type hr_only)", f.lrFolder());
            }
        }
        String[] problems = new String[candidates.size()];
        Path[][] problemFiles = new Path[candidates.size()][];
        ImageFileInfo[][] infos = new ImageFileInfo[candidates.size()][];
        List<Integer> indices = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            indices.add(i);
        }
        ParallelTasks.forEach(indices, threads, "checking training pairs", "pairs",
                listener, i -> {
                    Candidate c = candidates.get(i);
                    try {
                        infos[i] = check(c, scale, config.patchSize());
                    } catch (InvalidDataException e) {
                        problems[i] = e.getMessage();
                        problemFiles[i] = e.files().toArray(new Path[0]);
                    } catch (org.dckd.data.image.ImageReadException e) {
                        problems[i] = e.getMessage();
                        problemFiles[i] = new Path[] {e.file()};
                    }
                });
        List<String> messages = new ArrayList<>();
        Set<Path> files = new LinkedHashSet<>();
        for (int i = 0; i < problems.length; i++) {
            if (problems[i] != null) {
                messages.add(problems[i]);
                files.addAll(List.of(problemFiles[i]));
            }
        }
        if (!messages.isEmpty()) {
            throw new InvalidDataException(describe(messages, candidates.size()), new ArrayList<>(files));
        }
        List<TrainingPair> pairs = new ArrayList<>(candidates.size());
        List<SourceSummary> summaries = new ArrayList<>();
        int index = 0;
        for (SourceBuilder sb : built) {
            Map<String, Integer> conversions = new TreeMap<>();
            int end = sb.first + sb.count;
            for (; index < end; index++) {
                Candidate c = candidates.get(index);
                ImageFileInfo hr = infos[index][0];
                ImageFileInfo lr = infos[index][1];
                pairs.add(new TrainingPair(c.id, sb.folders.name(), c.hr, c.lr, hr.width(), hr.height(), lr.width(),
                        lr.height()));
                for (ImageFileInfo info : infos[index]) {
                    for (String conv : info.conversions()) {
                        conversions.merge(conv, 1, Integer::sum);
                    }
                }
            }
            summaries.add(new SourceSummary(sb.folders.name(), sb.folders.hrFolder(), sb.folders.lrFolder(), sb.count,
                    sb.subImages, sb.generated, conversions));
        }
        return new TrainingSet(scale, pairs, summaries);
    }

    /** Lists a source's HR files (meta-info order or sorted folder listing) as candidates. */
    private static void listHrFiles(SourceBuilder sb, int scale, List<Candidate> out) throws IOException {
        SourceFolders f = sb.folders;
        if (!Files.isDirectory(f.hrFolder())) {
            throw new InvalidDataException("training source " + f.name() + ": HR folder " + f.hrFolder()
                    + " does not exist", f.hrFolder());
        }
        sb.first = out.size();
        Map<String, Path> seen = new HashMap<>();
        List<String> names = new ArrayList<>();
        Map<String, MetaInfo.Entry> meta = new HashMap<>();
        if (f.metaInfo() != null) {
            if (!Files.isRegularFile(f.metaInfo())) {
                throw new InvalidDataException("training source " + f.name() + ": meta-info file " + f.metaInfo()
                        + " does not exist", f.metaInfo());
            }
            for (MetaInfo.Entry e : MetaInfo.read(f.metaInfo()).entries()) {
                names.add(e.name());
                meta.put(e.name(), e);
            }
        } else {
            for (Path p : ImageFiles.listImages(f.hrFolder())) {
                names.add(p.getFileName().toString());
            }
        }
        if (names.isEmpty()) {
            throw new InvalidDataException("training source " + f.name() + ": " + (f.metaInfo() != null
                    ? "meta-info file " + f.metaInfo() + " lists no images" : "HR folder " + f.hrFolder()
                    + " contains no images"), f.metaInfo() != null ? f.metaInfo() : f.hrFolder());
        }
        for (String name : names) {
            Path hr = f.hrFolder().resolve(name);
            String stem = ImageFiles.stem(name);
            Path previous = seen.put(stem, hr);
            if (previous != null) {
                throw new InvalidDataException("training source " + f.name() + ": two HR images named " + stem + ": "
                        + previous + " and " + hr, previous, hr);
            }
            Path lr = f.lrFolder().resolve(f.lrPattern().apply(name, scale));
            out.add(new Candidate(f.name() + "/" + stem, hr, lr, meta.get(name)));
        }
        sb.count = out.size() - sb.first;
    }

    /** Reads both headers and checks the pair; returns {HR info, LR info}. */
    private static ImageFileInfo[] check(Candidate c, int scale, int patch) throws IOException {
        if (!Files.exists(c.hr)) {
            throw new InvalidDataException("HR image " + c.hr + " does not exist" + (c.meta != null
                    ? " (listed in the meta-info file)" : ""), c.hr);
        }
        if (!Files.exists(c.lr)) {
            throw new InvalidDataException("HR image " + c.hr + " has no LR partner: " + c.lr + " does not exist",
                    c.hr, c.lr);
        }
        ImageFileInfo hr = ImageFiles.readInfo(c.hr);
        ImageFileInfo lr = ImageFiles.readInfo(c.lr);
        if (c.meta != null && c.meta.height() > 0 && (c.meta.height() != hr.height() || c.meta.width() != hr.width())) {
            throw new InvalidDataException("HR image " + c.hr + " is " + hr.width() + "x" + hr.height()
                    + " but the meta-info file says " + c.meta.width() + "x" + c.meta.height()
                    + " (width x height); the sub-images are stale: prepare them again", c.hr);
        }
        checkPair(c.hr, hr.width(), hr.height(), c.lr, lr.width(), lr.height(), scale, patch);
        return new ImageFileInfo[] {hr, lr};
    }

    /**
     * Checks the sizes of a pair: {@code LR * scale == modcrop(HR)} and the LR image at least {@code patch} pixels
     * in both directions.
     *
     * @param hrFile the HR file
     * @param hrW HR width as stored
     * @param hrH HR height as stored
     * @param lrFile the LR file
     * @param lrW LR width
     * @param lrH LR height
     * @param scale the scale factor
     * @param patch the LR patch size
     * @throws InvalidDataException naming both files and sizes
     */
    public static void checkPair(Path hrFile, int hrW, int hrH, Path lrFile, int lrW, int lrH, int scale, int patch)
            throws InvalidDataException {
        int w = hrW - hrW % scale;
        int h = hrH - hrH % scale;
        if ((long) lrW * scale != w || (long) lrH * scale != h) {
            throw new InvalidDataException("LR image " + lrFile + " is " + lrW + "x" + lrH + " (width x height) but"
                    + " HR image " + hrFile + " is " + hrW + "x" + hrH + ", modcropped to " + w + "x" + h + ", so x"
                    + scale + " needs an LR image of " + w / scale + "x" + h / scale, lrFile, hrFile);
        }
        if (lrW < patch || lrH < patch) {
            throw new InvalidDataException("LR image " + lrFile + " (" + lrW + "x" + lrH + ", HR " + hrFile
                    + ") is smaller than the patch size " + patch + "x" + patch + "; remove it or lower patch_size",
                    lrFile, hrFile);
        }
    }

    private static String describe(List<String> messages, int total) {
        StringBuilder sb = new StringBuilder();
        sb.append("training data has ").append(messages.size()).append(messages.size() == 1 ? " problem" : " problems")
                .append(" (in ").append(total).append(" pairs):");
        for (int i = 0; i < Math.min(messages.size(), MAX_LISTED_PROBLEMS); i++) {
            sb.append("\n  - ").append(messages.get(i));
        }
        if (messages.size() > MAX_LISTED_PROBLEMS) {
            sb.append("\n  ... and ").append(messages.size() - MAX_LISTED_PROBLEMS).append(" more");
        }
        return sb.toString();
    }

    private static String fingerprint(int scale, List<TrainingPair> pairs) {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        d.update(("x" + scale + "\n").getBytes(StandardCharsets.UTF_8));
        for (TrainingPair p : pairs) {
            d.update((p.id() + " " + p.hrWidth() + " " + p.hrHeight() + " " + p.lrWidth() + " " + p.lrHeight() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(d.digest(), 0, 8);
    }

    /** @return the scale factor */
    public int scale() {
        return scale;
    }

    /** @return the pairs, in source order then name order (unmodifiable) */
    public List<TrainingPair> pairs() {
        return pairs;
    }

    /** @return the number of pairs */
    public int size() {
        return pairs.size();
    }

    /** @return what each source contributed, in config order */
    public List<SourceSummary> sources() {
        return sources;
    }

    /**
     * A short hash of the scale and every pair's id and sizes (16 hex digits). A trainer stores it with a loader
     * position: resuming on a training set with another fingerprint would not continue the same sample sequence.
     *
     * @return the fingerprint
     */
    public String fingerprint() {
        return fingerprint;
    }

    /** @return e.g. {@code training set x4: 68 pairs from 1 source (fingerprint 0123abcd...)} */
    @Override
    public String toString() {
        return "training set x" + scale + ": " + pairs.size() + " pairs from " + sources.size()
                + (sources.size() == 1 ? " source" : " sources") + " (fingerprint " + fingerprint + ")";
    }

    /** A pair before its headers are checked. */
    private record Candidate(String id, Path hr, Path lr, MetaInfo.Entry meta) {
    }

    /** A source being listed. */
    private static final class SourceBuilder {
        final SourceFolders folders;
        final boolean subImages;
        int first;
        int count;
        int generated;

        SourceBuilder(SourceFolders folders, boolean subImages) {
            this.folders = folders;
            this.subImages = subImages;
        }
    }
}
