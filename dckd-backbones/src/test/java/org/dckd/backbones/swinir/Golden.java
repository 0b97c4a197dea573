package org.dckd.backbones.swinir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.dckd.testing.SharedData;

/** Test access to the SwinIR golden files under {@code data/reference/golden/} of the shared data. */
final class Golden {

    static final String DIR = "data/reference/golden/";
    static final double RTOL = 1e-4;
    static final double ATOL = 1e-5;

    private Golden() {}

    static Path file(String name) {
        return SharedData.require(DIR + name);
    }

    /**
     * Every array of an {@code .npz} (float32, float64 or int64; C or Fortran order), by name, in {@code manager}.
     * DJL's own decoder rejects Fortran-order arrays, which {@code numpy.savez} writes for transposed tensors.
     */
    static Map<String, NDArray> npz(NDManager manager, String name) {
        return npz(manager, file(name));
    }

    /** Every array of an {@code .npz} file, as {@link #npz(NDManager, String)}. */
    static Map<String, NDArray> npz(NDManager manager, Path path) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                String key = entry.getName().endsWith(".npy")
                        ? entry.getName().substring(0, entry.getName().length() - 4)
                        : entry.getName();
                try (InputStream in = zip.getInputStream(entry)) {
                    out.put(key, npy(manager, in.readAllBytes(), path + ":" + entry.getName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path.toString(), e);
        }
        return out;
    }

    private static NDArray npy(NDManager manager, byte[] bytes, String where) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if ((bytes[0] & 0xff) != 0x93 || bytes[1] != 'N') {
            throw new IllegalArgumentException(where + ": not an .npy array");
        }
        int major = bytes[6];
        int headerLen = major == 1 ? (b.getShort(8) & 0xffff) : b.getInt(8);
        int dataStart = (major == 1 ? 10 : 12) + headerLen;
        String header = new String(bytes, major == 1 ? 10 : 12, headerLen, StandardCharsets.ISO_8859_1);
        Matcher descr = Pattern.compile("'descr':\\s*'([^']+)'").matcher(header);
        Matcher fortran = Pattern.compile("'fortran_order':\\s*(True|False)").matcher(header);
        Matcher shapeM = Pattern.compile("'shape':\\s*\\(([^)]*)\\)").matcher(header);
        if (!descr.find() || !fortran.find() || !shapeM.find()) {
            throw new IllegalArgumentException(where + ": bad .npy header " + header);
        }
        long[] shape = java.util.Arrays.stream(shapeM.group(1).split(",")).map(String::trim).filter(t -> !t.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        DataType type = switch (descr.group(1)) {
            case "<f4" -> DataType.FLOAT32;
            case "<f8" -> DataType.FLOAT64;
            case "<i8" -> DataType.INT64;
            default -> throw new IllegalArgumentException(where + ": unsupported dtype " + descr.group(1));
        };
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        if (!"True".equals(fortran.group(1)) || shape.length < 2) {
            return manager.create(data, new Shape(shape), type);
        }
        // Fortran order: reorder the elements to C order
        int size = type.getNumOfBytes();
        int n = Math.toIntExact(new Shape(shape).size());
        ByteBuffer c = ByteBuffer.allocate(n * size).order(ByteOrder.LITTLE_ENDIAN);
        int[] index = new int[shape.length];
        for (int i = 0; i < n; i++) {
            long offset = 0;
            long stride = 1;
            for (int k = 0; k < shape.length; k++) {
                offset += index[k] * stride;
                stride *= shape[k];
            }
            for (int j = 0; j < size; j++) {
                c.put(data.get((int) (offset * size) + j));
            }
            for (int k = shape.length - 1; k >= 0; k--) {
                if (++index[k] < shape[k]) {
                    break;
                }
                index[k] = 0;
            }
        }
        c.flip();
        return manager.create(c, new Shape(shape), type);
    }

    /** Rows of a {@code *_keys.tsv}: key, shape, dtype, numel, kind. */
    static List<String[]> keys(String name) {
        try {
            List<String> lines = Files.readAllLines(file(name));
            return lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).map(l -> l.split("\t")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts {@code |actual - expected| <= atol + rtol * |expected|} element-wise (numpy {@code allclose}) and returns
     * the largest absolute error.
     */
    static double assertClose(String what, NDArray expected, NDArray actual) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), what + ": shape");
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        double maxAbs = 0;
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) a[i] - e[i]);
            if (!(d <= maxAbs)) {
                maxAbs = d;
            }
            double excess = d - (ATOL + RTOL * Math.abs(e[i]));
            if (!(excess <= worstExcess)) {
                worstExcess = excess;
                worst = i;
            }
        }
        final int w = worst;
        assertTrue(w < 0, () -> what + ": element " + w + " is " + a[w] + ", expected " + e[w]);
        System.out.printf("golden %-55s max|err| = %.3e%n", what, maxAbs);
        return maxAbs;
    }
}
