package org.dckd.losses.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.Tensor;
import org.dckd.losses.encoders.VqganEncoderConfig;
import org.dckd.testing.SharedData;

/**
 * The small DCKD golden set of {@code data/reference/golden/} (README section 2): the VQGAN with {@code ch: 32}, its
 * inputs, features, CE tensors, gradients and loss values, computed with the official DCKD code.
 */
public final class DckdGolden {

    /** The golden folder. */
    public static final String DIR = "data/reference/golden/";
    /** Relative tolerance for outputs and losses. */
    public static final double RTOL = 1e-4;
    /** Absolute tolerance for outputs and losses. */
    public static final double ATOL = 1e-5;

    private DckdGolden() {}

    /** The small VQGAN checkpoint ({@code {'state_dict': ...}}). */
    public static Path vqganCheckpoint() {
        return SharedData.require(DIR + "dckd_small_vqgan.pth");
    }

    /** The small VQGAN config: the DCKD config with {@code ch: 32}. */
    public static VqganEncoderConfig vqganConfig() {
        return VqganEncoderConfig.builder().setCheckpoint(vqganCheckpoint()).optCh(32).build();
    }

    /** Every array of {@code dckd_small_losses.npz} (float64 arrays converted to float32), in {@code manager}. */
    public static Map<String, NDArray> arrays(NDManager manager) {
        try {
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : Checkpoints.read(SharedData.require(DIR + "dckd_small_losses.npz"))
                    .tensors().entrySet()) {
                Tensor t = e.getValue();
                out.put(e.getKey(), manager.create(t.toFloatArray(), t.djlShape()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The max |a - b| over all elements. */
    public static double maxAbsDiff(NDArray expected, NDArray actual) {
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double max = 0;
        for (int i = 0; i < e.length; i++) {
            max = Math.max(max, Math.abs((double) e[i] - a[i]));
        }
        return max;
    }

    /** The max |value| over all elements. */
    public static double maxAbs(NDArray array) {
        double max = 0;
        for (float v : array.toFloatArray()) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    /**
     * Asserts equal shapes and {@code |a - e| <= atol + rtol |e|} everywhere; returns the max abs difference.
     */
    public static double assertClose(String what, NDArray expected, NDArray actual, double rtol, double atol) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), what + ": shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double max = 0;
        int worst = -1;
        boolean ok = true;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) e[i] - a[i]);
            if (!(d <= atol + rtol * Math.abs(e[i]))) {
                ok = false;
            }
            if (d > max || worst < 0) {
                max = Math.max(max, d);
                worst = i;
            }
        }
        assertTrue(ok, what + ": max |diff| " + max + " at flat index " + worst + " (expected " + e[worst]
                + ", got " + a[worst] + ")");
        System.out.printf("golden %-32s max|diff| %.3e  (max|expected| %.3e)%n", what, max, maxAbs(expected));
        return max;
    }

    /** {@link #assertClose} with the README's output tolerances. */
    public static double assertClose(String what, NDArray expected, NDArray actual) {
        return assertClose(what, expected, actual, RTOL, ATOL);
    }

    /** Gradients: {@code |a - e| <= factor * max|e|} everywhere. */
    public static double assertGradientClose(String what, NDArray expected, NDArray actual, double factor) {
        return assertClose(what, expected, actual, 0, factor * maxAbs(expected));
    }

    /**
     * Gradients with sign ties ({@link SignTies}): {@code |a - e| <= factor * max|e| + ties[i]} everywhere.
     *
     * @return the max abs difference
     */
    public static double assertGradientClose(String what, NDArray expected, NDArray actual, double factor,
            float[] ties) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), what + ": shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double smooth = factor * maxAbs(expected);
        double max = 0;
        double maxTies = 0;
        int worst = -1;
        int largest = 0;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) e[i] - a[i]);
            maxTies = Math.max(maxTies, ties[i]);
            if (d > Math.abs((double) e[largest] - a[largest])) {
                largest = i;
            }
            if (d > smooth + ties[i] && (worst < 0 || d - ties[i] > Math.abs((double) e[worst] - a[worst]) - ties[worst])) {
                worst = i;
            }
            max = Math.max(max, d);
        }
        if (worst >= 0) {
            fail(what + ": |diff| " + Math.abs((double) e[worst] - a[worst]) + " at flat index " + worst + " exceeds "
                    + smooth + " + the sign-tie bound " + ties[worst] + " (expected " + e[worst] + ", got " + a[worst]
                    + ")");
        }
        System.out.printf("golden %-32s max|diff| %.3e at %d, tie bound there %.3e  (max|expected| %.3e, smooth tol "
                + "%.1e, largest tie bound %.3e)%n", what, max, largest, ties[largest], maxAbs(expected), smooth, maxTies);
        return max;
    }
}
