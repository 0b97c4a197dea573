package org.dckd.losses.pixel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.dckd.losses.DistillationLoss;
import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.LossTerm.Requirement;
import org.dckd.nn.DjlRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pixel terms: the three distances, both reductions, weighting by the loss (not the term), and gradient flow. */
class PixelTermTest {

    static {
        DjlRuntime.ensureOffline();
    }

    // student, HR and teacher values of a 1x1x2x2 "image"
    private static final float[] STUDENT = {0.5f, 0.2f, 0.9f, 0.0f};
    private static final float[] HR = {0.1f, 0.2f, 0.4f, 1.0f};
    private static final float[] TEACHER = {0.6f, 0.0f, 0.9f, 0.3f};

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray image(float[] v) {
        return manager.create(v, new Shape(1, 1, 2, 2));
    }

    private LossContext context(NDArray student, NDArray teacher) {
        return new LossContext(manager, 1, null, image(HR), student, teacher, Map.of(), Map.of(), null, null, 0);
    }

    private static double expected(float[] a, float[] b, java.util.function.DoubleUnaryOperator f, boolean mean) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += f.applyAsDouble(a[i] - b[i]);
        }
        return mean ? s / a.length : s;
    }

    @Test
    void distancesAndReductions() {
        double eps = 1e-3;
        for (Reduction r : Reduction.values()) {
            boolean mean = r == Reduction.MEAN;
            LossContext c = context(image(STUDENT), image(TEACHER));
            assertEquals(expected(STUDENT, HR, Math::abs, mean),
                    new PixelTerm("a", 1f, PixelDistance.l1(), PixelTarget.HR, r).compute(c).getFloat(), 1e-6);
            assertEquals(expected(STUDENT, HR, d -> d * d, mean),
                    new PixelTerm("a", 1f, PixelDistance.l2(), PixelTarget.HR, r).compute(c).getFloat(), 1e-6);
            assertEquals(expected(STUDENT, TEACHER, d -> Math.sqrt(d * d + eps * eps), mean),
                    new PixelTerm("a", 1f, PixelDistance.charbonnier(eps), PixelTarget.TEACHER, r).compute(c)
                            .getFloat(), 1e-6);
        }
        // sum = mean * number of elements
        LossContext c = context(image(STUDENT), image(TEACHER));
        float sum = new PixelTerm("s", 1f, PixelDistance.l1(), PixelTarget.TEACHER, Reduction.SUM).compute(c).getFloat();
        float mean = new PixelTerm("m", 1f, PixelDistance.l1(), PixelTarget.TEACHER, Reduction.MEAN).compute(c)
                .getFloat();
        assertEquals(4 * mean, sum, 1e-6);
    }

    @Test
    void weightIsAppliedByTheLossNotByTheTerm() {
        PixelTerm pix = new PixelTerm("l_pix", 1f, PixelDistance.l1(), PixelTarget.HR, Reduction.MEAN);
        PixelTerm kd = new PixelTerm("l_kd", 3f, PixelDistance.l1(), PixelTarget.TEACHER, Reduction.MEAN);
        try (DistillationLoss loss = new DistillationLoss(List.of(pix, kd))) {
            DistillationLoss.Value v = loss.compute(context(image(STUDENT), image(TEACHER)));
            float unweightedKd = (float) expected(STUDENT, TEACHER, Math::abs, true);
            assertEquals(unweightedKd, v.terms().get("l_kd").getFloat(), 1e-6, "the logged value is unweighted");
            assertEquals(v.terms().get("l_pix").getFloat() + 3 * unweightedKd, v.total().getFloat(), 1e-6);
        }
    }

    @Test
    void gradientsReachOnlyTheStudent() {
        NDArray student = image(STUDENT);
        NDArray teacher = image(TEACHER);
        student.setRequiresGradient(true);
        teacher.setRequiresGradient(true); // a teacher output that (wrongly) records must still get no gradient
        PixelTerm kd = new PixelTerm("l_kd", 2f, PixelDistance.l1(), PixelTarget.TEACHER, Reduction.MEAN);
        try (DistillationLoss loss = new DistillationLoss(List.of(kd));
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(loss.compute(context(student, teacher)).total());
        }
        float[] g = student.getGradient().toFloatArray();
        for (int i = 0; i < g.length; i++) {
            // d/ds of 2 * mean|s - t| = 2 * sign(s - t) / 4 (0 where s == t, as PyTorch)
            assertEquals(0.5 * Math.signum(STUDENT[i] - TEACHER[i]), g[i], 1e-6, "element " + i);
        }
        for (float v : teacher.getGradient().toFloatArray()) {
            assertEquals(0f, v);
        }
    }

    @Test
    void requirementsAndErrors() {
        PixelTerm pix = new PixelTerm("l_pix", 1f, PixelDistance.l1(), PixelTarget.HR, Reduction.MEAN);
        PixelTerm kd = new PixelTerm("l_kd", 1f, PixelDistance.l2(), PixelTarget.TEACHER, Reduction.SUM);
        assertEquals(Set.of(Requirement.STUDENT_OUTPUT, Requirement.HR), pix.requirements());
        assertEquals(Set.of(Requirement.STUDENT_OUTPUT, Requirement.TEACHER_OUTPUT), kd.requirements());
        assertFalse(pix.needsTeacher());
        assertTrue(kd.needsTeacher());
        assertEquals(Reduction.SUM, kd.reduction());
        IllegalStateException noTeacher = assertThrows(IllegalStateException.class,
                () -> kd.compute(context(image(STUDENT), null)));
        assertTrue(noTeacher.getMessage().contains("'l_kd'"), noTeacher.getMessage());
        NDArray wrongShape = manager.zeros(new Shape(1, 1, 2, 3));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> pix.compute(context(wrongShape, null)));
        assertTrue(shape.getMessage().startsWith("loss term 'l_pix'"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PixelDistance.charbonnier(0));
        assertEquals("charbonnier(eps=0.001)", PixelDistance.charbonnier(1e-3).toString());
    }
}
