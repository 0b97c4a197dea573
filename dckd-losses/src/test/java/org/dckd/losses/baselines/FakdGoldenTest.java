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
import org.dckd.losses.testing.DckdGolden;
import org.dckd.losses.testing.SignTies;
import org.dckd.nn.DjlRuntime;
import org.junit.jupiter.api.Test;

/**
 * FAKD against the official {@code spatial_similarity} / {@code FeatureLoss} / {@code Loss} (golden README section 3):
 * affinities, per-pair and total SA values, the full official loss with alpha 0.5 and weight 10 built from dckd terms,
 * and the gradients with respect to the student features.
 *
 * <p><b>The gradients' tolerance.</b> A pair's loss is {@code mean |A_s - A_t|} over the {@code n} elements of the
 * affinity matrices, so its gradient w.r.t. the student features is {@code J^T sign(A_s - A_t) / n} with {@code J} the
 * Jacobian of {@code A_s}. The affinities are matrix products, whose last bits depend on the CPU's kernels; where
 * {@code A_s - A_t} is within the affinities' tolerance of 0 (every diagonal element is: both are {@code 1 - O(1e-7)}),
 * the sign may differ from the reference's and the gradient jumps by up to {@code 2 |J^T e_k| / n} (times the term's
 * weight). {@link SignTies#bound} adds that jump, computed exactly, to the usual {@code 1e-3 max|g|} at every element.
 * On the diagonal it is ~1e-8 of the gradient (the norm of a normalised vector barely depends on it); off the diagonal
 * it would be a few percent, which a fixed relative tolerance could not absorb.
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
                DckdGolden.assertGradientClose("fakd grad student_feat" + i + " unweighted",
                        g.get("grad_student_feat" + i + "_unweighted_sa"), student.get(i).getGradient(),
                        BaselineGolden.GRAD_FRACTION, tieBound(g, i, 1));
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
                DckdGolden.assertGradientClose("fakd grad student_feat" + i + " total", g.get("grad_student_feat" + i
                        + "_total"), studentFeatures.get(TAPS.get(i)).getGradient(), BaselineGolden.GRAD_FRACTION,
                        tieBound(g, i, 10));
            }
        }
    }

    /**
     * The sign-tie part of the tolerance of pair {@code i}'s gradient (see the class comment), for the loss weight
     * {@code weight}.
     */
    private static float[] tieBound(Map<String, NDArray> g, int i, double weight) {
        NDArray student = g.get("student_feat" + i).stopGradient();
        NDArray studentAffinity = FakdTerm.spatialAffinity(student);
        SignTies ties = new SignTies();
        int found = ties.add(studentAffinity, FakdTerm.spatialAffinity(g.get("teacher_feat" + i)), 0, 0,
                BaselineGolden.ATOL, BaselineGolden.RTOL, weight / studentAffinity.size());
        System.out.println("fakd pair " + i + ": " + found + " sign ties");
        return ties.bound(x -> List.of(FakdTerm.spatialAffinity(x)), student, 64);
    }

    /** The {@code fakd} term exactly as a config with default weight builds it, on taps f0..f2. */
    private static FakdTerm defaultFakdTerm() {
        FakdTermConfig c = FakdTerm.builder().setStudentTaps(TAPS).setTeacherTaps(TAPS).config();
        assertEquals(10f, c.weight());
        return c.build();
    }
}
