package org.dckd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;

import org.dckd.nn.TorchModule;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict and non-strict loading into a small DJL network. */
class WeightLoaderTest {

    @TempDir
    Path dir;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(11);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private static float[] values(TinyNet net, String key) {
        return TorchModule.parameters(net).get(key).getArray().toFloatArray();
    }

    /** The state dict written to and read back from a file, so that errors name a file. */
    private StateDict viaFile(StateDict sd, String name) throws IOException {
        Path file = dir.resolve(name);
        Checkpoints.writeSafetensors(sd, file);
        return Checkpoints.read(file);
    }

    @Test
    void exportedWeightsLoadIntoAFreshNetwork() throws IOException {
        TinyNet source = TinyNet.initialised(manager, false);
        TinyNet target = TinyNet.initialised(manager, false);
        StateDict sd = viaFile(StateDict.of(source), "tiny.safetensors");
        assertEquals(List.of("head.weight", "head.bias", "body.0.weight", "body.0.bias", "tail.weight", "tail.bias"),
                List.copyOf(sd.keys()));
        assertFalse(java.util.Arrays.equals(values(source, "head.weight"), values(target, "head.weight")));

        NDArray headBefore = TorchModule.parameters(target).get("head.weight").getArray();
        boolean hadGradient = headBefore.hasGradient();

        LoadReport report = WeightLoader.load(target, sd);

        NDArray headAfter = TorchModule.parameters(target).get("head.weight").getArray();
        assertTrue(headBefore == headAfter, "values are copied into the existing parameter array");
        assertEquals(hadGradient, headAfter.hasGradient(), "the parameter stays trainable");
        assertTrue(hadGradient);
        for (String key : sd.keys()) {
            assertArrayEquals(values(source, key), values(target, key), key);
        }
        assertEquals(6, report.loaded().size());
        assertTrue(report.isComplete());
        assertTrue(report.converted().isEmpty());
    }

    @Test
    void strictLoadingListsEveryProblemInOneException() throws IOException {
        TinyNet net = TinyNet.initialised(manager, false);
        float[] before = values(net, "head.weight");
        Map<String, Tensor> t = new LinkedHashMap<>(StateDict.of(net).tensors());
        t.remove("tail.bias");
        t.remove("head.bias");
        t.put("extra.weight", Tensor.ofFloats(new long[] {2, 2}, new float[4]));
        t.put("body.0.weight", Tensor.ofFloats(new long[] {8, 4, 3, 3}, new float[8 * 4 * 9]));
        t.put("head.weight", Tensor.ofFloats(new long[] {4, 3, 3, 3}, new float[4 * 27]));
        StateDict sd = viaFile(new StateDict(t, null), "broken.safetensors");

        StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                () -> WeightLoader.load(net, sd));

        assertEquals(List.of("head.bias", "tail.bias"), e.missingKeys());
        assertEquals(List.of("extra.weight"), e.unexpectedKeys());
        assertEquals(1, e.shapeMismatches().size());
        assertEquals("body.0.weight", e.shapeMismatches().get(0).key());
        assertEquals(List.of(4L, 4L, 3L, 3L), e.shapeMismatches().get(0).expected());
        assertEquals(List.of(8L, 4L, 3L, 3L), e.shapeMismatches().get(0).found());
        String m = e.getMessage();
        assertTrue(m.startsWith(sd.source() + ": the state dict does not fit the block (strict loading): "
                + "2 missing, 1 unexpected, 1 shape mismatch"), m);
        assertTrue(m.contains("\n    head.bias  [4]") && m.contains("\n    tail.bias  [3]"), m);
        assertTrue(m.contains("\n    extra.weight  [2, 2]"), m);
        assertTrue(m.contains("\n    body.0.weight  block [4, 4, 3, 3], checkpoint [8, 4, 3, 3]"), m);
        assertArrayEquals(before, values(net, "head.weight"), "nothing may be loaded when the check fails");
    }

    @Test
    void nonStrictLoadingReportsMissingAndUnexpectedKeys() throws IOException {
        TinyNet source = TinyNet.initialised(manager, false);
        TinyNet target = TinyNet.initialised(manager, false);
        float[] tailBefore = values(target, "tail.weight");
        Map<String, Tensor> t = new LinkedHashMap<>(StateDict.of(source).tensors());
        t.remove("tail.weight");
        t.put("num_batches_tracked", Tensor.ofFloats(new long[0], new float[] {3}));

        LoadReport report = WeightLoader.builder().optStrict(false).build().loadInto(target, new StateDict(t, null));

        assertEquals(List.of("tail.weight"), report.missing());
        assertEquals(List.of("num_batches_tracked"), report.unexpected());
        assertEquals(5, report.loaded().size());
        assertArrayEquals(values(source, "head.weight"), values(target, "head.weight"));
        assertArrayEquals(tailBefore, values(target, "tail.weight"));
        assertFalse(report.isComplete());

        t.put("tail.weight", Tensor.ofFloats(new long[] {3, 4, 3, 3}, new float[3 * 4 * 9]));
        StateDict wrongShape = new StateDict(t, null);
        assertThrows(StateDictMismatchException.class,
                () -> WeightLoader.builder().optStrict(false).build().loadInto(target, wrongShape),
                "a shape mismatch is an error even when not strict");
    }

    @Test
    void ignoredKeysKeepTheirInitialValues() {
        TinyNet source = TinyNet.initialised(manager, false);
        TinyNet target = TinyNet.initialised(manager, false);
        float[] tailBefore = values(target, "tail.weight");
        StateDict sd = StateDict.of(source).filter(k -> !k.startsWith("tail."));

        LoadReport report = WeightLoader.builder().optIgnoredKeys(k -> k.startsWith("tail.")).build()
                .loadInto(target, sd);

        assertTrue(report.ignored().containsKey("tail.weight"));
        assertArrayEquals(tailBefore, values(target, "tail.weight"));
        assertArrayEquals(values(source, "body.0.bias"), values(target, "body.0.bias"));
    }

    @Test
    void lowerPrecisionCheckpointsAreConverted() {
        TinyNet source = TinyNet.initialised(manager, false);
        TinyNet target = TinyNet.initialised(manager, false);
        Map<String, Tensor> half = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : TorchModule.parameters(source).entrySet()) {
            NDArray h = e.getValue().getArray().toType(DataType.FLOAT16, false);
            half.put(e.getKey(), Tensor.of(h));
        }
        half.put("body.0.bias", Tensor.of(TorchModule.parameters(source).get("body.0.bias").getArray()
                .toType(DataType.FLOAT64, false)));

        LoadReport report = WeightLoader.load(target, new StateDict(half, null));

        assertEquals("float16 -> float32", report.converted().get("head.weight"));
        assertEquals("float64 -> float32", report.converted().get("body.0.bias"));
        float[] want = half.get("head.weight").toFloatArray();
        assertArrayEquals(want, values(target, "head.weight"));
        assertArrayEquals(values(source, "body.0.bias"), values(target, "body.0.bias"));
        assertEquals(DataType.FLOAT32, TorchModule.parameters(target).get("head.weight").getArray().getDataType());
    }

    @Test
    void buffersAreCheckedNotLoaded() {
        TinyNet net = TinyNet.initialised(manager, true);
        Map<String, Tensor> t = new LinkedHashMap<>(StateDict.of(net).tensors());
        assertTrue(t.containsKey("attn.relative_position_index"));
        // trained with a larger image: 9 windows instead of 1
        t.put("attn.attn_mask", Tensor.ofFloats(new long[] {9, 4, 4}, new float[9 * 16]));
        t.put("other.attn_mask", Tensor.ofFloats(new long[] {2, 4, 4}, new float[32]));

        LoadReport report = WeightLoader.load(net, new StateDict(t, null));

        assertEquals(List.of("attn.relative_position_index"), report.checkedBuffers());
        assertTrue(report.ignored().get("attn.attn_mask").contains("9 windows"), report.ignored().toString());
        assertTrue(report.ignored().containsKey("other.attn_mask"));
        assertTrue(report.isComplete());

        // omitting buffers is fine
        Map<String, Tensor> noBuffers = new LinkedHashMap<>(t);
        noBuffers.keySet().removeIf(k -> k.startsWith("attn.") || k.startsWith("other."));
        assertTrue(WeightLoader.load(net, new StateDict(noBuffers, null)).checkedBuffers().isEmpty());

        // a wrong index table or mask geometry is refused
        Map<String, Tensor> bad = new LinkedHashMap<>(t);
        float[] idx = new float[16];
        idx[5] = 7;
        bad.put("attn.relative_position_index", Tensor.ofFloats(new long[] {4, 4}, idx));
        bad.put("attn.attn_mask", Tensor.ofFloats(new long[] {9, 5, 5}, new float[9 * 25]));
        StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                () -> WeightLoader.load(net, new StateDict(bad, null)));
        assertEquals(1, e.valueMismatches().size());
        assertTrue(e.getMessage().contains("attn.relative_position_index: values differ"), e.getMessage());
        assertTrue(e.getMessage().contains("attn.attn_mask  block [1, 4, 4], checkpoint [9, 5, 5]"), e.getMessage());
    }

    @Test
    void checkpointOfAnotherArchitectureGetsAHint() throws IOException {
        TinyNet net = TinyNet.initialised(manager, false);
        StateDict rlfn = Checkpoints.read(SharedData.require("data/weights/rlfn_official/rlfn_x4.pth"));

        StateDictMismatchException e = assertThrows(StateDictMismatchException.class, () -> WeightLoader.load(net,
                rlfn));

        assertEquals(6, e.missingKeys().size());
        assertEquals(114, e.unexpectedKeys().size());
        assertTrue(e.getMessage().contains("hint: only 0 of the block's 6 parameters match"), e.getMessage());
        assertTrue(e.getMessage().contains("probably for another architecture"), e.getMessage());
        assertTrue(e.getMessage().contains("Its keys look like RLFN (official keys conv_1, block_N"),
                e.getMessage());
    }

    @Test
    void renamedCheckpointGetsAMappingHint() {
        TinyNet net = TinyNet.initialised(manager, false);
        StateDict renamed = StateDict.of(net).renameKeys(k -> k.replace("head.", "conv_first.")
                .replace("body.0.", "trunk.0.").replace("tail.", "conv_last."));

        StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                () -> WeightLoader.load(net, renamed));

        assertTrue(e.getMessage().contains("same network with other key names"), e.getMessage());
        assertTrue(e.getMessage().contains("6 keys differ, e.g. conv_first.weight -> head.weight, "
                + "conv_first.bias -> head.bias"), e.getMessage());
        LoadReport report = WeightLoader.builder()
                .optKeyMapping(KeyMapping.identity().renamePrefix("conv_first.", "head.")
                        .renamePrefix("trunk.", "body.").renamePrefix("conv_last.", "tail."))
                .build().loadInto(net, renamed);
        assertEquals(6, report.loaded().size());
    }

    @Test
    void uninitialisedBlockIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> WeightLoader.load(new TinyNet(false), new StateDict(Map.of(), null)));
        assertTrue(e.getMessage().contains("not initialised"), e.getMessage());
    }
}
