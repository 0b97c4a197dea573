package org.dckd.data.prepare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.data.files.OutputLocations;
import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;
import org.dckd.data.resize.MatlabBicubic;

/**
 * Cuts large training images into overlapping sub-images once, as BasicSR's {@code extract_subimages.py} does, so
 * that training decodes small files: each HR image (modcropped to a multiple of the scale) is covered by
 * {@code crop x crop} windows at stride {@code step}, and the matching LR windows ({@code crop/s} at stride
 * {@code step/s}) are cut from its LR image at exactly the corresponding position.
 *
 * <h2>Positions</h2>
 * Along each axis (on the LR grid, length {@code n = HR/s}, window {@code c = crop/s}, stride {@code t = step/s}) the
 * window starts are {@code 0, t, 2t, ... <= n - c}, plus {@code n - c} when the strip left uncovered is wider than
 * {@code threshold} HR pixels; an axis shorter than the window gives one window covering the whole axis. Windows are
 * numbered row by row from 1: {@code 0001.png -> 0001_s001.png, 0001_s002.png, ...}; the LR sub-image has the same
 * name as its HR sub-image. {@code crop} and {@code step} must be multiples of the scale.
 *
 * <h2>LR images</h2>
 * Taken from an LR folder ({@code {name}x{scale}.png} by default; its size must be the modcropped HR size divided by
 * the scale) or, without one, made in memory from the whole HR image with MATLAB-exact bicubic
 * ({@link MatlabBicubic#downscale}) before cutting, so sub-images carry the true LR values at their borders.
 *
 * <h2>Output</h2>
 * Defaults follow BasicSR: HR sub-images in {@code <hr>_sub}, LR sub-images in {@code <lr>_sub} (for generated LR:
 * {@link BicubicLrGenerator#defaultOutput}{@code + _sub}). Each folder gets a {@link MetaInfo} file
 * ({@value MetaInfo#FILE_NAME}, BasicSR format), written last: its presence marks a complete folder, and training
 * sources use sub-images only when both meta files exist. The HR folder also gets {@value #SETTINGS_FILE} (crop, step,
 * threshold, whether positions are the same for every scale). Preparing another scale of the same HR images reuses
 * the HR sub-images when the positions cannot differ (every HR size a multiple of both scales) and writes only the new
 * LR folder.
 */
public final class SubImageExtractor {

    /** The name of the settings file written next to the HR meta-info file: {@value}. */
    public static final String SETTINGS_FILE = "subimages.json";
    /** BasicSR's default sub-image size for DIV2K: {@value}. */
    public static final int DEFAULT_CROP = 480;
    /** BasicSR's default stride for DIV2K: {@value}. */
    public static final int DEFAULT_STEP = 240;

    private final Path hrFolder;
    private final List<Path> hrFiles;
    private final Path lrFolder;
    private final int scale;
    private final FileNamePattern lrPattern;
    private final int crop;
    private final int step;
    private final int threshold;
    private final Path hrOutput;
    private final Path lrOutput;
    private final int workers;
    private final boolean overwrite;
    private final ProgressListener listener;

    private SubImageExtractor(Builder b) {
        this.hrFolder = b.hrFolder;
        this.hrFiles = b.hrFiles;
        this.lrFolder = b.lrFolder;
        this.scale = b.scale;
        this.lrPattern = b.lrPattern;
        this.crop = b.crop;
        this.step = b.step;
        this.threshold = b.threshold;
        this.hrOutput = b.hrOutput != null ? b.hrOutput : subFolder(b.hrFolder);
        this.lrOutput = b.lrOutput != null ? b.lrOutput
                : subFolder(b.lrFolder != null ? b.lrFolder : BicubicLrGenerator.defaultOutput(b.hrFolder, b.scale));
        this.workers = b.workers;
        this.overwrite = b.overwrite;
        this.listener = b.listener;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The sub-image folder that belongs to a folder: the sibling {@code <name>_sub} (BasicSR's convention,
     * {@code DIV2K_train_HR -> DIV2K_train_HR_sub}, {@code X4 -> X4_sub}).
     *
     * @param folder an image folder
     * @return its sub-image folder
     */
    public static Path subFolder(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        Path name = abs.getFileName();
        return abs.resolveSibling((name == null ? "images" : name.toString()) + "_sub");
    }

    /**
     * Whether a folder holds a complete sub-image set (its {@value MetaInfo#FILE_NAME} exists).
     *
     * @param folder a sub-image folder
     * @return whether it is complete
     */
    public static boolean isComplete(Path folder) {
        return Files.isRegularFile(folder.resolve(MetaInfo.FILE_NAME));
    }

    /**
     * The window starts along one axis, on the LR grid (see the class documentation).
     *
     * @param lrLength the LR length of the axis ({@code HR / scale} after modcrop)
     * @param lrCrop the LR window size ({@code crop / scale})
     * @param lrStep the LR stride ({@code step / scale})
     * @param threshold the widest uncovered strip, in HR pixels, that does not get an extra window
     * @param scale the scale factor
     * @return the starts, ascending
     */
    public static int[] starts(int lrLength, int lrCrop, int lrStep, int threshold, int scale) {
        if (lrLength <= lrCrop) {
            return new int[] {0};
        }
        int last = lrLength - lrCrop;
        int count = last / lrStep + 1;
        int[] s = new int[count + 1];
        for (int i = 0; i < count; i++) {
            s[i] = i * lrStep;
        }
        int covered = s[count - 1] + lrCrop;
        if ((long) (lrLength - covered) * scale > threshold) {
            s[count] = last;
            return s;
        }
        return Arrays.copyOf(s, count);
    }

    /**
     * Cuts every HR image (and its LR image) into sub-images.
     *
     * @return what was written
     * @throws java.nio.file.FileAlreadyExistsException if the LR output is already complete and overwriting is off
     * @throws InvalidDataException if an LR image is missing or its size does not match its HR image, an HR image is
     *     smaller than the scale, or the HR sub-images of an earlier run cannot be shared (naming the files)
     * @throws org.dckd.data.image.ImageReadException if an image cannot be read (naming it)
     * @throws IOException if writing fails
     */
    public Report extract() throws IOException {
        OutputLocations.of("the HR sub-image folder", hrOutput).output("the LR sub-image folder", lrOutput)
                .input("the HR folder", hrFolder).input("the LR folder", lrFolder).check();
        List<Path> hrFiles = this.hrFiles != null ? this.hrFiles : ImageFiles.listImages(hrFolder);
        if (hrFiles.isEmpty()) {
            throw new InvalidDataException("HR folder " + hrFolder + " contains no images", hrFolder);
        }
        if (!overwrite && isComplete(lrOutput)) {
            throw new java.nio.file.FileAlreadyExistsException(lrOutput.toString(), null,
                    "sub-images are already prepared here (" + MetaInfo.FILE_NAME + " exists); pass overwrite to redo");
        }
        boolean reuseHr = !overwrite && isComplete(hrOutput);
        if (reuseHr) {
            checkReusable();
        }
        Files.createDirectories(hrOutput);
        Files.createDirectories(lrOutput);
        Files.deleteIfExists(lrOutput.resolve(MetaInfo.FILE_NAME));
        if (!reuseHr) {
            Files.deleteIfExists(hrOutput.resolve(MetaInfo.FILE_NAME));
            Files.deleteIfExists(hrOutput.resolve(SETTINGS_FILE));
        }
        List<List<MetaInfo.Entry>> hrEntries = new ArrayList<>(hrFiles.size());
        List<List<MetaInfo.Entry>> lrEntries = new ArrayList<>(hrFiles.size());
        for (int i = 0; i < hrFiles.size(); i++) {
            hrEntries.add(null);
            lrEntries.add(null);
        }
        List<Integer> indices = new ArrayList<>(hrFiles.size());
        for (int i = 0; i < hrFiles.size(); i++) {
            indices.add(i);
        }
        AtomicBoolean scaleFree = new AtomicBoolean(true);
        ParallelTasks.forEach(indices, workers, "extracting x" + scale + " sub-images", "images", listener, i -> {
            Path hrFile = hrFiles.get(i);
            Image original = ImageFiles.read(hrFile);
            if (original.width() % scale != 0 || original.height() % scale != 0) {
                scaleFree.set(false);
                if (reuseHr) {
                    throw new InvalidDataException("cannot share the HR sub-images in " + hrOutput + " with scale "
                            + scale + ": HR image " + hrFile + " (" + original.width() + "x" + original.height()
                            + ") is not a multiple of " + scale + ", so its windows would move; write to another HR"
                            + " output or overwrite", hrFile, hrOutput);
                }
            }
            Image[] pair = loadPair(hrFile, original);
            Cut entries = cut(hrFile, pair[0], pair[1], !reuseHr);
            hrEntries.set(i, entries.hr());
            lrEntries.set(i, entries.lr());
        });
        List<MetaInfo.Entry> hrAll = new ArrayList<>();
        List<MetaInfo.Entry> lrAll = new ArrayList<>();
        hrEntries.forEach(hrAll::addAll);
        lrEntries.forEach(lrAll::addAll);
        hrAll.sort(java.util.Comparator.comparing(MetaInfo.Entry::name));
        lrAll.sort(java.util.Comparator.comparing(MetaInfo.Entry::name));
        if (reuseHr) {
            MetaInfo existing = MetaInfo.read(hrOutput.resolve(MetaInfo.FILE_NAME));
            if (!existing.entries().equals(hrAll)) {
                throw new InvalidDataException("the HR sub-images in " + hrOutput + " do not match the windows of "
                        + hrFolder + " at scale " + scale + " (different images or settings); write to another HR"
                        + " output or overwrite", hrOutput);
            }
        } else {
            Settings settings = new Settings(crop, step, threshold, scaleFree.get() ? 0 : scale);
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(
                    hrOutput.resolve(SETTINGS_FILE).toFile(), settings);
        }
        new MetaInfo(lrAll).write(lrOutput.resolve(MetaInfo.FILE_NAME));
        if (!reuseHr) {
            new MetaInfo(hrAll).write(hrOutput.resolve(MetaInfo.FILE_NAME));
        }
        return new Report(hrOutput, lrOutput, hrFiles.size(), hrAll.size(), reuseHr);
    }

    private void checkReusable() throws IOException {
        Path file = hrOutput.resolve(SETTINGS_FILE);
        Settings s;
        try {
            s = new ObjectMapper().readValue(file.toFile(), Settings.class);
        } catch (IOException e) {
            throw new InvalidDataException("cannot share the HR sub-images in " + hrOutput + ": " + file
                    + " is missing or unreadable (" + e.getMessage() + "); overwrite them or write elsewhere", file);
        }
        if (s.crop() != crop || s.step() != step || s.threshold() != threshold || s.onlyScale() != 0) {
            throw new InvalidDataException("cannot share the HR sub-images in " + hrOutput + " (crop " + s.crop()
                    + ", step " + s.step() + ", threshold " + s.threshold()
                    + (s.onlyScale() != 0 ? ", valid only for scale " + s.onlyScale() : "") + ") with crop " + crop
                    + ", step " + step + ", threshold " + threshold + " at scale " + scale
                    + "; overwrite them or write elsewhere", file);
        }
    }

    /** The modcropped HR image and its LR image (read and checked, or generated). */
    private Image[] loadPair(Path hrFile, Image original) throws IOException {
        if (original.width() < scale || original.height() < scale) {
            throw new InvalidDataException("HR image " + hrFile + " (" + original.width() + "x" + original.height()
                    + ") is smaller than the scale " + scale, hrFile);
        }
        Image hr = original.modcrop(scale);
        if (lrFolder == null) {
            return new Image[] {hr, MatlabBicubic.downscale(hr, scale)};
        }
        Path lrFile = lrFolder.resolve(lrPattern.apply(hrFile.getFileName().toString(), scale));
        if (!Files.exists(lrFile)) {
            throw new InvalidDataException("HR image " + hrFile + " has no LR partner: " + lrFile
                    + " does not exist", hrFile, lrFile);
        }
        Image lr = ImageFiles.read(lrFile);
        if (lr.width() * scale != hr.width() || lr.height() * scale != hr.height()) {
            throw new InvalidDataException(sizeMismatch(lrFile, lr.width(), lr.height(), hrFile, original.width(),
                    original.height(), scale), lrFile, hrFile);
        }
        return new Image[] {hr, lr};
    }

    /**
     * The message for an LR image whose size does not match its HR image.
     *
     * @param lrFile the LR file
     * @param lrW its width
     * @param lrH its height
     * @param hrFile the HR file
     * @param hrW its width (before modcrop)
     * @param hrH its height (before modcrop)
     * @param scale the scale factor
     * @return the message
     */
    static String sizeMismatch(Path lrFile, int lrW, int lrH, Path hrFile, int hrW, int hrH, int scale) {
        int w = hrW - hrW % scale;
        int h = hrH - hrH % scale;
        return "LR image " + lrFile + " is " + lrW + "x" + lrH + " (width x height) but HR image " + hrFile + " is "
                + hrW + "x" + hrH + ", modcropped to " + w + "x" + h + ", so x" + scale + " needs an LR image of "
                + w / scale + "x" + h / scale;
    }

    /** The meta-info entries of one image's HR and LR sub-images. */
    private record Cut(List<MetaInfo.Entry> hr, List<MetaInfo.Entry> lr) {
    }

    private Cut cut(Path hrFile, Image hr, Image lr, boolean writeHr) throws IOException {
        int lrCrop = crop / scale;
        int lrStep = step / scale;
        int[] ys = starts(lr.height(), lrCrop, lrStep, threshold, scale);
        int[] xs = starts(lr.width(), lrCrop, lrStep, threshold, scale);
        int cw = Math.min(lrCrop, lr.width());
        int ch = Math.min(lrCrop, lr.height());
        String fileName = hrFile.getFileName().toString();
        String stem = ImageFiles.stem(fileName);
        List<MetaInfo.Entry> hrOut = new ArrayList<>(ys.length * xs.length);
        List<MetaInfo.Entry> lrOut = new ArrayList<>(ys.length * xs.length);
        int k = 0;
        for (int y : ys) {
            for (int x : xs) {
                k++;
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.io.InterruptedIOException("sub-image extraction was interrupted");
                }
                String name = stem + String.format(Locale.ROOT, "_s%03d.png", k);
                if (writeHr) {
                    ImageFiles.writePng(hr.crop(x * scale, y * scale, cw * scale, ch * scale), hrOutput.resolve(name),
                            ImageFiles.IfExists.REPLACE);
                }
                ImageFiles.writePng(lr.crop(x, y, cw, ch), lrOutput.resolve(name), ImageFiles.IfExists.REPLACE);
                hrOut.add(new MetaInfo.Entry(name, ch * scale, cw * scale, 3));
                lrOut.add(new MetaInfo.Entry(name, ch, cw, 3));
            }
        }
        return new Cut(hrOut, lrOut);
    }

    /**
     * The settings recorded next to the HR sub-images.
     *
     * @param crop the HR window size
     * @param step the HR stride
     * @param threshold the uncovered-strip threshold in HR pixels
     * @param onlyScale 0 when the windows are the same for every scale that divides the HR sizes, else the one scale
     *     they were made for
     */
    record Settings(@JsonProperty("crop_size") int crop, @JsonProperty("step") int step,
                    @JsonProperty("threshold") int threshold, @JsonProperty("only_scale") int onlyScale) {
    }

    /**
     * The outcome of {@link #extract()}.
     *
     * @param hrOutput the HR sub-image folder
     * @param lrOutput the LR sub-image folder
     * @param images the number of source images
     * @param subImages the number of sub-images (per resolution)
     * @param hrReused whether existing HR sub-images were shared instead of written
     */
    public record Report(Path hrOutput, Path lrOutput, int images, int subImages, boolean hrReused) {
    }

    /** Configures a {@link SubImageExtractor}. */
    public static final class Builder extends HrImageJobBuilder<Builder> {
        private Path lrFolder;
        private FileNamePattern lrPattern = FileNamePattern.STANDARD;
        private int crop = DEFAULT_CROP;
        private int step = DEFAULT_STEP;
        private int threshold;
        private Path hrOutput;
        private Path lrOutput;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the folder of LR images (default: none, LR images are made from the HR images in memory).
         *
         * @param lrFolder the folder, or {@code null}
         * @return this builder
         */
        public Builder optLrFolder(Path lrFolder) {
            this.lrFolder = lrFolder;
            return this;
        }

        /**
         * Sets the LR file naming in the LR folder (default {@link FileNamePattern#STANDARD}).
         *
         * @param lrPattern the naming
         * @return this builder
         */
        public Builder optLrPattern(FileNamePattern lrPattern) {
            this.lrPattern = Objects.requireNonNull(lrPattern, "lrPattern");
            return this;
        }

        /**
         * Sets the HR sub-image size (default {@value #DEFAULT_CROP}; a multiple of the scale).
         *
         * @param crop the size in HR pixels
         * @return this builder
         */
        public Builder optCropSize(int crop) {
            this.crop = crop;
            return this;
        }

        /**
         * Sets the HR stride (default {@value #DEFAULT_STEP}; a multiple of the scale).
         *
         * @param step the stride in HR pixels
         * @return this builder
         */
        public Builder optStep(int step) {
            this.step = step;
            return this;
        }

        /**
         * Sets the widest uncovered border strip, in HR pixels, that gets no extra window (default 0, BasicSR's
         * DIV2K setting: every pixel is covered).
         *
         * @param threshold the threshold, at least 0
         * @return this builder
         */
        public Builder optThreshold(int threshold) {
            this.threshold = threshold;
            return this;
        }

        /**
         * Sets the HR output folder (default {@code <hr>_sub}).
         *
         * @param hrOutput the folder
         * @return this builder
         */
        public Builder optHrOutput(Path hrOutput) {
            this.hrOutput = hrOutput;
            return this;
        }

        /**
         * Sets the LR output folder (default {@code <lr>_sub}).
         *
         * @param lrOutput the folder
         * @return this builder
         */
        public Builder optLrOutput(Path lrOutput) {
            this.lrOutput = lrOutput;
            return this;
        }

        /**
         * Checks the settings and builds the extractor.
         *
         * @return the extractor
         * @throws IllegalArgumentException naming the setting that is missing or invalid
         */
        public SubImageExtractor build() {
            checkRequired();
            if (crop < scale || crop % scale != 0) {
                throw new IllegalArgumentException("crop size must be a positive multiple of the scale " + scale
                        + ", got " + crop);
            }
            if (step < scale || step % scale != 0) {
                throw new IllegalArgumentException("step must be a positive multiple of the scale " + scale + ", got "
                        + step);
            }
            if (threshold < 0) {
                throw new IllegalArgumentException("threshold must be at least 0, got " + threshold);
            }
            SubImageExtractor e = new SubImageExtractor(this);
            if (e.hrOutput.equals(e.lrOutput)) {
                throw new IllegalArgumentException("HR and LR sub-images must go to different folders, both are "
                        + e.hrOutput);
            }
            return e;
        }
    }
}
