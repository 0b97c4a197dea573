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
 * <p>From Java: {@link #builder()}, with the same defaults (the YAML reader takes its defaults from that builder).
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
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both).
     */
    @JsonCreator
    private static DegradationConfig fromJson(
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
        Builder builder = builder();
        if (noiseProb != null) {
            builder.optNoiseProb(noiseProb);
        }
        if (noiseSigma != null) {
            builder.optNoiseSigma(noiseSigma);
        }
        if (grayNoiseProb != null) {
            builder.optGrayNoiseProb(grayNoiseProb);
        }
        if (clip != null) {
            builder.optClip(clip);
        }
        if (blurProb != null) {
            builder.optBlurProb(blurProb);
        }
        if (blurKernel != null) {
            builder.optBlurKernel(blurKernel);
        }
        if (blurSigma != null) {
            builder.optBlurSigma(blurSigma);
        }
        if (resizeProb != null) {
            builder.optResizeProb(resizeProb);
        }
        if (resizeUpProb != null) {
            builder.optResizeUpProb(resizeUpProb);
        }
        if (resizeUp != null) {
            builder.optResizeUp(resizeUp);
        }
        if (resizeDown != null) {
            builder.optResizeDown(resizeDown);
        }
        return builder.build();
    }

    /** The DCKD code's defaults (noise only). */
    public static DegradationConfig defaults() {
        return builder().build();
    }

    /**
     * Starts a degradation config from the DCKD code's defaults (noise only).
     *
     * @return a builder; every value is optional
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link DegradationConfig}; every value is optional, defaults as in the class documentation. */
    public static final class Builder {

        private double noiseProb = 1.0;
        private List<Double> noiseSigma = List.of(1.0, 30.0);
        private double grayNoiseProb = 0.5;
        private boolean clip = true;
        private double blurProb = 0.0;
        private List<Integer> blurKernel = List.of(3, 11);
        private List<Double> blurSigma = List.of(0.1, 2.0);
        private double resizeProb = 0.0;
        private double resizeUpProb = 0.25;
        private List<Double> resizeUp = List.of(1.0, 1.5);
        private List<Double> resizeDown = List.of(0.5, 1.0);

        private Builder() {}

        /**
         * Sets the probability of Gaussian noise (default 1).
         *
         * @param value a probability
         * @return this builder
         */
        public Builder optNoiseProb(double value) {
            noiseProb = value;
            return this;
        }

        /**
         * Sets the range of the noise sigma in 1/255 units (default [1, 30]).
         *
         * @param value [low, high]
         * @return this builder
         */
        public Builder optNoiseSigma(List<Double> value) {
            noiseSigma = value;
            return this;
        }

        /**
         * Sets the probability that the noise is one plane for all channels (default 0.5).
         *
         * @param value a probability
         * @return this builder
         */
        public Builder optGrayNoiseProb(double value) {
            grayNoiseProb = value;
            return this;
        }

        /**
         * Sets whether images are clamped to [0, 1] after the noise (default true).
         *
         * @param value whether to clamp
         * @return this builder
         */
        public Builder optClip(boolean value) {
            clip = value;
            return this;
        }

        /**
         * Sets the probability of Gaussian blur (default 0).
         *
         * @param value a probability
         * @return this builder
         */
        public Builder optBlurProb(double value) {
            blurProb = value;
            return this;
        }

        /**
         * Sets the range of the odd blur kernel sizes (default [3, 11]).
         *
         * @param value [min, max], odd
         * @return this builder
         */
        public Builder optBlurKernel(List<Integer> value) {
            blurKernel = value;
            return this;
        }

        /**
         * Sets the range of the blur sigma (default [0.1, 2]).
         *
         * @param value [low, high]
         * @return this builder
         */
        public Builder optBlurSigma(List<Double> value) {
            blurSigma = value;
            return this;
        }

        /**
         * Sets the probability of a resize (default 0).
         *
         * @param value a probability
         * @return this builder
         */
        public Builder optResizeProb(double value) {
            resizeProb = value;
            return this;
        }

        /**
         * Sets the probability that a resize enlarges (default 0.25).
         *
         * @param value a probability
         * @return this builder
         */
        public Builder optResizeUpProb(double value) {
            resizeUpProb = value;
            return this;
        }

        /**
         * Sets the range of enlarging factors (default [1, 1.5]).
         *
         * @param value [low, high] within [1, 8]
         * @return this builder
         */
        public Builder optResizeUp(List<Double> value) {
            resizeUp = value;
            return this;
        }

        /**
         * Sets the range of shrinking factors (default [0.5, 1]).
         *
         * @param value [low, high] within (0, 1]
         * @return this builder
         */
        public Builder optResizeDown(List<Double> value) {
            resizeDown = value;
            return this;
        }

        /**
         * The config.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the offending field
         */
        public DegradationConfig build() {
            return new DegradationConfig(noiseProb, noiseSigma, grayNoiseProb, clip, blurProb, blurKernel, blurSigma,
                    resizeProb, resizeUpProb, resizeUp, resizeDown);
        }
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
