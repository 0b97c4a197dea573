package org.dckd.core.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm;
import org.junit.jupiter.api.Test;

class DistillerTest {

    private static SrBackbone tinyRlfn(NDManager m, int channels, int seed) {
        return TinyNetworks.rlfn(m, channels, 1f, seed);
    }

    private static NDArray[] batch(NDManager m, int seed) {
        return TinyNetworks.batch(m, seed, 32);
    }

    private static Distiller distiller(NDManager m, SrBackbone student, SrBackbone teacher, List<LossTerm> terms) {
        return Distiller.builder().setManager(m).setStudent(student).optTeacher(teacher).addTerms(terms)
                .optLearningRate(2e-3).optEmaDecay(0.9f).optSeed(3).build();
    }

    @Test
    void learnsAndNeverTouchesTheTeacher() {
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone teacher = tinyRlfn(m, 16, 1);
            SrBackbone student = tinyRlfn(m, 8, 2);
            Map<String, Tensor> teacherBefore = StateDict.of(teacher).tensors();
            try (Distiller d = distiller(m, student, teacher,
                    List.of(new TestL1("l_pix", 1f, false), new TestL1("l_kd", 1f, true)))) {
                NDArray[] b = batch(m, 7);
                float first = d.step(b[0], b[1]).loss();
                StepResult last = null;
                for (int i = 0; i < 30; i++) {
                    last = d.step(b[0], b[1]);
                }
                assertTrue(last.loss() < 0.8 * first, "loss " + first + " -> " + last.loss());
                assertEquals(31, d.iteration());
                assertEquals(Set.of("l_pix", "l_kd"), last.terms().keySet());
                assertTrue(Float.isFinite(last.terms().get("l_kd")));
                // the teacher's weights are bit-identical
                Map<String, Tensor> teacherAfter = StateDict.of(teacher).tensors();
                teacherBefore.forEach((k, v) -> assertTrue(v.contentEquals(teacherAfter.get(k)), k));
                // the EMA lags the student
                assertFalse(StateDict.of(d.studentEma()).tensors().get("conv_1.weight")
                        .contentEquals(StateDict.of(student).tensors().get("conv_1.weight")));
            }
        }
    }

    @Test
    void resumingFromTheStateContinuesBitIdentically() {
        int n = 6;
        int k = 3;
        List<float[]> straight;
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone teacher = tinyRlfn(m, 16, 1);
            try (Distiller d = distiller(m, tinyRlfn(m, 8, 2), teacher,
                    List.of(new TestL1("l_pix", 1f, false), new TestL1("l_kd", 0.5f, true)))) {
                for (int i = 0; i < n; i++) {
                    NDArray[] b = batch(m, 100 + i);
                    d.step(b[0], b[1]);
                }
                straight = weights(d);
            }
        }
        List<float[]> resumed;
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone teacher = tinyRlfn(m, 16, 1);
            Map<String, Tensor> saved;
            try (Distiller d = distiller(m, tinyRlfn(m, 8, 2), teacher,
                    List.of(new TestL1("l_pix", 1f, false), new TestL1("l_kd", 0.5f, true)))) {
                for (int i = 0; i < k; i++) {
                    NDArray[] b = batch(m, 100 + i);
                    d.step(b[0], b[1]);
                }
                saved = d.state();
            }
            // a fresh process would build everything again from the config, with a different random init
            try (Distiller d = distiller(m, tinyRlfn(m, 8, 99), teacher,
                    List.of(new TestL1("l_pix", 1f, false), new TestL1("l_kd", 0.5f, true)))) {
                d.loadState(saved);
                assertEquals(k, d.iteration());
                for (int i = k; i < n; i++) {
                    NDArray[] b = batch(m, 100 + i);
                    d.step(b[0], b[1]);
                }
                resumed = weights(d);
            }
        }
        assertEquals(straight.size(), resumed.size());
        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i), resumed.get(i), "tensor " + i);
        }
    }

    private static List<float[]> weights(Distiller d) {
        List<float[]> out = new ArrayList<>();
        StateDict.of(d.student()).tensors().values().forEach(t -> out.add(t.toFloatArray()));
        StateDict.of(d.studentEma()).tensors().values().forEach(t -> out.add(t.toFloatArray()));
        return out;
    }

    @Test
    void aNonFiniteLossStopsWithoutTouchingTheWeights() {
        LossTerm nan = TestTerms.nanLoss("l_bad");
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone student = tinyRlfn(m, 8, 2);
            Map<String, Tensor> before = StateDict.of(student).tensors();
            try (Distiller d = distiller(m, student, null, List.of(nan))) {
                NDArray[] b = batch(m, 1);
                NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> d.step(b[0], b[1]));
                assertTrue(e.getMessage().contains("l_bad") && e.getMessage().contains("iteration 1"), e.getMessage());
                assertEquals(0, d.iteration());
            }
            Map<String, Tensor> after = StateDict.of(student).tensors();
            before.forEach((k, v) -> assertTrue(v.contentEquals(after.get(k)), k));
        }
    }

    @Test
    void teacherTermsWithoutATeacherAreRejectedByName() {
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> distiller(m, tinyRlfn(m, 8, 2), null, List.of(new TestL1("l_kd", 1f, true))));
            assertTrue(e.getMessage().contains("l_kd"), e.getMessage());
        }
    }
}
