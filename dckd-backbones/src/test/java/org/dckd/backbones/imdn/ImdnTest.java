package org.dckd.backbones.imdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.SrBackbone;
import org.dckd.nn.TappedNetwork;
import org.dckd.nn.TappedOutput;
import org.dckd.backbones.TorchReference;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;

/** The official IMDN and the NTIRE 2022 IMDN baseline against the official weights and PyTorch. */
class ImdnTest {

    private static final float TOLERANCE = 1e-4f;

    private static <T extends SrBackbone> T initialised(T net, NDManager manager) {
        net.initialize(manager);
        return net;
    }

    @Test
    void parameterCountsEqualTheOfficialOnes() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(715_176, initialised(ImdnConfig.official(4).build(), m).parameterCount());
            assertEquals(703_059, initialised(ImdnConfig.official(3).build(), m).parameterCount());
            assertEquals(694_404, initialised(ImdnConfig.official(2).build(), m).parameterCount());
            assertEquals(893_936, initialised(ImdnBaselineConfig.ntire2022(4).build(), m).parameterCount());
        }
    }

    @Test
    void keysAndShapesEqualTheOfficialCheckpoints() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchReference.assertOfficialKeys("IMDN_x4", initialised(ImdnConfig.official(4).build(), m));
            TorchReference.assertOfficialKeys("IMDN_x3", initialised(ImdnConfig.official(3).build(), m));
            TorchReference.assertOfficialKeys("IMDN_x2", initialised(ImdnConfig.official(2).build(), m));
            TorchReference.assertOfficialKeys("imdn_baseline",
                    initialised(ImdnBaselineConfig.ntire2022(4).build(), m));
        }
    }

    @Test
    void officialWeightsReproduceTheGoldenX4Outputs() throws Exception {
        assertGoldenX4("IMDN_x4", ImdnConfig.official(4).build(), "imdn_official/IMDN_x4.pth");
        assertGoldenX4("imdn_baseline", ImdnBaselineConfig.ntire2022(4).build(), "ntire2022_esr/imdn_baseline.pth");
    }

    private static void assertGoldenX4(String name, SrBackbone net, String weights) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> golden = TorchReference.readNpz(m,
                    SharedData.require("data/reference/golden_tensors_x4.npz"));
            initialised(net, m);
            TorchReference.loadOfficial(net, weights);
            NDArray x = golden.get("input_butterflyx4_crop24_range01");
            NDArray y = net.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
            float err = TorchReference.maxAbsDiff(y, golden.get("output_" + name));
            System.out.printf("golden x4 %s: max abs error %.3g%n", name, err);
            assertTrue(err < TOLERANCE, name + ": max abs error " + err);
        }
    }

    @Test
    void oddSizedInputMatchesPyTorch() throws Exception {
        assertOddSize("IMDN_x3", ImdnConfig.official(3).build(), "imdn_official/IMDN_x3.pth");
        assertOddSize("IMDN_x4", ImdnConfig.official(4).build(), "imdn_official/IMDN_x4.pth");
        assertOddSize("imdn_baseline", ImdnBaselineConfig.ntire2022(4).build(), "ntire2022_esr/imdn_baseline.pth");
    }

    /** Output (x4: subsampled [::3, ::3] as stored) and, where stored, the per-channel means of every tap. */
    private static <T extends SrBackbone & TappedNetwork> void assertOddSize(String name, T net, String weights)
            throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> golden = TorchReference.readNpzResource(m, "/golden/backbones_odd_size.npz");
            initialised(net, m);
            TorchReference.loadOfficial(net, weights);
            NDArray x = golden.get("input");
            TappedOutput t = net.forwardWithFeatures(new ParameterStore(m, false), x, false);
            NDArray y = t.output();
            assertEquals(new Shape(1, 3, 25L * net.scale(), 37L * net.scale()), y.getShape());
            if (net.scale() == 4) {
                y = y.get(new NDIndex(":, :, ::3, ::3"));
            }
            float err = TorchReference.maxAbsDiff(y, golden.get("out_" + name));
            System.out.printf("odd-size %s: max abs error %.3g%n", name, err);
            assertTrue(err < TOLERANCE, name + ": max abs error " + err);
            assertEquals(net.tapNames(), List.copyOf(t.features().keySet()));
            for (String tap : net.tapNames()) {
                NDArray expected = golden.get("tapmean_" + name + "_" + tap);
                if (expected == null) {
                    continue;
                }
                NDArray mean = t.feature(tap).mean(new int[] {3}).mean(new int[] {2}).mean(new int[] {0});
                float tapErr = TorchReference.maxAbsDiff(mean, expected);
                assertTrue(tapErr < TOLERANCE, name + " tap " + tap + ": max abs error " + tapErr);
            }
        }
    }

    @Test
    void tapsAreNamedHeadBlocksBody() {
        Imdn imdn = ImdnConfig.official(2).build();
        assertEquals(List.of("head", "block_1", "block_2", "block_3", "block_4", "block_5", "block_6", "body"),
                imdn.tapNames());
        assertEquals(10, ImdnBaselineConfig.ntire2022(2).build().tapNames().size());
    }

    @Test
    void smallImagesAndBatchesWork() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImdnBaseline net = initialised(new ImdnBaselineConfig(3, 16, 2, 4, 1f).build(), m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 1, 2));
            assertEquals(new Shape(2, 3, 3, 6), net.forward(ps, new NDList(x), false).singletonOrThrow().getShape());
            Imdn imdn = initialised(new ImdnConfig(2, 16, 2, 4, 1f).build(), m);
            NDArray y = imdn.forward(ps, new NDList(m.randomUniform(0, 1, new Shape(3, 3, 5, 1))), false)
                    .singletonOrThrow();
            assertEquals(new Shape(3, 3, 10, 2), y.getShape());
            assertThrows(IllegalArgumentException.class,
                    () -> imdn.forward(ps, new NDList(m.randomUniform(0, 1, new Shape(1, 4, 8, 8))), false));
        }
    }
}
