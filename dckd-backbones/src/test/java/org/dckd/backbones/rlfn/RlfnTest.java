package org.dckd.backbones.rlfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.dckd.nn.TappedOutput;
import org.dckd.nn.TorchModule;
import org.dckd.backbones.TorchReference;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;

class RlfnTest {

    private static final float TOLERANCE = 1e-4f;

    private static Rlfn initialised(RlfnConfig config, NDManager manager) {
        Rlfn net = config.build();
        net.initialize(manager);
        return net;
    }

    @Test
    void parameterCountsEqualTheOfficialOnes() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(543_740, initialised(RlfnConfig.rlfn(4), m).parameterCount());
            assertEquals(526_856, initialised(RlfnConfig.rlfn(2), m).parameterCount());
            assertEquals(470_208, initialised(RlfnConfig.rlfnS(4), m).parameterCount());
            assertEquals(454_620, initialised(RlfnConfig.rlfnS(2), m).parameterCount());
            assertEquals(317_218, initialised(RlfnConfig.rlfnNtire(4), m).parameterCount());
        }
    }

    @Test
    void keysAndShapesEqualTheOfficialCheckpoints() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchReference.assertOfficialKeys("rlfn_x4", initialised(RlfnConfig.rlfn(4), m));
            TorchReference.assertOfficialKeys("rlfn_x2", initialised(RlfnConfig.rlfn(2), m));
            TorchReference.assertOfficialKeys("rlfn_s_x4", initialised(RlfnConfig.rlfnS(4), m));
            TorchReference.assertOfficialKeys("rlfn_s_x2", initialised(RlfnConfig.rlfnS(2), m));
            TorchReference.assertOfficialKeys("rlfn_ntire_x4", initialised(RlfnConfig.rlfnNtire(4), m));
        }
    }

    @Test
    void officialWeightsReproduceTheGoldenX4Outputs() throws Exception {
        assertGoldenX4("rlfn_x4", RlfnConfig.rlfn(4), "rlfn_official/rlfn_x4.pth");
        assertGoldenX4("rlfn_s_x4", RlfnConfig.rlfnS(4), "rlfn_official/rlfn_s_x4.pth");
        assertGoldenX4("rlfn_ntire_x4", RlfnConfig.rlfnNtire(4), "rlfn_official/rlfn_ntire_x4.pth");
    }

    private static void assertGoldenX4(String name, RlfnConfig config, String weights) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> golden = TorchReference.readNpz(m,
                    SharedData.require("data/reference/golden_tensors_x4.npz"));
            Rlfn net = initialised(config, m);
            TorchReference.loadOfficial(net, weights);
            NDArray x = golden.get("input_butterflyx4_crop24_range01");
            NDArray y = net.forward(new ParameterStore(m, false), new NDList(x.mul(255f)), false)
                    .singletonOrThrow().div(255f);
            float err = TorchReference.maxAbsDiff(y, golden.get("output_" + name));
            System.out.printf("golden x4 %s: max abs error %.3g%n", name, err);
            assertTrue(err < TOLERANCE, name + ": max abs error " + err);
        }
    }

    @Test
    void oddSizedInputMatchesPyTorch() throws Exception {
        assertOddSize("rlfn_s_x2", RlfnConfig.rlfnS(2), "rlfn_official/rlfn_s_x2.pth", true);
        assertOddSize("rlfn_x4", RlfnConfig.rlfn(4), "rlfn_official/rlfn_x4.pth", false);
        assertOddSize("rlfn_s_x4", RlfnConfig.rlfnS(4), "rlfn_official/rlfn_s_x4.pth", false);
        assertOddSize("rlfn_ntire_x4", RlfnConfig.rlfnNtire(4), "rlfn_official/rlfn_ntire_x4.pth", false);
    }

    /** Checks output (x4: subsampled [::3, ::3] as stored) and, if {@code taps}, the per-channel tap means. */
    private static void assertOddSize(String name, RlfnConfig config, String weights, boolean taps) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> golden = TorchReference.readNpzResource(m, "/golden/backbones_odd_size.npz");
            Rlfn net = initialised(config, m);
            TorchReference.loadOfficial(net, weights);
            NDArray x = golden.get("input");
            assertEquals(new Shape(1, 3, 25, 37), x.getShape());
            TappedOutput t = net.forwardWithFeatures(new ParameterStore(m, false), x.mul(255f), false);
            NDArray y = t.output().div(255f);
            assertEquals(new Shape(1, 3, 25L * config.scale(), 37L * config.scale()), y.getShape());
            if (config.scale() == 4) {
                y = y.get(new NDIndex(":, :, ::3, ::3"));
            }
            float err = TorchReference.maxAbsDiff(y, golden.get("out_" + name));
            System.out.printf("odd-size %s: max abs error %.3g%n", name, err);
            assertTrue(err < TOLERANCE, name + ": max abs error " + err);
            if (taps) {
                assertEquals(net.tapNames(), List.copyOf(t.features().keySet()));
                for (String tap : net.tapNames()) {
                    NDArray expected = golden.get("tapmean_" + name + "_" + tap);
                    NDArray mean = t.feature(tap).mean(new int[] {3}).mean(new int[] {2}).mean(new int[] {0});
                    float scale = Math.max(1f, expected.abs().max().getFloat());
                    float tapErr = TorchReference.maxAbsDiff(mean, expected) / scale;
                    assertTrue(tapErr < TOLERANCE, name + " tap " + tap + ": relative error " + tapErr);
                }
            }
        }
    }

    @Test
    void rejectsInputsBelowTheMinimumSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            Rlfn net = initialised(new RlfnConfig(2, 8, 8, 1, 4, 255f), m);
            assertEquals(15, net.minInputSize());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray ok = m.randomUniform(0, 255, new Shape(1, 3, 15, 15));
            assertEquals(new Shape(1, 3, 30, 30), net.forward(ps, new NDList(ok), false).singletonOrThrow().getShape());
            NDArray small = m.randomUniform(0, 255, new Shape(1, 3, 14, 20));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net.forward(ps, new NDList(small), false));
            assertTrue(e.getMessage().contains("15"), e.getMessage());
        }
    }

    /**
     * Backward through a tiny random RLFN: every parameter gets a finite, non-zero gradient, and the tapped forward
     * pass yields the same gradients as the plain one (the gradients of the second pass accumulate onto the first), and
     * a loss on a tap reaches exactly the parameters upstream of it.
     */
    @Test
    void everyParameterReceivesAFiniteNonZeroGradient() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            Rlfn net = initialised(new RlfnConfig(2, 8, 6, 2, 4, 1f), m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 16, 17));
            NDArray target = m.randomUniform(0, 1, new Shape(2, 3, 32, 34));
            Map<String, Parameter> params = TorchModule.parameters(net);
            assertEquals(2 + 2 * 18 + 2 + 2, params.size());

            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = net.forward(ps, new NDList(x), true).singletonOrThrow();
                gc.backward(y.sub(target).abs().mean());
            }
            Map<String, float[]> first = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                try (NDArray g = e.getValue().getArray().getGradient()) {
                    float[] values = g.toFloatArray();
                    for (float v : values) {
                        assertTrue(Float.isFinite(v), e.getKey() + " has a non-finite gradient");
                    }
                    assertNotEquals(0f, g.abs().max().getFloat(), e.getKey() + " has a zero gradient");
                    first.put(e.getKey(), values);
                }
            }

            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                TappedOutput t = net.forwardWithFeatures(ps, x, true);
                gc.backward(t.output().sub(target).abs().mean());
            }
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                try (NDArray g = e.getValue().getArray().getGradient()) {
                    float[] total = g.toFloatArray();
                    float[] once = first.get(e.getKey());
                    for (int i = 0; i < total.length; i++) {
                        assertEquals(2 * once[i], total[i], 1e-5f * Math.max(1f, Math.abs(once[i])),
                                e.getKey() + "[" + i + "]: tapped pass gives another gradient");
                    }
                }
            }

            // a tap is part of the graph: a loss on block_1 reaches conv_1 and block_1 but not block_2
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(net.forwardWithFeatures(ps, x, true).feature("block_1").mean());
            }
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                try (NDArray g = e.getValue().getArray().getGradient()) {
                    float[] total = g.toFloatArray();
                    float[] once = first.get(e.getKey());
                    float change = 0;
                    for (int i = 0; i < total.length; i++) {
                        change = Math.max(change, Math.abs(total[i] - 2 * once[i]));
                    }
                    boolean upstream = e.getKey().startsWith("conv_1.") || e.getKey().startsWith("block_1.");
                    assertEquals(upstream, change > 1e-6f, e.getKey() + ": gradient change " + change);
                }
            }
        }
    }
}
