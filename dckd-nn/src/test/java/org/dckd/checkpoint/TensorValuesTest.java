package org.dckd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tensor values: every dtype, views and byte orders, and real checkpoints against independent references. */
class TensorValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"dtypes_zip.pth", "dtypes_legacy.pth", "dtypes_bigendian.pth"})
    void everyDtypeViewAndStorageLayoutMatchesTorch(String name) throws IOException {
        Path file = Fixtures.resource(name);
        JsonNode expected = JSON.readTree(Fixtures.resource("dtypes_expected.json").toFile());
        StateDict sd = Checkpoints.read(file);

        List<String> keys = new ArrayList<>();
        expected.fieldNames().forEachRemaining(keys::add);
        assertEquals(keys, new ArrayList<>(sd.keys()));
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Tensor t = sd.get(e.getKey());
            JsonNode spec = e.getValue();
            assertEquals(torchType(spec.get("dtype").asText()), t.dataType(), e.getKey());
            long[] shape = new long[spec.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = spec.get("shape").get(i).asLong();
            }
            assertArrayEquals(shape, t.shape(), e.getKey());
            double[] values = t.toDoubleArray();
            assertEquals(spec.get("values").size(), values.length, e.getKey());
            for (int i = 0; i < values.length; i++) {
                JsonNode v = spec.get("values").get(i);
                double want = v.isIntegralNumber() ? (double) v.asLong() : v.asDouble();
                assertEquals(want, values[i], e.getKey() + "[" + i + "]"); // bit-exact, -0.0 included
            }
        }
        // int64 above 2^32 survives exactly
        assertEquals(1L << 40, sd.get("i64").data().getLong(2 * 8));
        // a non-contiguous source was materialised C-contiguous: transposed[i][j] = base[j][i] = 4 j + i
        assertEquals(4f * 2 + 1, sd.get("transposed").toFloatArray()[1 * 3 + 2]);
    }

    private static DataType torchType(String name) {
        return switch (name) {
            case "bool" -> DataType.BOOLEAN;
            default -> DataType.valueOf(name.toUpperCase());
        };
    }

    @Test
    void legacyAndRenamedCheckpointsMatchPyTorchDigests() throws IOException {
        JsonNode digests = JSON.readTree(Fixtures.resource("real_checkpoint_digests.json").toFile());
        for (Iterator<Map.Entry<String, JsonNode>> files = digests.fields(); files.hasNext(); ) {
            Map.Entry<String, JsonNode> f = files.next();
            StateDict sd = Checkpoints.read(SharedData.require("data/" + f.getKey()));
            int n = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = f.getValue().fields(); it.hasNext(); n++) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey().startsWith("module.") ? e.getKey().substring(7) : e.getKey();
                double[] v = sd.get(key).toDoubleArray();
                double sum = 0;
                for (double x : v) {
                    sum += x;
                }
                double want = e.getValue().get("sum").asDouble();
                assertEquals(want, sum, 1e-9 * Math.max(1, Math.abs(want)) + 1e-9, f.getKey() + " " + key);
                for (int i = 0; i < e.getValue().get("first4").size(); i++) {
                    assertEquals(e.getValue().get("first4").get(i).asDouble(), v[i], f.getKey() + " " + key);
                }
            }
            assertEquals(n, sd.size(), f.getKey());
        }
    }

    @Test
    void swinIrPthIsBitIdenticalToItsNpz() throws IOException {
        StateDict pth = Checkpoints.read(SharedData.require("data/reference/golden/swinir_small_classical_x2.pth"));
        Path npzFile = SharedData.require("data/reference/golden/swinir_small_classical_x2_state_dict.npz");
        StateDict npz = Checkpoints.read(npzFile);

        assertEquals(CheckpointFormat.NPZ, Checkpoints.detectFormat(npzFile));
        assertEquals(76, pth.size());
        assertEquals(new ArrayList<>(npz.keys()), new ArrayList<>(pth.keys()));
        for (String key : pth.keys()) {
            assertTrue(pth.get(key).contentEquals(npz.get(key)), key);
        }
        Tensor index = pth.get("layers.0.residual_group.blocks.0.attn.relative_position_index");
        assertEquals(DataType.INT64, index.dataType());
        assertArrayEquals(new long[] {64, 64}, index.shape());
        // offset (dy + 7) * 15 + (dx + 7): 112 on the diagonal, 224 at [63, 0] (dy = dx = 7), 0 at [0, 63]
        assertEquals(112L, index.data().getLong(0));
        assertEquals(224L, index.data().getLong(63 * 64 * 8));
        assertEquals(0L, index.data().getLong(63 * 8));
    }

    @Test
    void plainJavaNpzReaderAgreesWithDjl() throws IOException {
        Path npzFile = SharedData.require("data/reference/golden/swinir_small_classical_x2_state_dict.npz");
        StateDict ours = Checkpoints.read(npzFile);
        try (NDManager manager = NDManager.newBaseManager(); InputStream in = Files.newInputStream(npzFile)) {
            NDList list = NDList.decode(manager, in);
            assertEquals(ours.size(), list.size());
            for (NDArray a : list) {
                assertTrue(Tensor.of(a).contentEquals(ours.get(a.getName())), a.getName());
            }
        }
    }
}
