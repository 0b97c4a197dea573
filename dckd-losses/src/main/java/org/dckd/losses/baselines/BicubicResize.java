package org.dckd.losses.baselines;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.dckd.nn.OwnedArrays;

/**
 * Bicubic resizing of NCHW batches by an integer factor, as fixed-weight separable linear maps
 * {@code out = A_h . x . A_w^T} (two batched matrix products; differentiable, although the terms only resize inputs).
 * Two conventions, because the methods these terms reproduce use different ones:
 * <ul>
 *   <li>{@link #torchUpsample}: PyTorch's {@code F.interpolate(x, scale_factor=s, mode='bicubic',
 *       align_corners=False)} (CSD's {@code nn.Upsample}): Keys cubic with {@code a = -0.75}, source position
 *       {@code (i + 0.5) / s - 0.5}, four taps with indices clamped at the border. DJL's own bicubic interpolation does
 *       NOT match PyTorch's, hence this class.</li>
 *   <li>{@link #matlabDownscale}: MATLAB's {@code imresize(x, 1/s, 'bicubic')} on floating-point data (BasicSR's
 *       {@code imresize}, used by DUKD's zoom-out): Keys cubic with {@code a = -0.5} stretched by {@code s}
 *       (antialiasing), centre {@code (i + 0.5) s - 0.5}, {@code 4 s + 2} taps, weights normalised per output,
 *       symmetric border ({@code -1 -> 0}, {@code n -> n - 1}); no rounding or clamping.</li>
 * </ul>
 * The weight matrices are computed in double precision once per (convention, length, factor) and cached on the heap;
 * each call copies the two small matrices into the input's manager.
 */
public final class BicubicResize {

    private static final Map<String, float[]> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 64;

    private BicubicResize() {}

    /**
     * Upsamples like {@code F.interpolate(x, scale_factor=factor, mode='bicubic', align_corners=False)}.
     *
     * @param x an NCHW array
     * @param factor the integer factor (at least 1)
     * @return the {@code (N, C, factor H, factor W)} result, in the manager of {@code x}
     */
    public static NDArray torchUpsample(NDArray x, int factor) {
        checkInput(x, factor);
        if (factor == 1) {
            return x;
        }
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        return apply(x, torchMatrix(Math.toIntExact(h), factor), h * factor,
                torchMatrix(Math.toIntExact(w), factor), w * factor);
    }

    /**
     * Downscales like MATLAB's {@code imresize(x, 1/factor, 'bicubic')} on double data (antialiased), to
     * {@code ceil(H / factor) x ceil(W / factor)}.
     *
     * @param x an NCHW array
     * @param factor the integer factor (at least 1)
     * @return the downscaled array, in the manager of {@code x}
     */
    public static NDArray matlabDownscale(NDArray x, int factor) {
        checkInput(x, factor);
        if (factor == 1) {
            return x;
        }
        int h = Math.toIntExact(x.getShape().get(2));
        int w = Math.toIntExact(x.getShape().get(3));
        int oh = (h + factor - 1) / factor;
        int ow = (w + factor - 1) / factor;
        return apply(x, matlabMatrix(h, oh, factor), oh, matlabMatrix(w, ow, factor), ow);
    }

    /**
     * The {@code (in * factor) x in} matrix of PyTorch's bicubic upsampling along one axis (row-major).
     *
     * @param in the input length
     * @param factor the integer factor
     * @return the matrix (a shared array: do not modify)
     */
    static float[] torchMatrix(int in, int factor) {
        return cached("torch:" + in + ":" + factor, () -> {
            int out = in * factor;
            double a = -0.75;
            double[] m = new double[out * in];
            for (int o = 0; o < out; o++) {
                double src = (o + 0.5) / factor - 0.5;
                int i0 = (int) Math.floor(src);
                double t = src - i0;
                double[] c = {
                    cubicOuter(t + 1, a), cubicInner(t, a), cubicInner(1 - t, a), cubicOuter(2 - t, a)
                };
                for (int k = 0; k < 4; k++) {
                    int idx = Math.min(Math.max(i0 - 1 + k, 0), in - 1);
                    m[o * in + idx] += c[k];
                }
            }
            return toFloat(m);
        });
    }

    /**
     * The {@code out x in} matrix of MATLAB's antialiased bicubic downscaling by {@code factor} along one axis.
     *
     * @param in the input length
     * @param out the output length ({@code ceil(in / factor)})
     * @param factor the integer factor
     * @return the matrix (a shared array: do not modify)
     */
    static float[] matlabMatrix(int in, int out, int factor) {
        return cached("matlab:" + in + ":" + out + ":" + factor, () -> {
            double scale = 1.0 / factor;
            double width = 4.0 / scale;
            int taps = (int) Math.ceil(width) + 2;
            double[] m = new double[out * in];
            double[] w = new double[taps];
            for (int o = 0; o < out; o++) {
                double u = (o + 1) / scale + 0.5 * (1 - 1 / scale);
                int left = (int) Math.floor(u - width / 2);
                double sum = 0;
                for (int k = 0; k < taps; k++) {
                    int idx1 = left + k; // 1-based source index
                    w[k] = scale * matlabCubic(scale * (u - idx1));
                    sum += w[k];
                }
                for (int k = 0; k < taps; k++) {
                    int idx0 = mirror(left + k - 1, in);
                    m[o * in + idx0] += w[k] / sum;
                }
            }
            return toFloat(m);
        });
    }

    private static NDArray apply(NDArray x, float[] rows, long outH, float[] cols, long outW) {
        NDManager manager = x.getManager();
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        // libtorch-owned: the matmul backward keeps both matrices (see OwnedArrays)
        try (NDArray ah = OwnedArrays.create(manager, rows, new Shape(outH, h));
             NDArray aw = OwnedArrays.create(manager, cols, new Shape(outW, w));
             NDArray awT = aw.transpose()) {
            // (outH, h) @ (N, C, h, w) broadcasts to (N, C, outH, w); then @ (w, outW)
            NDArray tall = ah.matMul(x);
            NDArray out = tall.matMul(awT);
            tall.close();
            return out;
        }
    }

    private static void checkInput(NDArray x, int factor) {
        if (x.getShape().dimension() != 4) {
            throw new IllegalArgumentException("bicubic resize expects an NCHW array, got shape " + x.getShape());
        }
        if (factor < 1) {
            throw new IllegalArgumentException("bicubic resize factor must be at least 1, got " + factor);
        }
    }

    /** Keys' cubic for {@code |t| <= 1}. */
    private static double cubicInner(double t, double a) {
        return ((a + 2) * t - (a + 3)) * t * t + 1;
    }

    /** Keys' cubic for {@code 1 < |t| < 2}. */
    private static double cubicOuter(double t, double a) {
        return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
    }

    /** MATLAB's {@code cubic} kernel ({@code a = -0.5}). */
    private static double matlabCubic(double x) {
        double ax = Math.abs(x);
        double ax2 = ax * ax;
        double ax3 = ax2 * ax;
        if (ax <= 1) {
            return 1.5 * ax3 - 2.5 * ax2 + 1;
        }
        if (ax <= 2) {
            return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
        }
        return 0;
    }

    /** Symmetric mirroring of a 0-based index with the edge repeated ({@code -1 -> 0}, {@code n -> n - 1}). */
    private static int mirror(int i, int n) {
        int m = Math.floorMod(i, 2 * n);
        return m < n ? m : 2 * n - 1 - m;
    }

    private static float[] toFloat(double[] m) {
        float[] f = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            f[i] = (float) m[i];
        }
        return f;
    }

    private static float[] cached(String key, java.util.function.Supplier<float[]> compute) {
        float[] m = CACHE.get(key);
        if (m == null) {
            m = compute.get();
            if (CACHE.size() >= CACHE_LIMIT) {
                CACHE.clear();
            }
            CACHE.put(key, m);
        }
        return m;
    }
}
