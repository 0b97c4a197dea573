package org.dckd.backbones.rcan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.TorchReference;
import org.dckd.backbones.catalog.Backbones;
import org.dckd.nn.TappedOutput;
import org.dckd.nn.TorchModule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RCAN's presets at every scale, its upsampler layouts, input checks and gradients (no reference data needed). */
class RcanTest {

    @ParameterizedTest(name = "{0} x{1}")
    @CsvSource({"rcan, 2", "rcan, 3", "rcan_student, 2", "rcan_student, 3", "rcan_student, 4"})
    void presetsRunForwardWithTheRightOutputShape(String preset, int scale) {
        SrBackbone net = Backbones.preset(preset, scale).build();
        assertEquals(scale, net.scale());
        try (NDManager m = NDManager.newBaseManager()) {
            net.initialize(m);
            NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 11, 7));
            TappedOutput t = net.forwardWithFeatures(new ParameterStore(m, false), x, false);
            assertEquals(new Shape(2, 3, 11L * scale, 7L * scale), t.output().getShape());
            assertEquals(12, net.tapNames().size(), "head, block_1..block_10, body");
            assertEquals(net.tapNames(), List.copyOf(t.features().keySet()));
            assertEquals(new Shape(2, 64, 11, 7), t.feature("block_10").getShape());
            float[] y = t.output().toFloatArray();
            for (float v : y) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void theUpsamplerHasBasicSrsLayoutAtEveryScale() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, List<Long>> x3 = keys(3, m);
            assertEquals(List.of(72L, 8L, 3L, 3L), x3.get("upsample.0.weight"), "x3: one conv C -> 9C");
            assertFalse(x3.containsKey("upsample.2.weight"));
            Map<String, List<Long>> x2 = keys(2, m);
            assertEquals(List.of(32L, 8L, 3L, 3L), x2.get("upsample.0.weight"), "x2: one conv C -> 4C");
            assertFalse(x2.containsKey("upsample.2.weight"));
            Map<String, List<Long>> x8 = keys(8, m);
            assertEquals(List.of(32L, 8L, 3L, 3L), x8.get("upsample.4.weight"), "x8: three stages 0, 2, 4");
            assertTrue(keys(1, m).keySet().stream().noneMatch(k -> k.startsWith("upsample.")), "x1: no stage");
            assertEquals(List.of(3L, 8L, 3L, 3L), x3.get("conv_last.weight"));
        }
    }

    private static Map<String, List<Long>> keys(int scale, NDManager m) {
        Rcan net = tiny().withScale(scale).build();
        net.initialize(m);
        return TorchReference.keys(net);
    }

    /** 8 channels, 2 groups of 2 blocks, squeeze 4 (2 hidden channels). */
    private static RcanConfig tiny() {
        return RcanConfig.builder().setScale(2).optNumFeat(8).optNumGroup(2).optNumBlock(2).optSqueezeFactor(4)
                .build();
    }

    @Test
    void rejectsInputsThatAreNotRgbBatches() {
        try (NDManager m = NDManager.newBaseManager()) {
            Rcan net = tiny().build();
            net.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net.forward(ps, new NDList(m.zeros(new Shape(1, 1, 8, 8))), false));
            assertTrue(e.getMessage().contains("RCAN") && e.getMessage().contains("(1, 1, 8, 8)"), e.getMessage());
        }
    }

    /**
     * Backward through a tiny RCAN with {@code res_scale} 0.5: every parameter gets a finite, non-zero gradient, and a
     * loss on a tap reaches exactly the parameters upstream of it (a FAKD term on {@code block_1} trains
     * {@code conv_first} and {@code body.0}, nothing else).
     */
    @Test
    void everyParameterReceivesAFiniteNonZeroGradientAndTapsAreInTheGraph() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            Rcan net = tiny().toBuilder().optResScale(0.5).buildNetwork();
            net.initialize(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 9, 10));
            NDArray target = m.randomUniform(0, 1, new Shape(2, 3, 18, 20));
            Map<String, Parameter> params = TorchModule.parameters(net);
            assertEquals(2 + 2 * (2 * 8 + 2) + 2 + 2 + 2, params.size());
            // keep the attention's two hidden ReLUs alive: with random weights both may be off for the whole batch,
            // which legitimately leaves attention.1 without gradient
            params.forEach((k, p) -> {
                if (k.endsWith("attention.1.bias")) {
                    p.getArray().addi(1f);
                }
            });
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(net.forward(ps, new NDList(x), true).singletonOrThrow().sub(target).abs().mean());
            }
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                try (NDArray g = e.getValue().getArray().getGradient()) {
                    for (float v : g.toFloatArray()) {
                        assertTrue(Float.isFinite(v), e.getKey() + " has a non-finite gradient");
                    }
                    assertNotEquals(0f, g.abs().max().getFloat(), e.getKey() + " has a zero gradient");
                    g.subi(g); // gradients accumulate: start the next pass from zero
                }
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(net.forwardWithFeatures(ps, x, true).feature("block_1").mean());
            }
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                try (NDArray g = e.getValue().getArray().getGradient()) {
                    boolean upstream = e.getKey().startsWith("conv_first.") || e.getKey().startsWith("body.0.");
                    assertEquals(upstream, g.abs().max().getFloat() > 0, e.getKey());
                }
            }
        }
    }
}
