package org.dckd.data.prepare;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Downloads, verifies, unpacks and prepares DIV2K in its standard layout:
 * <pre>
 * ROOT/DIV2K_train_HR/0001.png ... 0800.png          ROOT/DIV2K_valid_HR/0801.png ... 0900.png
 * ROOT/DIV2K_train_LR_bicubic/X4/0001x4.png ...     ROOT/DIV2K_valid_LR_bicubic/X4/0801x4.png ...
 * ROOT/DIV2K_train_HR_sub/ + ROOT/DIV2K_train_LR_bicubic/X4_sub/   (sub-images, optional)
 * </pre>
 * from the official archives {@code DIV2K_<split>_HR.zip} and {@code DIV2K_<split>_LR_bicubic_X<s>.zip} at
 * {@link #OFFICIAL_BASE}. Every archive must have a SHA-256 checksum in the user-supplied {@link Sha256Sums}: this
 * project does not ship the official checksums. Archives already present (in the archive folder, by default
 * {@code ROOT/downloads}) are verified and used instead of downloading; an archive is unpacked once (a marker file
 * records which archive, by checksum, was unpacked), and complete sub-image folders are kept, so the command can be
 * re-run after an interruption.
 */
public final class Div2kPreparer {

    /** Where the official DIV2K archives are served. */
    public static final URI OFFICIAL_BASE = URI.create("http://data.vision.ee.ethz.ch/cvl/DIV2K/");

    /** The DIV2K splits. */
    public enum Split {
        /** 800 training images, 0001-0800. */
        TRAIN("train"),
        /** 100 validation images, 0801-0900. */
        VALID("valid");

        private final String id;

        Split(String id) {
            this.id = id;
        }

        /** @return {@code train} or {@code valid} */
        public String id() {
            return id;
        }
    }

    /**
     * One official archive.
     *
     * @param fileName the archive's file name, e.g. {@code DIV2K_train_LR_bicubic_X4.zip}
     * @param folder the folder it unpacks to, relative to the root, e.g. {@code DIV2K_train_LR_bicubic/X4}
     */
    public record Archive(String fileName, String folder) {

        /**
         * The HR archive of a split.
         *
         * @param split the split
         * @return {@code DIV2K_<split>_HR.zip}
         */
        public static Archive hr(Split split) {
            return new Archive("DIV2K_" + split.id() + "_HR.zip", "DIV2K_" + split.id() + "_HR");
        }

        /**
         * The bicubic LR archive of a split and scale.
         *
         * @param split the split
         * @param scale 2, 3 or 4
         * @return {@code DIV2K_<split>_LR_bicubic_X<s>.zip}
         */
        public static Archive lrBicubic(Split split, int scale) {
            return new Archive("DIV2K_" + split.id() + "_LR_bicubic_X" + scale + ".zip",
                    "DIV2K_" + split.id() + "_LR_bicubic/X" + scale);
        }
    }

    private final Path root;
    private final Sha256Sums checksums;
    private final URI base;
    private final int scale;
    private final List<Split> splits;
    private final Path archiveFolder;
    private final boolean subImages;
    private final int crop;
    private final int step;
    private final int workers;
    private final ProgressListener listener;
    private final ArchiveDownloader downloader;

    private Div2kPreparer(Builder b) {
        this.root = b.root;
        this.checksums = b.checksums;
        this.base = b.base;
        this.scale = b.scale;
        this.splits = List.copyOf(b.splits);
        this.archiveFolder = b.archiveFolder != null ? b.archiveFolder : b.root.resolve("downloads");
        this.subImages = b.subImages;
        this.crop = b.crop;
        this.step = b.step;
        this.workers = b.workers;
        this.listener = b.listener;
        this.downloader = b.downloader != null ? b.downloader : new ArchiveDownloader();
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the archives this preparation needs, in processing order */
    public List<Archive> archives() {
        List<Archive> out = new ArrayList<>();
        for (Split s : splits) {
            out.add(Archive.hr(s));
            out.add(Archive.lrBicubic(s, scale));
        }
        return out;
    }

    /**
     * Runs the preparation.
     *
     * @return what was done
     * @throws IOException if a checksum is missing from the checksum file (before anything is downloaded), a local
     *     archive or a download has the wrong checksum, an archive lacks its folder, or a download, unpacking or
     *     sub-image step fails; the message names the archive or file
     */
    public Report prepare() throws IOException {
        List<Archive> archives = archives();
        List<String> missing = new ArrayList<>();
        for (Archive a : archives) {
            if (checksums.get(a.fileName()).isEmpty()) {
                missing.add(a.fileName());
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException("no SHA-256 checksum for " + String.join(", ", missing)
                    + " in the checksum file; every archive is verified before use (this project does not ship the"
                    + " official checksums: write them as 'SHA256HEX  FILENAME' lines)");
        }
        Files.createDirectories(root);
        List<String> downloaded = new ArrayList<>();
        List<String> unpacked = new ArrayList<>();
        for (Archive a : archives) {
            String sha = checksums.get(a.fileName()).orElseThrow();
            Path local = archiveFolder.resolve(a.fileName());
            Path marker = root.resolve(".dckd-unpacked-" + a.fileName());
            Path folder = root.resolve(a.folder());
            if (Files.isDirectory(folder) && Files.isRegularFile(marker)
                    && Files.readString(marker, StandardCharsets.UTF_8).strip().equals(sha)) {
                continue;
            }
            if (Files.exists(local)) {
                String actual = Sha256Sums.compute(local, listener);
                if (!actual.equals(sha)) {
                    throw new IOException("archive " + local + " has SHA-256 " + actual + " but the checksum file"
                            + " expects " + sha + "; delete it to download it again");
                }
            } else {
                downloader.download(base.resolve(a.fileName()), local, sha, listener);
                downloaded.add(a.fileName());
            }
            List<String> top = ZipUnpacker.unpack(local, root, listener);
            if (!Files.isDirectory(folder)) {
                throw new IOException("archive " + local + " did not contain the folder " + a.folder()
                        + " (it unpacked " + top + ")");
            }
            Files.writeString(marker, sha + "\n", StandardCharsets.UTF_8);
            unpacked.add(a.fileName());
        }
        SubImageExtractor.Report sub = null;
        if (subImages && splits.contains(Split.TRAIN)) {
            Path hr = root.resolve(Archive.hr(Split.TRAIN).folder());
            Path lr = root.resolve(Archive.lrBicubic(Split.TRAIN, scale).folder());
            if (!SubImageExtractor.isComplete(SubImageExtractor.subFolder(lr))) {
                sub = SubImageExtractor.builder().setHrFolder(hr).optLrFolder(lr).setScale(scale).optCropSize(crop)
                        .optStep(step).optWorkers(workers).optListener(listener).build().extract();
            }
        }
        return new Report(root, downloaded, unpacked, sub);
    }

    /**
     * The outcome of {@link #prepare()}.
     *
     * @param root the DIV2K root folder
     * @param downloaded the archives downloaded in this run
     * @param unpacked the archives unpacked in this run
     * @param subImages the sub-image extraction done in this run, or {@code null} if none was needed
     */
    public record Report(Path root, List<String> downloaded, List<String> unpacked,
                         SubImageExtractor.Report subImages) {
    }

    /** Configures a {@link Div2kPreparer}. */
    public static final class Builder {
        private Path root;
        private Sha256Sums checksums;
        private URI base = OFFICIAL_BASE;
        private int scale = 4;
        private List<Split> splits = List.of(Split.TRAIN, Split.VALID);
        private Path archiveFolder;
        private boolean subImages = true;
        private int crop = SubImageExtractor.DEFAULT_CROP;
        private int step = SubImageExtractor.DEFAULT_STEP;
        private int workers = 1;
        private ProgressListener listener = ProgressListener.NONE;
        private ArchiveDownloader downloader;

        private Builder() {}

        /**
         * Sets the DIV2K root folder (required).
         *
         * @param root the folder that receives {@code DIV2K_train_HR} etc.
         * @return this builder
         */
        public Builder setRoot(Path root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * Sets the expected checksums (required; every archive must be listed).
         *
         * @param checksums the checksums
         * @return this builder
         */
        public Builder setChecksums(Sha256Sums checksums) {
            this.checksums = Objects.requireNonNull(checksums, "checksums");
            return this;
        }

        /**
         * Sets where the archives are downloaded from (default {@link #OFFICIAL_BASE}).
         *
         * @param base the base address, ending in {@code /}
         * @return this builder
         */
        public Builder optBaseUri(URI base) {
            this.base = Objects.requireNonNull(base, "base");
            return this;
        }

        /**
         * Sets the scale of the bicubic LR images (default 4).
         *
         * @param scale 2, 3 or 4
         * @return this builder
         */
        public Builder optScale(int scale) {
            this.scale = scale;
            return this;
        }

        /**
         * Sets the splits (default train and valid).
         *
         * @param splits the splits
         * @return this builder
         */
        public Builder optSplits(List<Split> splits) {
            this.splits = List.copyOf(splits);
            return this;
        }

        /**
         * Sets the folder where archives are looked for and downloaded to (default {@code ROOT/downloads}).
         *
         * @param archiveFolder the folder
         * @return this builder
         */
        public Builder optArchiveFolder(Path archiveFolder) {
            this.archiveFolder = archiveFolder;
            return this;
        }

        /**
         * Whether to cut the training split into sub-images (default on).
         *
         * @param subImages whether to prepare sub-images
         * @return this builder
         */
        public Builder optSubImages(boolean subImages) {
            this.subImages = subImages;
            return this;
        }

        /**
         * Sets the sub-image size and stride in HR pixels (default 480 and 240).
         *
         * @param crop the sub-image size
         * @param step the stride
         * @return this builder
         */
        public Builder optSubImageGeometry(int crop, int step) {
            this.crop = crop;
            this.step = step;
            return this;
        }

        /**
         * Sets the number of threads for the sub-images (default 1).
         *
         * @param workers the number of threads
         * @return this builder
         */
        public Builder optWorkers(int workers) {
            this.workers = workers;
            return this;
        }

        /**
         * Sets the progress listener.
         *
         * @param listener receives progress reports
         * @return this builder
         */
        public Builder optListener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets the downloader (default: a new {@link ArchiveDownloader}).
         *
         * @param downloader the downloader
         * @return this builder
         */
        public Builder optDownloader(ArchiveDownloader downloader) {
            this.downloader = downloader;
            return this;
        }

        /**
         * Checks the settings and builds the preparer.
         *
         * @return the preparer
         * @throws IllegalArgumentException naming the missing or invalid setting
         */
        public Div2kPreparer build() {
            if (root == null) {
                throw new IllegalArgumentException("the DIV2K root folder is required");
            }
            if (checksums == null) {
                throw new IllegalArgumentException("SHA-256 checksums are required (every archive is verified)");
            }
            if (scale < 2 || scale > 4) {
                throw new IllegalArgumentException("DIV2K has bicubic LR archives for scales 2, 3 and 4, got "
                        + scale);
            }
            if (splits.isEmpty()) {
                throw new IllegalArgumentException("at least one split (train, valid) is required");
            }
            return new Div2kPreparer(this);
        }
    }
}
