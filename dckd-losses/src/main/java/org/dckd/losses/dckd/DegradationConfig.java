package org.dckd.losses.dckd;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The random degradations {@code D_j} of the LR input that make the DCKD negatives (the {@code degradation} key of a
 * {@code dcr} term). Every sample of every negative draws its own parameters. Order as in the DCKD code: blur, resize
 * (down or up), Gaussian noise, resize back to the original size.
 *
 * <p>Keys (defaults = the DCKD x2/x3/x4 configs: only noise is on):
 * <ul>
 *   <li>{@code noise_prob} [1.0]; {@code noise_sigma} [[1, 30]]: sigma ~ U[a, b] / 255; {@code gray_noise_prob} [0.5]:
 *       one noise plane shared by the three channels; {@code clip} [true]: clamp to [0, 1] after the noise.</li>
 *   <li>{@code blur_prob} [0]; {@code blur_kernel} [[3, 11]]: odd kernel sizes, drawn per axis; {@code blur_sigma}
 *       [[0.1, 2.0]], drawn per axis. Gaussian kernel, reflect padding (kornia's {@code gaussian_blur2d}).</li>
 *   <li>{@code resize_prob} [0]; {@code resize_up_prob} [0.25]; {@code resize_up} [[1, 1.5]]; {@code resize_down}
 *       [[0.5, 1]]: the scale factor, applied with bilinear interpolation and undone after the noise.</li>
 * </ul>
 *
 * @param noiseProb the probability of Gaussian noise
 * @param noiseSigma the range of sigma, in 1/255 units
 * @param grayNoiseProb the probability that the noise is gray
 * @param clip whether to clamp to [0, 1] after the noise
 * @param blurProb the probability of Gaussian blur
 * @param blurKernel the range of the (odd) kernel sizes
 * @param blurSigma the range of the blur sigma
 * @param resizeProb the probability of a resize
 * @param resizeUpProb the probability that a resize enlarges
 * @param resizeUp the range of enlarging factors
 * @param resizeDown the range of shrinking factors
 */
public record DegradationConfig(
        double noiseProb, List<Double> noiseSigma, double grayNoiseProb, boolean clip,
        double blurProb, List<Integer> blurKernel, List<Double> blurSigma,
        double resizeProb, double resizeUpProb, List<Double> resizeUp, List<Double> resizeDown) {

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public DegradationConfig {
        probability("noise_prob", noiseProb);
        probability("gray_noise_prob", grayNoiseProb);
        probability("blur_prob", blurProb);
        probability("resize_prob", resizeProb);
        probability("resize_up_prob", resizeUpProb);
        noiseSigma = range("noise_sigma", noiseSigma, 0, Double.POSITIVE_INFINITY);
        blurSigma = range("blur_sigma", blurSigma, 1e-6, Double.POSITIVE_INFINITY);
        resizeUp = range("resize_up", resizeUp, 1, 8);
        resizeDown = range("resize_down", resizeDown, 1e-3, 1);
        blurKernel = List.copyOf(blurKernel);
        if (blurKernel.size() != 2 || blurKernel.get(0) == null || blurKernel.get(1) == null
                || blurKernel.get(0) < 1 || blurKernel.get(0) % 2 == 0 || blurKernel.get(1) % 2 == 0
                || blurKernel.get(1) < blurKernel.get(0)) {
            throw new IllegalArgumentException("degradation: blur_kernel must be [min, max] with odd 1 <= min <= max, "
                    + "got " + blurKernel);
        }
    }

    /**
     * The JSON creator: documented defaults for missing keys.
     *
     * @param noiseProb default 1
     * @param noiseSigma default [1, 30]
     * @param grayNoiseProb default 0.5
     * @param clip default true
     * @param blurProb default 0
     * @param blurKernel default [3, 11]
     * @param blurSigma default [0.1, 2]
     * @param resizeProb default 0
     * @param resizeUpProb default 0.25
     * @param resizeUp default [1, 1.5]
     * @param resizeDown default [0.5, 1]
     * @return the config
     */
    @JsonCreator
    public static DegradationConfig of(
            @JsonProperty("noise_prob") Double noiseProb,
            @JsonProperty("noise_sigma") List<Double> noiseSigma,
            @JsonProperty("gray_noise_prob") Double grayNoiseProb,
            @JsonProperty("clip") Boolean clip,
            @JsonProperty("blur_prob") Double blurProb,
            @JsonProperty("blur_kernel") List<Integer> blurKernel,
            @JsonProperty("blur_sigma") List<Double> blurSigma,
            @JsonProperty("resize_prob") Double resizeProb,
            @JsonProperty("resize_up_prob") Double resizeUpProb,
            @JsonProperty("resize_up") List<Double> resizeUp,
            @JsonProperty("resize_down") List<Double> resizeDown) {
        return new DegradationConfig(
                noiseProb == null ? 1.0 : noiseProb,
                noiseSigma == null ? List.of(1.0, 30.0) : noiseSigma,
                grayNoiseProb == null ? 0.5 : grayNoiseProb,
                clip == null || clip,
                blurProb == null ? 0.0 : blurProb,
                blurKernel == null ? List.of(3, 11) : blurKernel,
                blurSigma == null ? List.of(0.1, 2.0) : blurSigma,
                resizeProb == null ? 0.0 : resizeProb,
                resizeUpProb == null ? 0.25 : resizeUpProb,
                resizeUp == null ? List.of(1.0, 1.5) : resizeUp,
                resizeDown == null ? List.of(0.5, 1.0) : resizeDown);
    }

    /** The DCKD code's defaults (noise only). */
    public static DegradationConfig defaults() {
        return of(null, null, null, null, null, null, null, null, null, null, null);
    }

    private static void probability(String key, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("degradation: " + key + " must be a probability in [0, 1], got " + p);
        }
    }

    private static List<Double> range(String key, List<Double> r, double min, double max) {
        if (r == null || r.size() != 2 || r.get(0) == null || r.get(1) == null || !(r.get(0) >= min)
                || !(r.get(1) <= max) || r.get(1) < r.get(0)) {
            throw new IllegalArgumentException("degradation: " + key + " must be [low, high] with " + min
                    + " <= low <= high" + (Double.isInfinite(max) ? "" : " <= " + max) + ", got " + r);
        }
        return List.copyOf(r);
    }
}
