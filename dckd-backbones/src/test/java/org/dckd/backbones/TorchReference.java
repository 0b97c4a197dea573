package org.dckd.backbones;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.nn.TorchModule;
import org.dckd.testing.SharedData;

/** Test support: official key listings, official weights and golden arrays. */
public final class TorchReference {

    private TorchReference() {}

    /**
     * The keys and shapes of {@code data/reference/keys/<name>.keys.tsv} (lines {@code key<TAB>dtype<TAB>[shape]},
     * comment lines start with {@code #}), with any {@code module.} prefix removed, in file order.
     */
    public static Map<String, List<Long>> officialKeys(String name) throws IOException {
        Path tsv = SharedData.require("data/reference/keys/" + name + ".keys.tsv");
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(tsv, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            String key = f[0].startsWith("module.") ? f[0].substring("module.".length()) : f[0];
            String dims = f[2].trim();
            dims = dims.substring(1, dims.length() - 1).trim();
            List<Long> shape = dims.isEmpty() ? List.of()
                    : Arrays.stream(dims.split(",")).map(s -> Long.parseLong(s.trim())).toList();
            out.put(key, shape);
        }
        return out;
    }

    /** The state-dict keys and shapes of an initialised block, in registration order. */
    public static Map<String, List<Long>> keys(Block block) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : TorchModule.parameters(block).entrySet()) {
            out.put(e.getKey(), Arrays.stream(e.getValue().getArray().getShape().getShape()).boxed().toList());
        }
        return out;
    }

    /** Asserts that the block's keys and shapes equal the official listing, in the same order. */
    public static void assertOfficialKeys(String name, Block block) throws IOException {
        Map<String, List<Long>> expected = officialKeys(name);
        Map<String, List<Long>> actual = keys(block);
        assertEquals(expected.keySet(), actual.keySet(), name + ": key set");
        assertEquals(expected, actual, name + ": shapes");
        assertArrayEquals(expected.keySet().toArray(), actual.keySet().toArray(), name + ": key order");
    }

    /**
     * Loads official weights ({@code data/weights/<relative>}) into an initialised block, removing a
     * {@code module.} prefix (DataParallel checkpoints).
     */
    public static void loadOfficial(Block block, String relative) throws IOException {
        StateDict sd = Checkpoints.read(SharedData.require("data/weights/" + relative)).stripPrefix("module.");
        WeightLoader.load(block, sd);
    }

    /** Reads the arrays of an {@code .npz} file by name into {@code manager}. */
    public static Map<String, NDArray> readNpz(NDManager manager, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return toMap(NDList.decode(manager, in));
        }
    }

    /** Reads the arrays of an {@code .npz} test resource by name into {@code manager}. */
    public static Map<String, NDArray> readNpzResource(NDManager manager, String resource) throws IOException {
        try (InputStream in = TorchReference.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            return toMap(NDList.decode(manager, in));
        }
    }

    private static Map<String, NDArray> toMap(NDList list) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (NDArray a : list) {
            out.put(a.getName(), a);
        }
        return out;
    }

    /** The largest absolute element difference of two arrays of equal shape. */
    public static float maxAbsDiff(NDArray actual, NDArray expected) {
        assertEquals(expected.getShape(), actual.getShape(), "shape");
        return actual.sub(expected).abs().max().getFloat();
    }

    /**
     * Asserts {@code |a - e| <= rtol |e| + atolScale max|e|} element-wise (the golden_esr README's tolerance form),
     * prints the largest difference, and returns it relative to {@code max |e|}.
     *
     * @param what the label of the printed line and of a failure
     * @param expected the golden array
     * @param actual the computed array
     * @param rtol the relative tolerance
     * @param atolScale the absolute tolerance as a fraction of {@code max |e|}
     * @return {@code max |a - e| / max |e|}
     */
    public static double assertGolden(String what, NDArray expected, NDArray actual, double rtol, double atolScale) {
        assertEquals(expected.getShape(), actual.getShape(), what + ": shape");
        double scale = expected.abs().max().getFloat();
        NDArray diff = actual.sub(expected).abs();
        NDArray bound = expected.abs().mul(rtol).add(atolScale * scale);
        boolean ok = diff.lte(bound).all().getBoolean();
        double rel = diff.max().getFloat() / scale;
        System.out.printf("%s: max |diff| %.3g, relative to max|e| %.3g%n", what, diff.max().getFloat(), rel);
        org.junit.jupiter.api.Assertions.assertTrue(ok, what + ": outside rtol " + rtol + " / atol " + atolScale
                + " x max|e| (max relative " + rel + ")");
        return rel;
    }
}
