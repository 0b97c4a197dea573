package org.dckd.backbones.swinir;

import org.dckd.nn.TappedOutput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import org.dckd.checkpoint.BufferOwner;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.nn.MirrorPad;
import org.dckd.nn.TorchModule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SwinIR against the golden data computed with the official {@code network_swinir.py} (README section 1 of
 * {@code data/reference/golden/}): parameter names, shapes and counts, buffers, outputs for both padding conventions,
 * and per-module activations.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SwinIrGoldenTest {

    /** {@code light_x4}: the official lightweight x4 configuration. */
    static SwinIrConfig lightX4() {
        return SwinIrConfig.lightweight(4);
    }

    /** {@code small_classical_x2} of the golden README. */
    static SwinIrConfig smallClassicalX2() {
        return SwinIrConfig.builder().setScale(2).optImgSize(48).optWindowSize(8).optImgRange(1.0)
                .setDepths(2, 2).setEmbedDim(36).setNumHeads(6, 6).optMlpRatio(2)
                .setUpsampler(SwinIrConfig.Upsampler.PIXEL_SHUFFLE).build();
    }

    private NDManager manager;

    @BeforeAll
    void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    void closeManager() {
        manager.close();
    }

    private SwinIr loaded(SwinIrConfig config, Path checkpoint) throws IOException {
        SwinIr net = config.build();
        net.initialize(manager);
        StateDict sd = Checkpoints.read(checkpoint);
        WeightLoader.load(net, sd);
        return net;
    }

    private static Path lightCheckpoint() {
        return Golden.file("swinir_light_x4.pth");
    }

    private static Path smallCheckpoint() {
        return Golden.file("swinir_small_classical_x2_state_dict.npz");
    }

    // ---------------------------------------------------------------- structure

    @Test
    void lightX4ParameterCounts() {
        SwinIr net = lightX4().build();
        net.initialize(manager);
        assertEquals(929_628L, net.parameterCount());
        assertEquals(929_628L, net.parameterCount(true));
        assertEquals(897_228L, net.parameterCount(false));
    }

    @Test
    void smallClassicalX2ParameterCount() {
        SwinIr net = smallClassicalX2().build();
        net.initialize(manager);
        assertEquals(254_951L, net.parameterCount());
    }

    @Test
    void lightX4KeysAndShapesEqualOfficialStateDict() {
        assertKeysMatch(lightX4(), "swinir_light_x4_keys.tsv", 330, 36);
    }

    @Test
    void smallClassicalX2KeysAndShapesEqualOfficialStateDict() {
        assertKeysMatch(smallClassicalX2(), "swinir_small_classical_x2_keys.tsv", 70, 6);
    }

    private void assertKeysMatch(SwinIrConfig config, String tsv, int params, int buffers) {
        SwinIr net = config.build();
        net.initialize(manager);
        List<String> expectedParams = new ArrayList<>();
        List<String> expectedBuffers = new ArrayList<>();
        for (String[] row : Golden.keys(tsv)) {
            String entry = row[0] + " " + row[1].replace('x', ',');
            ("param".equals(row[4]) ? expectedParams : expectedBuffers).add(entry);
        }
        assertEquals(params, expectedParams.size());
        assertEquals(buffers, expectedBuffers.size());

        List<String> actualParams = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : TorchModule.parameters(net).entrySet()) {
            actualParams.add(e.getKey() + " " + shape(e.getValue().getArray().getShape().getShape()));
        }
        assertEquals(expectedParams, actualParams, "parameter keys and shapes, in state-dict order");

        List<String> actualBuffers = new ArrayList<>();
        BufferOwner.buffersOf(net).forEach((k, v) -> actualBuffers.add(k + " " + shape(v.shape())));
        assertEquals(expectedBuffers.stream().sorted().toList(), actualBuffers.stream().sorted().toList(), "buffers");
        assertTrue(BufferOwner.verifiedBuffersOf(net).stream().allMatch(k -> k.endsWith(".relative_position_index")));
        assertEquals(expectedBuffers.stream().filter(b -> b.contains("relative_position_index")).count(),
                BufferOwner.verifiedBuffersOf(net).size());
    }

    private static String shape(long[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ",").append(dims[i]);
        }
        return sb.toString();
    }

    @Test
    void derivedBuffersEqualStoredBuffers() throws IOException {
        SwinIr net = smallClassicalX2().build();
        net.initialize(manager);
        StateDict sd = Checkpoints.read(smallCheckpoint());
        Map<String, Tensor> buffers = BufferOwner.buffersOf(net);
        assertEquals(6, buffers.size());
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            Tensor stored = sd.get(e.getKey());
            Tensor derived = e.getValue();
            assertEquals(stored.dataType(), derived.dataType(), e.getKey());
            assertEquals(stored.data(), derived.data(), e.getKey() + ": values");
        }
        assertEquals(DataType.INT64,
                buffers.get("layers.0.residual_group.blocks.0.attn.relative_position_index").dataType());
    }

    // ---------------------------------------------------------------- outputs

    @Test
    void lightX4OutputsBothPaddingConventions() throws IOException {
        SwinIr reflect = loaded(lightX4(), lightCheckpoint());
        SwinIr mirror = loaded(lightX4().toBuilder().optPadding(SwinIrConfig.Padding.MIRROR_TEST).build(),
                lightCheckpoint());
        assertOutputs("light_x4", reflect, mirror, "swinir_light_x4_io.npz", "64x64");
    }

    @Test
    void smallClassicalX2OutputsBothPaddingConventions() throws IOException {
        SwinIr reflect = loaded(smallClassicalX2(), smallCheckpoint());
        SwinIr mirror = loaded(smallClassicalX2().toBuilder().optPadding(SwinIrConfig.Padding.MIRROR_TEST).build(),
                smallCheckpoint());
        assertOutputs("small_classical_x2", reflect, mirror, "swinir_small_classical_x2_io.npz", "48x48");
    }

    private void assertOutputs(String name, SwinIr reflect, SwinIr mirror, String npz, String imgSize) {
        try (NDManager m = manager.newSubManager()) {
            Map<String, NDArray> io = Golden.npz(m, npz);
            ParameterStore ps = new ParameterStore(m, false);
            // the model's own check_image_size (reflect; nothing to pad for multiples of 8)
            for (String size : List.of("24x32", "21x30")) {
                Golden.assertClose(name + " y_" + size + "_direct", io.get("y_" + size + "_direct"),
                        reflect.forward(ps, new NDList(io.get("x_" + size)), false).head());
            }
            for (String size : List.of("32x32", imgSize)) {
                Golden.assertClose(name + " y_" + size, io.get("y_" + size),
                        reflect.forward(ps, new NDList(io.get("x_" + size)), false).head());
            }
            // main_test_swinir.py: symmetric pad of a whole window's remainder, then crop
            for (String size : List.of("24x32", "21x30")) {
                NDArray x = io.get("x_" + size);
                SwinIrConfig.Padding p = SwinIrConfig.Padding.MIRROR_TEST;
                int padH = p.padFor((int) x.getShape().get(2), 8);
                int padW = p.padFor((int) x.getShape().get(3), 8);
                NDArray padded = MirrorPad.symmetric(MirrorPad.symmetric(x, 2, 0, padH), 3, 0, padW);
                assertEquals(0f, padded.sub(io.get("x_" + size + "_testpad")).abs().max().getFloat(), 0f,
                        "x_" + size + "_testpad");
                Golden.assertClose(name + " y_" + size + "_testpad", io.get("y_" + size + "_testpad"),
                        mirror.forward(ps, new NDList(io.get("x_" + size)), false).head());
            }
        }
    }

    // ---------------------------------------------------------------- intermediates

    @Test
    void lightX4Intermediates() throws IOException {
        assertIntermediates("light_x4", loaded(lightX4(), lightCheckpoint()), "swinir_light_x4_io.npz",
                "swinir_light_x4_intermediates_32x32.npz", 17);
    }

    @Test
    void smallClassicalX2Intermediates() throws IOException {
        assertIntermediates("small_classical_x2", loaded(smallClassicalX2(), smallCheckpoint()),
                "swinir_small_classical_x2_io.npz", "swinir_small_classical_x2_intermediates_32x32.npz", 13);
    }

    private void assertIntermediates(String name, SwinIr net, String io, String npz, int count) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = Golden.npz(m, io).get("x_32x32");
            Map<String, NDArray> expected = Golden.npz(m, npz);
            assertEquals(count, expected.size());
            TappedOutput f = net.forwardWithFeatures(new ParameterStore(m, false), x, false);
            for (Map.Entry<String, NDArray> e : expected.entrySet()) {
                NDArray tap = f.features().get(e.getKey());
                assertTrue(tap != null, name + ": no tap named " + e.getKey() + "; taps: " + f.features().keySet());
                Golden.assertClose(name + " " + e.getKey(), e.getValue(), tap);
            }
        }
    }
}
