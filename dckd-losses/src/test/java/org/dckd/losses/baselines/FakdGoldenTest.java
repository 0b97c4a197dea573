package org.dckd.losses.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import com.fasterxml.jackson.databind.JsonNode;

import org.dckd.losses.DistillationLoss;
import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm;
import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.pixel.PixelDistance;
import org.dckd.losses.pixel.PixelTarget;
import org.dckd.losses.pixel.PixelTerm;
import org.dckd.nn.DjlRuntime;
import org.junit.jupiter.api.Test;

/**
 * FAKD against the official {@code spatial_similarity} / {@code FeatureLoss} / {@code Loss} (golden README section 3):
 * affinities, per-pair and total SA values, the full official loss with alpha 0.5 and weight 10 built from dckd terms,
 * and the gradients with respect to the student features.
 */
class FakdGoldenTest {

    static {
        DjlRuntime.ensureOffline();
    }

    private static final List<String> TAPS = List.of("f0", "f1", "f2");

    @Test
    void affinitiesAndUnweightedLossMatchTheOfficialCode() {
        JsonNode json = BaselineGolden.sharedJson("fakd_sa_loss.json");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> g = BaselineGolden.shared(m, "fakd_sa_loss.npz");
            List<NDArray> student = new ArrayList<>();
            List<NDArray> teacher = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                NDArray s = g.get("student_feat" + i);
                s.setRequiresGradient(true);
                student.add(s);
                teacher.add(g.get("teacher_feat" + i));
                BaselineGolden.assertValues("fakd student_sa" + i, g.get("student_sa" + i),
                        FakdTerm.spatialAffinity(s));
                BaselineGolden.assertValues("fakd teacher_sa" + i, g.get("teacher_sa" + i),
                        FakdTerm.spatialAffinity(teacher.get(i)));
                BaselineGolden.assertScalar("fakd pair " + i, json.get("sa_loss_per_pair").get(i).asDouble(),
                        FakdTerm.pairLoss(s, teacher.get(i)));
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = FakdTerm.affinityLoss(student, teacher);
                BaselineGolden.assertScalar("fakd SA unweighted", json.get("sa_loss_unweighted").asDouble(), loss);
                BaselineGolden.assertScalar("fakd SA unweighted (npz)", g.get("sa_loss_unweighted").getFloat(), loss);
                gc.backward(loss);
            }
            for (int i = 0; i < 3; i++) {
                BaselineGolden.assertGradient("fakd grad student_feat" + i + " unweighted",
                        g.get("grad_student_feat" + i + "_unweighted_sa"), student.get(i).getGradient());
            }
        }
    }

    /** The official {@code Loss} with alpha 0.5 and {@code 10*SA}, assembled from dckd terms. */
    @Test
    void fullOfficialLossFromTerms() {
        JsonNode json = BaselineGolden.sharedJson("fakd_sa_loss.json");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> g = BaselineGolden.shared(m, "fakd_sa_loss.npz");
            Map<String, NDArray> studentFeatures = new LinkedHashMap<>();
            Map<String, NDArray> teacherFeatures = new LinkedHashMap<>();
            for (int i = 0; i < 3; i++) {
                NDArray s = g.get("student_feat" + i);
                s.setRequiresGradient(true);
                studentFeatures.put(TAPS.get(i), s);
                teacherFeatures.put(TAPS.get(i), g.get("teacher_feat" + i));
            }
            List<LossTerm> terms = List.of(
                    new PixelTerm("l_pix", 0.5f, PixelDistance.l1(), PixelTarget.HR, Reduction.MEAN),
                    new PixelTerm("l_kd", 0.5f, PixelDistance.l1(), PixelTarget.TEACHER, Reduction.MEAN),
                    defaultFakdTerm());
            try (DistillationLoss loss = new DistillationLoss(terms);
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                LossContext context = new LossContext(m, 1, null, g.get("hr"), g.get("student_sr"),
                        g.get("teacher_sr"), studentFeatures, teacherFeatures, null, null, 0);
                DistillationLoss.Value v = loss.compute(context);
                BaselineGolden.assertScalar("fakd official total (alpha 0.5, 10*SA)", json.get("total_loss").asDouble(),
                        v.total());
                BaselineGolden.assertScalar("fakd DS term (weighted)", json.get("ds_loss_weighted").asDouble(),
                        v.terms().get("l_pix").mul(0.5f));
                BaselineGolden.assertScalar("fakd TS term (weighted)", json.get("ts_loss_weighted").asDouble(),
                        v.terms().get("l_kd").mul(0.5f));
                BaselineGolden.assertScalar("fakd term (unweighted, logged)", json.get("sa_loss_unweighted").asDouble(),
                        v.terms().get("l_fakd"));
                assertEquals(3, v.terms().size());
                gc.backward(v.total());
            }
            for (int i = 0; i < 3; i++) {
                BaselineGolden.assertGradient("fakd grad student_feat" + i + " total", g.get("grad_student_feat" + i
                        + "_total"), studentFeatures.get(TAPS.get(i)).getGradient());
            }
        }
    }

    /** The {@code fakd} term exactly as a config with default weight builds it, on taps f0..f2. */
    private static FakdTerm defaultFakdTerm() {
        FakdTermConfig c = FakdTermConfig.of(TAPS, TAPS, null, null, null, null);
        assertEquals(10f, c.weight());
        return c.build();
    }
}
