package org.dckd.losses.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import com.fasterxml.jackson.databind.JsonNode;

import org.dckd.nn.DjlRuntime;
import org.junit.jupiter.api.Test;

/**
 * {@link CsdContrast#l1Forward} against the official {@code ContrastLoss.L1_forward} (golden README section 4): the
 * loss, the per-level distances and ratios, and the gradients with respect to the student features; also the
 * per-sample negative layout, which must equal the shared layout when every sample gets the same negatives.
 */
class CsdGoldenTest {

    static {
        DjlRuntime.ensureOffline();
    }

    @Test
    void l1ForwardMatchesTheOfficialCode() {
        JsonNode json = BaselineGolden.sharedJson("csd_contrast_loss.json");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> g = BaselineGolden.shared(m, "csd_contrast_loss.npz");
            List<NDArray> teacher = new ArrayList<>();
            List<NDArray> student = new ArrayList<>();
            List<NDArray> neg = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                NDArray s = g.get("student_feat" + i);
                s.setRequiresGradient(true);
                student.add(s);
                teacher.add(g.get("teacher_feat" + i));
                neg.add(g.get("neg_feat" + i));
            }
            List<CsdContrast.Level> levels = CsdContrast.levels(teacher, student, neg);
            for (int i = 0; i < 5; i++) {
                JsonNode l = json.get("levels").get(i);
                BaselineGolden.assertScalar("csd level " + i + " d_ts", l.get("d_ts").asDouble(),
                        levels.get(i).positiveDistance());
                BaselineGolden.assertScalar("csd level " + i + " d_sn", l.get("d_sn").asDouble(),
                        levels.get(i).negativeDistance());
                BaselineGolden.assertScalar("csd level " + i + " contrastive", l.get("contrastive").asDouble(),
                        levels.get(i).ratio());
                assertEquals(l.get("weight").asDouble(), CsdContrast.DEFAULT_WEIGHTS.get(i), 1e-12);
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = CsdContrast.l1Forward(teacher, student, neg);
                BaselineGolden.assertScalar("csd L1_forward loss", json.get("loss").asDouble(), loss);
                BaselineGolden.assertScalar("csd L1_forward loss (npz)", g.get("loss").getFloat(), loss);
                gc.backward(loss);
            }
            for (int i = 0; i < 5; i++) {
                BaselineGolden.assertGradient("csd grad student_feat" + i, g.get("grad_student_feat" + i),
                        student.get(i).getGradient());
            }
        }
    }

    @Test
    void perSampleLayoutEqualsSharedLayoutWhenNegativesAreRepeated() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> g = BaselineGolden.shared(m, "csd_contrast_loss.npz");
            List<NDArray> teacher = new ArrayList<>();
            List<NDArray> student = new ArrayList<>();
            List<NDArray> shared = new ArrayList<>();
            List<NDArray> perSample = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                NDArray s = g.get("student_feat" + i);
                student.add(s);
                teacher.add(g.get("teacher_feat" + i));
                NDArray n = g.get("neg_feat" + i);
                shared.add(n);
                long b = s.getShape().get(0);
                perSample.add(n.expandDims(1).repeat(1, b)); // (Nneg, B, C, H, W)
            }
            float a = CsdContrast.l1Forward(teacher, student, shared).getFloat();
            float p = CsdContrast.l1Forward(teacher, student, perSample).getFloat();
            assertEquals(a, p, 1e-6f * Math.abs(a));
            assertEquals(g.get("loss").getFloat(), p, 1e-5f);
            // a bad negative shape names the level
            List<NDArray> bad = new ArrayList<>(shared);
            bad.set(2, shared.get(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CsdContrast.l1Forward(teacher, student, bad));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("level 2"), e.getMessage());
        }
    }
}
