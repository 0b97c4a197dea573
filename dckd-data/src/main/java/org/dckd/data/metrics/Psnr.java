package org.dckd.data.metrics;

/**
 * Peak signal-to-noise ratio {@code 10 log10(peak^2 / MSE)}, computed in {@code double}.
 *
 * <p>For identical planes the MSE is 0 and the result is {@link Double#POSITIVE_INFINITY} (not a large finite
 * number): callers that average over a set should report such an image separately, since one infinite value makes
 * the mean infinite.
 */
public final class Psnr {

    /** The peak value of 8-bit data, 255. */
    public static final double PEAK_8BIT = 255.0;

    private Psnr() {}

    /**
     * PSNR for data on the 0..255 scale.
     *
     * @param a one plane
     * @param b the other plane, same size
     * @return PSNR in dB, {@code +Infinity} when the planes are equal
     */
    public static double of(Plane a, Plane b) {
        return of(a, b, PEAK_8BIT);
    }

    /**
     * PSNR for a given peak value.
     *
     * @param a one plane
     * @param b the other plane, same size
     * @param peak the maximum possible value (255 for 8-bit data, 1 for [0, 1] data)
     * @return PSNR in dB, {@code +Infinity} when the planes are equal
     */
    public static double of(Plane a, Plane b, double peak) {
        return 10 * Math.log10(peak * peak / meanSquaredError(a, b));
    }

    /**
     * The mean of the squared differences.
     *
     * @param a one plane
     * @param b the other plane, same size
     * @return {@code mean((a - b)^2)}
     */
    public static double meanSquaredError(Plane a, Plane b) {
        requireSameSize(a, b);
        double[] x = a.values();
        double[] y = b.values();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - y[i];
            sum += d * d;
        }
        return sum / x.length;
    }

    static void requireSameSize(Plane a, Plane b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("planes differ in size: " + a.width() + "x" + a.height() + " vs "
                    + b.width() + "x" + b.height() + " (width x height)");
        }
    }
}
