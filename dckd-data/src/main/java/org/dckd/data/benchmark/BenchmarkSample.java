package org.dckd.data.benchmark;

import java.util.Objects;
import org.dckd.data.image.Image;

/**
 * One loaded benchmark image pair.
 *
 * @param name the image name (HR file name without extension, e.g. {@code baby})
 * @param hr the ground-truth image, modcropped to a multiple of the scale
 * @param lr the low-resolution input, exactly {@code hr.width() / scale x hr.height() / scale}
 * @param lrGenerated whether {@code lr} was made in memory with
 *     {@link org.dckd.data.resize.MatlabBicubic#downscale} instead of read from a file
 */
public record BenchmarkSample(String name, Image hr, Image lr, boolean lrGenerated) {

    /**
     * Checks that no component is null.
     *
     * @param name the image name
     * @param hr the modcropped ground truth
     * @param lr the low-resolution input
     * @param lrGenerated whether the LR image was generated in memory
     */
    public BenchmarkSample {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hr, "hr");
        Objects.requireNonNull(lr, "lr");
    }
}
