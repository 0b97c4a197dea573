package org.dckd.data.prepare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import org.dckd.data.files.OutputLocations;
import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;
import org.dckd.data.resize.MatlabBicubic;

/**
 * Makes an LR folder from an HR folder with MATLAB-exact bicubic downscaling: for each HR image, the image is
 * modcropped to a multiple of the scale and downscaled with {@link MatlabBicubic#downscale} (bit-exact with MATLAB's
 * {@code imresize(img, 1/s, 'bicubic')} on {@code uint8}, hence with the official DIV2K and benchmark
 * {@code LR_bicubic} files), and written as an 8-bit PNG named by the {@link FileNamePattern}
 * ({@code 0001.png -> 0001x4.png} by default).
 *
 * <p>An LR file that already exists and is not older than its HR file is kept, so a second run only makes what is
 * missing (this is how HR-only training sources cache their LR images); {@link Builder#optOverwrite} regenerates
 * everything. Files are written atomically, so an interrupted run leaves no half-written image.
 */
public final class BicubicLrGenerator {

    private final Path hrFolder;
    private final List<Path> hrFiles;
    private final int scale;
    private final Path output;
    private final FileNamePattern pattern;
    private final int workers;
    private final boolean overwrite;
    private final ProgressListener listener;

    private BicubicLrGenerator(Builder b) {
        this.hrFolder = b.hrFolder;
        this.hrFiles = b.hrFiles;
        this.scale = b.scale;
        this.output = b.output != null ? b.output : defaultOutput(b.hrFolder, b.scale);
        this.pattern = b.pattern;
        this.workers = b.workers;
        this.overwrite = b.overwrite;
        this.listener = b.listener;
    }

    /**
     * The LR folder that belongs to an HR folder by the usual conventions: {@code X_HR -> X_LR_bicubic/X<s>}
     * ({@code DIV2K_train_HR -> DIV2K_train_LR_bicubic/X4}, {@code Flickr2K_HR -> Flickr2K_LR_bicubic/X4}),
     * {@code HR -> LR_bicubic/X<s>} (benchmark layout), anything else {@code NAME -> NAME_LR_bicubic/X<s>}; always a
     * sibling of the HR folder.
     *
     * @param hrFolder the HR folder
     * @param scale the scale factor
     * @return the LR folder
     */
    public static Path defaultOutput(Path hrFolder, int scale) {
        Path abs = hrFolder.toAbsolutePath().normalize();
        Path name = abs.getFileName();
        String n = name == null ? "images" : name.toString();
        String lr;
        if (n.equals("HR")) {
            lr = "LR_bicubic";
        } else if (n.endsWith("_HR")) {
            lr = n.substring(0, n.length() - 3) + "_LR_bicubic";
        } else {
            lr = n + "_LR_bicubic";
        }
        Path parent = abs.getParent();
        Path dir = parent == null ? Path.of(lr) : parent.resolve(lr);
        return dir.resolve("X" + scale);
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Generates the missing LR images.
     *
     * @return what was done
     * @throws org.dckd.data.image.ImageReadException if an HR image cannot be read (naming it)
     * @throws InvalidDataException if an HR image is smaller than the scale (naming it)
     * @throws org.dckd.data.files.UnsafeOutputException if the LR folder is, contains or lies inside the HR folder
     * @throws IOException if writing fails
     */
    public Report generate() throws IOException {
        // LR images written into (or over) the HR folder would be read back as HR images, or replace them
        OutputLocations.of("the LR folder", output).input("the HR folder", hrFolder).check();
        List<Path> files = hrFiles != null ? hrFiles : ImageFiles.listImages(hrFolder);
        Files.createDirectories(output);
        AtomicInteger generated = new AtomicInteger();
        List<Path> todo = new ArrayList<>(files.size());
        for (Path hr : files) {
            Path lr = output.resolve(pattern.apply(hr.getFileName().toString(), scale));
            if (overwrite || !Files.exists(lr)
                    || Files.getLastModifiedTime(lr).compareTo(Files.getLastModifiedTime(hr)) < 0) {
                todo.add(hr);
            }
        }
        ParallelTasks.forEach(todo, workers, "generating x" + scale + " LR images in " + output, "images", listener,
                hr -> {
                    write(hr, output.resolve(pattern.apply(hr.getFileName().toString(), scale)), scale);
                    generated.incrementAndGet();
                });
        return new Report(output, generated.get(), files.size() - todo.size());
    }

    /** Reads one HR file, modcrops, downscales and writes the LR file. */
    static void write(Path hrFile, Path lrFile, int scale) throws IOException {
        Image hr = ImageFiles.read(hrFile);
        if (hr.width() < scale || hr.height() < scale) {
            throw new InvalidDataException("HR image " + hrFile + " (" + hr.width() + "x" + hr.height()
                    + ") is smaller than the scale " + scale, hrFile);
        }
        ImageFiles.writePng(MatlabBicubic.downscale(hr.modcrop(scale), scale), lrFile, ImageFiles.IfExists.REPLACE);
    }

    /**
     * The outcome of {@link #generate()}.
     *
     * @param output the LR folder
     * @param generated the number of LR images written
     * @param kept the number of existing, up-to-date LR images left alone
     */
    public record Report(Path output, int generated, int kept) {
    }

    /** Configures a {@link BicubicLrGenerator}. */
    public static final class Builder extends HrImageJobBuilder<Builder> {
        private Path output;
        private FileNamePattern pattern = FileNamePattern.STANDARD;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * Sets the LR folder (default {@link #defaultOutput}); it is created if missing.
         *
         * @param output the LR folder
         * @return this builder
         */
        public Builder optOutput(Path output) {
            this.output = output;
            return this;
        }

        /**
         * Sets the LR file naming (default {@link FileNamePattern#STANDARD}); the name must end in {@code .png}.
         *
         * @param pattern the naming
         * @return this builder
         */
        public Builder optPattern(FileNamePattern pattern) {
            this.pattern = Objects.requireNonNull(pattern, "pattern");
            return this;
        }

        /**
         * Checks the settings and builds the generator.
         *
         * @return the generator
         * @throws IllegalArgumentException if the HR folder is unset, the scale is below 1, or the pattern does not
         *     make {@code .png} names
         */
        public BicubicLrGenerator build() {
            checkRequired();
            if (!pattern.template().endsWith(".png")) {
                throw new IllegalArgumentException("generated LR files are PNG: the name pattern '" + pattern
                        + "' must end in .png");
            }
            return new BicubicLrGenerator(this);
        }
    }
}
