package org.dckd.losses.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import org.dckd.losses.testing.DckdGolden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The VQGAN encoder against the golden data of the official DCKD {@code vqgan_arch.py} (small model, ch 32): state-dict
 * keys and shapes, parameter count, the 5 {@code get_feas} levels of all 7 samples and the {@code quant_conv} output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VqganGoldenTest {

    private NDManager manager;
    private FeatureEncoder vqgan;
    private Map<String, NDArray> golden;

    @BeforeAll
    void load() {
        manager = NDManager.newBaseManager();
        vqgan = DckdGolden.vqganConfig().build(manager);
        golden = DckdGolden.arrays(manager);
    }

    @AfterAll
    void close() {
        manager.close();
    }

    @Test
    void keysShapesAndCountMatchTheOfficialStateDict() {
        List<String> keys = new ArrayList<>(vqgan.torchParameters().keySet());
        assertEquals(147, keys.size());
        assertEquals("encoder.conv_in.weight", keys.get(0));
        assertEquals("quantize.embedding.weight", keys.get(keys.size() - 1));
        long count = 0;
        for (Parameter p : vqgan.torchParameters().values()) {
            count += p.getArray().getShape().size();
        }
        assertEquals(2_387_264L, count);
        assertTrue(vqgan.isFrozen());
    }

    @Test
    void featuresOfAllSamplesMatchGetFeas() {
        try (NDManager m = manager.newSubManager()) {
            NDArray negatives = golden.get("negatives");
            List<NDArray> samples = new ArrayList<>(List.of(golden.get("anchor"), golden.get("positive")));
            for (int j = 0; j < 5; j++) {
                samples.add(negatives.get(j));
            }
            List<NDArray> level4 = new ArrayList<>();
            for (int s = 0; s < samples.size(); s++) {
                List<NDArray> f = vqgan.features(samples.get(s).duplicate());
                assertEquals(5, f.size());
                if (s == 0) {
                    for (int l = 0; l < 5; l++) {
                        DckdGolden.assertClose("feat_level" + l + "_anchor", golden.get("feat_level" + l + "_anchor"),
                                f.get(l));
                    }
                }
                level4.add(f.get(4));
                for (int l = 0; l < 5; l++) {
                    float[] first8 = golden.get("feat_level" + l + "_first8").get(s).toFloatArray();
                    float[] actual = f.get(l).flatten().get("0:8").toFloatArray();
                    for (int i = 0; i < 8; i++) {
                        assertEquals(first8[i], actual[i], 1e-5 + 1e-4 * Math.abs(first8[i]),
                                "level " + l + " sample " + s + " first8[" + i + "]");
                    }
                    double mean = golden.get("feat_level" + l + "_mean").getFloat(s);
                    assertEquals(mean, f.get(l).mean().getFloat(), 1e-5 + 1e-4 * Math.abs(mean),
                            "level " + l + " sample " + s + " mean");
                    double std = golden.get("feat_level" + l + "_std_unbiased").getFloat(s);
                    NDArray centred = f.get(l).sub(f.get(l).mean());
                    double actualStd = Math.sqrt(centred.square().sum().getFloat() / (f.get(l).size() - 1));
                    assertEquals(std, actualStd, 1e-5 + 1e-4 * std, "level " + l + " sample " + s + " std");
                }
            }
            DckdGolden.assertClose("feat_levels_all_level4", golden.get("feat_levels_all_level4"),
                    NDArrays.stack(new ai.djl.ndarray.NDList(level4)));
        }
    }

    @Test
    void encodeMatchesQuantConvOutput() {
        try (NDManager m = manager.newSubManager()) {
            DckdGolden.assertClose("z_student", golden.get("z_student"), vqgan.encode(golden.get("anchor").duplicate()));
            DckdGolden.assertClose("z_teacher", golden.get("z_teacher"),
                    vqgan.encode(golden.get("positive").duplicate()));
        }
    }
}
