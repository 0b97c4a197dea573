package org.dckd.data.metrics;

import java.util.Arrays;

/**
 * Structural similarity (Wang et al. 2004) with the defaults of MATLAB's {@code ssim_index}, as used by the
 * super-resolution benchmarks (and BasicSR's {@code calculate_ssim}):
 * an 11x11 Gaussian window with sigma 1.5 normalised to sum 1; only the "valid" region, so the SSIM map is
 * {@code (H - 10) x (W - 10)} with no padding; {@code C1 = (0.01 L)^2}, {@code C2 = (0.03 L)^2} with
 * {@code L = 255}; {@code sigma^2 = E[x^2] - mu^2}, {@code sigma_xy = E[xy] - mu_x mu_y}; the result is the
 * mean of the map. No downsampling (that is the later {@code ssim.m}, not {@code ssim_index}).
 *
 * <p>Computed in {@code double} with separable filtering: a horizontal pass into a ring buffer of 11 rows and a
 * vertical pass, so memory use is {@code O(W)} beyond the inputs.
 */
public final class Ssim {

    /** Side of the square Gaussian window, 11. */
    public static final int WINDOW = 11;
    /** Standard deviation of the Gaussian window, 1.5. */
    public static final double SIGMA = 1.5;

    private static final double[] KERNEL = gaussian(WINDOW, SIGMA);

    private Ssim() {}

    /** The normalised 1-D Gaussian whose outer product with itself is MATLAB's {@code fspecial('gaussian')}. */
    static double[] gaussian(int size, double sigma) {
        double[] g = new double[size];
        double sum = 0;
        int half = size / 2;
        for (int i = 0; i < size; i++) {
            double d = i - half;
            g[i] = Math.exp(-(d * d) / (2 * sigma * sigma));
            sum += g[i];
        }
        for (int i = 0; i < size; i++) {
            g[i] /= sum;
        }
        return g;
    }

    /**
     * SSIM for data on the 0..255 scale.
     *
     * @param a one plane, at least 11x11
     * @param b the other plane, same size
     * @return the mean SSIM, at most 1 (1 for equal planes)
     */
    public static double of(Plane a, Plane b) {
        return of(a, b, 255.0);
    }

    /**
     * SSIM for a given dynamic range {@code L}.
     *
     * @param a one plane, at least 11x11
     * @param b the other plane, same size
     * @param dynamicRange {@code L}: 255 for 8-bit data, 1 for [0, 1] data
     * @return the mean SSIM
     */
    public static double of(Plane a, Plane b, double dynamicRange) {
        Psnr.requireSameSize(a, b);
        int w = a.width();
        int h = a.height();
        if (w < WINDOW || h < WINDOW) {
            throw new IllegalArgumentException("SSIM needs at least " + WINDOW + "x" + WINDOW + " pixels, got " + w
                    + "x" + h + " (width x height)");
        }
        double c1 = (0.01 * dynamicRange) * (0.01 * dynamicRange);
        double c2 = (0.03 * dynamicRange) * (0.03 * dynamicRange);
        double[] x = a.values();
        double[] y = b.values();
        int ow = w - WINDOW + 1;
        int oh = h - WINDOW + 1;
        // ring buffer of horizontally filtered rows: [slot][quantity][column], quantities x, y, xx, yy, xy
        double[] ring = new double[WINDOW * 5 * ow];
        double[] v = new double[5 * ow];
        double total = 0;
        for (int r = 0; r < h; r++) {
            horizontal(x, y, r * w, ow, ring, (r % WINDOW) * 5 * ow);
            if (r < WINDOW - 1) {
                continue;
            }
            int top = r - WINDOW + 1;
            Arrays.fill(v, 0.0);
            for (int k = 0; k < WINDOW; k++) {
                double g = KERNEL[k];
                int slot = ((top + k) % WINDOW) * 5 * ow;
                for (int i = 0; i < 5 * ow; i++) {
                    v[i] += g * ring[slot + i];
                }
            }
            for (int i = 0; i < ow; i++) {
                double mu1 = v[i];
                double mu2 = v[ow + i];
                double mu11 = mu1 * mu1;
                double mu22 = mu2 * mu2;
                double mu12 = mu1 * mu2;
                double s11 = v[2 * ow + i] - mu11;
                double s22 = v[3 * ow + i] - mu22;
                double s12 = v[4 * ow + i] - mu12;
                total += ((2 * mu12 + c1) * (2 * s12 + c2)) / ((mu11 + mu22 + c1) * (s11 + s22 + c2));
            }
        }
        return total / ((double) ow * oh);
    }

    /** Filters one row of x, y, x*x, y*y, x*y horizontally ("valid") into {@code out[offset ...]}. */
    private static void horizontal(double[] x, double[] y, int row, int ow, double[] out, int offset) {
        Arrays.fill(out, offset, offset + 5 * ow, 0.0);
        int o1 = offset;
        int o2 = offset + ow;
        int o11 = offset + 2 * ow;
        int o22 = offset + 3 * ow;
        int o12 = offset + 4 * ow;
        for (int k = 0; k < WINDOW; k++) {
            double g = KERNEL[k];
            int base = row + k;
            for (int i = 0; i < ow; i++) {
                double p = x[base + i];
                double q = y[base + i];
                out[o1 + i] += g * p;
                out[o2 + i] += g * q;
                out[o11 + i] += g * (p * p);
                out[o22 + i] += g * (q * q);
                out[o12 + i] += g * (p * q);
            }
        }
    }
}
