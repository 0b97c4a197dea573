package org.dckd.data.benchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;
import org.dckd.data.image.ImageReadException;
import org.dckd.data.resize.MatlabBicubic;

/**
 * One entry of a {@link BenchmarkSet}: an HR file and, when present, its LR file. Nothing is read until
 * {@link #load()}.
 */
public final class BenchmarkPair {

    private final String name;
    private final Path hrFile;
    private final Path lrFile;
    private final int scale;

    BenchmarkPair(String name, Path hrFile, Path lrFile, int scale) {
        this.name = Objects.requireNonNull(name, "name");
        this.hrFile = Objects.requireNonNull(hrFile, "hrFile");
        this.lrFile = lrFile;
        this.scale = scale;
    }

    /** @return the image name: the HR file name without its extension */
    public String name() {
        return name;
    }

    /** @return the HR image file */
    public Path hrFile() {
        return hrFile;
    }

    /** @return the LR image file, or empty when the LR image is generated from the HR image */
    public Optional<Path> lrFile() {
        return Optional.ofNullable(lrFile);
    }

    /** @return the scale factor */
    public int scale() {
        return scale;
    }

    /**
     * Reads the pair: the HR image modcropped to a multiple of the scale, and the LR image from its file or, when
     * there is none, made from the modcropped HR image with MATLAB-compatible bicubic downscaling
     * ({@link MatlabBicubic#downscale}; bit-exact with the standard {@code LR_bicubic} files). Nothing is written.
     *
     * @return the loaded images
     * @throws ImageReadException if a file cannot be read
     * @throws InvalidBenchmarkException if the LR file's size is not the modcropped HR size divided by the scale, or
     *     the HR image is smaller than the scale
     */
    public BenchmarkSample load() throws IOException {
        Image original = ImageFiles.read(hrFile);
        if (original.width() < scale || original.height() < scale) {
            throw new InvalidBenchmarkException("HR image " + hrFile + " (" + original.width() + "x"
                    + original.height() + ") is smaller than the scale " + scale);
        }
        Image hr = original.modcrop(scale);
        if (lrFile == null) {
            return new BenchmarkSample(name, hr, MatlabBicubic.downscale(hr, scale), true);
        }
        Image lr = ImageFiles.read(lrFile);
        int w = hr.width() / scale;
        int h = hr.height() / scale;
        if (lr.width() != w || lr.height() != h) {
            throw new InvalidBenchmarkException("LR image " + lrFile + " is " + lr.width() + "x" + lr.height()
                    + " (width x height) but HR image " + hrFile + " is " + original.width() + "x"
                    + original.height() + ", modcropped to " + hr.width() + "x" + hr.height() + ", so x" + scale
                    + " needs an LR image of " + w + "x" + h);
        }
        return new BenchmarkSample(name, hr, lr, false);
    }

    /** @return e.g. {@code baby x4 (HR .../baby.png, LR .../babyx4.png)} */
    @Override
    public String toString() {
        return name + " x" + scale + " (HR " + hrFile + ", LR " + (lrFile == null ? "generated" : lrFile) + ")";
    }
}
