package org.dckd.data.resize;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The 1-D weights and source indices of MATLAB's {@code imresize(..., 'bicubic')} for one dimension: for every output
 * position, {@link #taps()} pairs (source index, weight), with the weights summing to 1.
 *
 * <p>Computed exactly as MATLAB's {@code contributions} function (and BasicSR's {@code calculate_weights_indices}), in
 * double precision: Keys cubic kernel with {@code a = -0.5}; when downscaling ({@code scale < 1}) the kernel is
 * stretched by {@code 1 / scale} (antialiasing) and has width {@code 4 / scale}; output position {@code x}
 * (1-based) is centred at {@code u = x / scale + 0.5 (1 - 1 / scale)}; taps {@code floor(u - width/2) + j},
 * {@code j = 0 .. ceil(width) + 1}; weights normalised per output; tap columns whose weight is zero for every
 * output are dropped; out-of-range indices are mirrored symmetrically with the edge pixel repeated
 * ({@code -1 -> 0, -2 -> 1, n -> n - 1}). Indices here are 0-based.
 *
 * <p>Instances are immutable; {@link #of(int, int, double)} caches recently used tables.
 */
public final class BicubicContributions {

    private static final int CACHE_LIMIT = 256;
    private static final Map<Key, BicubicContributions> CACHE = new ConcurrentHashMap<>();

    private final int inLength;
    private final int outLength;
    private final double scale;
    private final int taps;
    /** Row-major {@code outLength x taps}, 0-based source indices. */
    final int[] indices;
    /** Row-major {@code outLength x taps}. */
    final double[] weights;

    private BicubicContributions(int inLength, int outLength, double scale, int taps, int[] indices,
                                 double[] weights) {
        this.inLength = inLength;
        this.outLength = outLength;
        this.scale = scale;
        this.taps = taps;
        this.indices = indices;
        this.weights = weights;
    }

    /**
     * The MATLAB output length for a scale factor: {@code ceil(inLength * scale)}.
     *
     * @param inLength input length
     * @param scale scale factor (&lt; 1 shrinks)
     * @return the output length
     */
    public static int outputLength(int inLength, double scale) {
        checkScale(scale);
        double n = Math.ceil(inLength * scale);
        if (n > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("output length " + n + " too large (input " + inLength + ", scale "
                    + scale + ")");
        }
        return Math.max(1, (int) n);
    }

    /**
     * The table for resizing {@code inLength} values by {@code scale} to {@code ceil(inLength * scale)} values.
     *
     * @param inLength input length, at least 1
     * @param scale scale factor, positive ({@code 1.0 / 4} for MATLAB's {@code imresize(x, 1/4)})
     * @return the (possibly cached) table
     */
    public static BicubicContributions of(int inLength, double scale) {
        return of(inLength, outputLength(inLength, scale), scale);
    }

    /**
     * The table for resizing {@code inLength} values to {@code outLength} values with the kernel for {@code scale}
     * (MATLAB uses {@code scale} for the kernel and positions and {@code outLength} only for the count).
     *
     * @param inLength input length, at least 1
     * @param outLength output length, at least 1
     * @param scale scale factor, positive
     * @return the (possibly cached) table
     */
    public static BicubicContributions of(int inLength, int outLength, double scale) {
        if (inLength < 1 || outLength < 1) {
            throw new IllegalArgumentException("lengths must be positive, got in=" + inLength + ", out="
                    + outLength);
        }
        checkScale(scale);
        Key key = new Key(inLength, outLength, scale);
        BicubicContributions table = CACHE.get(key);
        if (table == null) {
            table = compute(inLength, outLength, scale);
            if (CACHE.size() >= CACHE_LIMIT) {
                CACHE.clear();
            }
            CACHE.put(key, table);
        }
        return table;
    }

    private static void checkScale(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
        }
    }

    /** Keys cubic convolution kernel with a = -0.5, written as MATLAB's {@code cubic}. */
    static double cubic(double x) {
        double a = Math.abs(x);
        double a2 = a * a;
        double a3 = a2 * a;
        if (a <= 1) {
            return 1.5 * a3 - 2.5 * a2 + 1;
        }
        if (a <= 2) {
            return -0.5 * a3 + 2.5 * a2 - 4 * a + 2;
        }
        return 0;
    }

    private static BicubicContributions compute(int inLength, int outLength, double scale) {
        boolean antialias = scale < 1;
        double kernelWidth = antialias ? 4 / scale : 4;
        int p = (int) Math.ceil(kernelWidth) + 2;
        double[] w = new double[outLength * p];
        long[] left = new long[outLength];
        for (int x = 0; x < outLength; x++) {
            double u = (x + 1) / scale + 0.5 * (1 - 1 / scale);
            long l = (long) Math.floor(u - kernelWidth / 2);
            left[x] = l;
            double sum = 0;
            for (int j = 0; j < p; j++) {
                double d = u - (double) (l + j);
                double v = antialias ? scale * cubic(scale * d) : cubic(d);
                w[x * p + j] = v;
                sum += v;
            }
            for (int j = 0; j < p; j++) {
                w[x * p + j] /= sum;
            }
        }
        boolean[] keep = new boolean[p];
        int taps = 0;
        for (int j = 0; j < p; j++) {
            for (int x = 0; x < outLength && !keep[j]; x++) {
                keep[j] = w[x * p + j] != 0;
            }
            if (keep[j]) {
                taps++;
            }
        }
        int[] indices = new int[outLength * taps];
        double[] weights = new double[outLength * taps];
        for (int x = 0; x < outLength; x++) {
            int t = 0;
            for (int j = 0; j < p; j++) {
                if (keep[j]) {
                    indices[x * taps + t] = mirror(left[x] + j - 1, inLength); // 1-based -> 0-based
                    weights[x * taps + t] = w[x * p + j];
                    t++;
                }
            }
        }
        return new BicubicContributions(inLength, outLength, scale, taps, indices, weights);
    }

    /** Symmetric boundary with the edge repeated, 0-based: aux = [0..n-1, n-1..0], index mod 2n. */
    private static int mirror(long index, int n) {
        long m = Math.floorMod(index, 2L * n);
        return (int) (m < n ? m : 2L * n - 1 - m);
    }

    /** @return the input length */
    public int inLength() {
        return inLength;
    }

    /** @return the output length */
    public int outLength() {
        return outLength;
    }

    /** @return the scale factor the kernel was built for */
    public double scale() {
        return scale;
    }

    /** @return the number of taps per output position (after dropping all-zero tap columns) */
    public int taps() {
        return taps;
    }

    /**
     * The source index of one tap.
     *
     * @param out output position, 0-based
     * @param tap tap number, {@code 0 .. taps() - 1}
     * @return the 0-based input index (already mirrored into range)
     */
    public int index(int out, int tap) {
        Objects.checkIndex(out, outLength);
        Objects.checkIndex(tap, taps);
        return indices[out * taps + tap];
    }

    /**
     * The weight of one tap.
     *
     * @param out output position, 0-based
     * @param tap tap number, {@code 0 .. taps() - 1}
     * @return the normalised weight
     */
    public double weight(int out, int tap) {
        Objects.checkIndex(out, outLength);
        Objects.checkIndex(tap, taps);
        return weights[out * taps + tap];
    }

    private record Key(int inLength, int outLength, double scale) {}
}
