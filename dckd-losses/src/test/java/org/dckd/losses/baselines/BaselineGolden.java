package org.dckd.losses.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.Tensor;
import org.dckd.testing.SharedData;

/** Golden files of the baseline terms: the shared official references and this module's own reference file. */
final class BaselineGolden {

    /** Value tolerances of the golden README. */
    static final double RTOL = 1e-4;
    static final double ATOL = 1e-5;
    /** Gradient tolerance, relative to the largest reference magnitude. */
    static final double GRAD_FRACTION = 1e-3;

    static final String SHARED_DIR = "data/reference/golden/";

    private BaselineGolden() {}

    /** Every array of a shared golden {@code .npz}, in {@code manager} (skips or fails when the file is missing). */
    static Map<String, NDArray> shared(NDManager manager, String name) {
        return read(manager, SharedData.require(SHARED_DIR + name));
    }

    /** A shared golden JSON file. */
    static JsonNode sharedJson(String name) {
        try {
            return new ObjectMapper().readTree(SharedData.require(SHARED_DIR + name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A test resource's path. */
    static Path resource(String name) {
        URL url = BaselineGolden.class.getResource("/golden/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource golden/" + name);
        }
        try {
            return Paths.get(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every array of this module's reference {@code .npz}. */
    static Map<String, NDArray> own(NDManager manager, String name) {
        return read(manager, resource(name));
    }

    /** This module's reference JSON. */
    static JsonNode ownJson(String name) {
        try {
            return new ObjectMapper().readTree(resource(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, NDArray> read(NDManager manager, Path file) {
        try {
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : Checkpoints.read(file).tensors().entrySet()) {
                out.put(e.getKey(), e.getValue().toNDArray(manager));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    /**
     * Asserts {@code |actual - expected| <= atol + rtol |expected|} element-wise and returns the largest absolute error.
     */
    static double assertClose(String what, NDArray expected, NDArray actual, double rtol, double atol) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), what + ": shape");
        float[] e = expected.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        float[] a = actual.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        double maxAbs = 0;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) a[i] - e[i]);
            final int k = i;
            assertTrue(d <= atol + rtol * Math.abs(e[i]),
                    () -> what + ": element " + k + " is " + a[k] + ", expected " + e[k]);
            maxAbs = Math.max(maxAbs, d);
        }
        System.out.printf("golden %-50s max|err| = %.3e%n", what, maxAbs);
        return maxAbs;
    }

    /** Values with the README tolerances. */
    static double assertValues(String what, NDArray expected, NDArray actual) {
        return assertClose(what, expected, actual, RTOL, ATOL);
    }

    /** A scalar with the README tolerances. */
    static double assertScalar(String what, double expected, NDArray actual) {
        double a = actual.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
        double d = Math.abs(a - expected);
        assertTrue(d <= ATOL + RTOL * Math.abs(expected), () -> what + " is " + a + ", expected " + expected);
        System.out.printf("golden %-50s %.8f vs %.8f, |err| = %.3e%n", what, a, expected, d);
        return d;
    }

    /** A gradient: absolute tolerance {@code 1e-3 * max|expected|}; returns the error relative to that max. */
    static double assertGradient(String what, NDArray expected, NDArray actual) {
        float[] e = expected.toFloatArray();
        double max = 0;
        for (float v : e) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0, what + ": the reference gradient is all zero");
        double err = assertClose(what, expected, actual, 0, GRAD_FRACTION * max);
        System.out.printf("golden %-50s max|err| / max|grad| = %.3e%n", what, err / max);
        return err / max;
    }
}
