package org.dckd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ai.djl.ndarray.types.DataType;

import org.dckd.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PyTorch checkpoint in the shared data reads with the keys, dtypes and shapes recorded in its key listing, and
 * its parameter count equals the figure of docs/architectures.md (or golden/README.md).
 */
class RealCheckpointsTest {

    /** One expected state-dict entry. */
    record Entry(String key, DataType dataType, long[] shape, boolean isParameter) {}

    static Stream<Arguments> checkpoints() {
        return Stream.of(
                Arguments.of("weights/imdn_official/IMDN_x2.pth", "reference/keys/IMDN_x2.keys.tsv", 694_404L),
                Arguments.of("weights/imdn_official/IMDN_x3.pth", "reference/keys/IMDN_x3.keys.tsv", 703_059L),
                Arguments.of("weights/imdn_official/IMDN_x4.pth", "reference/keys/IMDN_x4.keys.tsv", 715_176L),
                Arguments.of("weights/ntire2022_esr/imdn_baseline.pth", "reference/keys/imdn_baseline.keys.tsv",
                        893_936L),
                Arguments.of("weights/ntire2022_esr/team04_rlfn.pth", "reference/keys/team04_rlfn.keys.tsv",
                        317_218L),
                Arguments.of("weights/rlfn_official/rlfn_ntire_x4.pth", "reference/keys/rlfn_ntire_x4.keys.tsv",
                        317_218L),
                Arguments.of("weights/rlfn_official/rlfn_s_x2.pth", "reference/keys/rlfn_s_x2.keys.tsv", 454_620L),
                Arguments.of("weights/rlfn_official/rlfn_s_x4.pth", "reference/keys/rlfn_s_x4.keys.tsv", 470_208L),
                Arguments.of("weights/rlfn_official/rlfn_x2.pth", "reference/keys/rlfn_x2.keys.tsv", 526_856L),
                Arguments.of("weights/rlfn_official/rlfn_x4.pth", "reference/keys/rlfn_x4.keys.tsv", 543_740L),
                Arguments.of("reference/golden/swinir_light_x4.pth", "reference/golden/swinir_light_x4_keys.tsv",
                        929_628L),
                Arguments.of("reference/golden/swinir_small_classical_x2.pth",
                        "reference/golden/swinir_small_classical_x2_keys.tsv", 254_951L),
                Arguments.of("reference/golden/dckd_small_vqgan.pth", "reference/golden/dckd_small_vqgan_keys.tsv",
                        2_387_264L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void readsKeysDtypesShapesAndParameterCount(String checkpoint, String listing, long parameters)
            throws IOException {
        Path file = SharedData.require("data/" + checkpoint);
        List<Entry> expected = parseListing(SharedData.require("data/" + listing));

        StateDict sd = Checkpoints.read(file);

        assertEquals(file, sd.source());
        assertEquals(expected.stream().map(Entry::key).toList(), new ArrayList<>(sd.keys()),
                "keys (in file order) of " + checkpoint);
        long counted = 0;
        for (Entry e : expected) {
            Tensor t = sd.get(e.key());
            assertEquals(e.dataType(), t.dataType(), e.key());
            assertArrayEquals(e.shape(), t.shape(), e.key());
            assertEquals(t.numel() * t.dataType().getNumOfBytes(), t.data().remaining(), e.key());
            if (e.isParameter()) {
                counted += t.numel();
            }
        }
        assertEquals(parameters, counted, "parameter count of " + checkpoint);
        CheckpointFormat format = Checkpoints.detectFormat(file);
        String header = Files.readAllLines(SharedData.require("data/" + listing)).get(0);
        if (header.contains("format=legacy")) {
            assertEquals(CheckpointFormat.TORCH_LEGACY, format);
        } else {
            assertEquals(CheckpointFormat.TORCH_ZIP, format);
        }
    }

    /**
     * Reads either listing format: {@code reference/keys/*.keys.tsv} ({@code ## path format=.. tensors=.. params=..}
     * then {@code key, f4|i8, [a, b]}, raw keys with any {@code module.} prefix), or the golden listings (header
     * {@code key shape dtype numel [kind]}, shapes {@code AxB}).
     */
    static List<Entry> parseListing(Path listing) throws IOException {
        List<String> lines = Files.readAllLines(listing);
        List<Entry> out = new ArrayList<>();
        if (lines.get(0).startsWith("##")) {
            String header = lines.get(0);
            int tensors = Integer.parseInt(header.replaceAll(".*tensors=(\\d+).*", "$1"));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t");
                String dims = f[2].replaceAll("[\\[\\]\\s]", "");
                long[] shape = dims.isEmpty() ? new long[0]
                        : Arrays.stream(dims.split(",")).mapToLong(Long::parseLong).toArray();
                out.add(new Entry(f[0], numpyType(f[1]), shape, true));
            }
            assertEquals(tensors, out.size(), "tensor count in the header of " + listing);
            if (out.stream().allMatch(e -> e.key().startsWith("module."))) {
                out.replaceAll(e -> new Entry(e.key().substring("module.".length()), e.dataType(), e.shape(), true));
            }
        } else {
            List<String> columns = List.of(lines.get(0).split("\t"));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t");
                long[] shape = f[1].isEmpty() ? new long[0]
                        : Arrays.stream(f[1].split("x")).mapToLong(Long::parseLong).toArray();
                boolean isParameter = !columns.contains("kind") || f[columns.indexOf("kind")].equals("param");
                out.add(new Entry(f[0], DataType.valueOf(f[2].toUpperCase()), shape, isParameter));
                assertEquals(Long.parseLong(f[3]), Arrays.stream(shape).reduce(1, (a, b) -> a * b), f[0]);
            }
        }
        return out;
    }

    private static DataType numpyType(String code) {
        return Map.of("f4", DataType.FLOAT32, "f8", DataType.FLOAT64, "f2", DataType.FLOAT16, "i8", DataType.INT64,
                "i4", DataType.INT32, "u1", DataType.UINT8, "b1", DataType.BOOLEAN).get(code);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void everyTensorIsFinite(String checkpoint, String listing, long parameters) throws IOException {
        StateDict sd = Checkpoints.read(SharedData.require("data/" + checkpoint));
        for (Map.Entry<String, Tensor> e : sd.tensors().entrySet()) {
            for (float v : e.getValue().toFloatArray()) {
                assertTrue(Float.isFinite(v), checkpoint + " " + e.getKey());
            }
        }
    }
}
