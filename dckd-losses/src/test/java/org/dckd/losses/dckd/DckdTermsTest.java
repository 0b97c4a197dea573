package org.dckd.losses.dckd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;

import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm;
import org.dckd.losses.encoders.FeatureEncoder;
import org.dckd.losses.encoders.RandomEncoderConfig;
import org.dckd.losses.testing.TinyRun;
import org.dckd.nn.TorchModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DCR and DMM loss terms in a tiny run: gradients reach only the student (teacher, history model, EMA and encoders
 * stay bit-identical through an optimizer-like update), the negatives are reproducible from the step's seed, the
 * k-means codebook is built lazily and saved, state round trips, and attach-time errors name the term and key.
 */
class DckdTermsTest {

    /** A small 5-level random encoder (32x32 student outputs give levels 32 .. 2). */
    private static final RandomEncoderConfig SMALL = RandomEncoderConfig.builder()
            .optChannels(List.of(8, 8, 16, 16, 32)).optSeed(5L).build();

    private static ContrastiveRegularization dcr() {
        return ContrastiveRegularizationConfig.defaults().withEncoder(SMALL).build();
    }

    private static DistributionMapping dmm(int batches) {
        return DistributionMappingConfig.defaults().with(SMALL, CodebookConfig.kmeans(8, batches, 3)).build();
    }

    @Test
    void gradientsReachOnlyTheStudent() {
        try (TinyRun run = new TinyRun(1f, 11); NDManager step = run.manager.newSubManager()) {
            ContrastiveRegularization dcr = dcr();
            DistributionMapping dmm = dmm(1);
            dcr.attach(run.roles);
            dmm.attach(run.roles);
            List<Block> frozen = List.of(run.teacher, run.ema, dcr.history().network(), dcr.encoder(), dmm.encoder());
            List<Map<String, float[]>> before = new ArrayList<>();
            frozen.forEach(b -> before.add(TinyRun.snapshot(b)));
            Map<String, float[]> studentBefore = TinyRun.snapshot(run.student);

            NDArray lr = run.lr(step);
            NDArray dcrValue;
            NDArray dmmValue;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                LossContext ctx = run.context(step, lr, 1, 99);
                dcrValue = dcr.compute(ctx);
                dmmValue = dmm.compute(ctx);
                gc.backward(dcrValue.mul(dcr.weight()).add(dmmValue.mul(dmm.weight())));
            }
            assertTrue(dcrValue.getFloat() > 0 && Float.isFinite(dcrValue.getFloat()));
            assertTrue(dmmValue.getFloat() > 0 && Float.isFinite(dmmValue.getFloat()));
            assertNotNull(dmm.distribution(), "k-means ran on the first batch");

            // an optimizer-like update of every parameter that has a gradient
            double gradientNorm = 0;
            List<Block> all = new ArrayList<>(frozen);
            all.add(run.student);
            for (Block b : all) {
                for (Parameter p : TorchModule.parameters(b).values()) {
                    NDArray a = p.getArray();
                    if (a.hasGradient()) {
                        try (NDArray g = a.getGradient()) {
                            gradientNorm += g.square().sum().getFloat();
                            a.subi(g.mul(0.1f));
                        }
                    }
                }
            }
            assertTrue(gradientNorm > 0, "the student received gradient");
            for (int i = 0; i < frozen.size(); i++) {
                Map<String, float[]> after = TinyRun.snapshot(frozen.get(i));
                for (Map.Entry<String, float[]> e : before.get(i).entrySet()) {
                    assertArrayEquals(e.getValue(), after.get(e.getKey()), frozen.get(i).getClass().getSimpleName()
                            + " " + e.getKey() + " changed");
                }
                for (Parameter p : TorchModule.parameters(frozen.get(i)).values()) {
                    assertFalse(p.requiresGradient() || p.getArray().hasGradient(), p.getName());
                }
            }
            Map<String, float[]> studentAfter = TinyRun.snapshot(run.student);
            assertTrue(studentBefore.entrySet().stream().anyMatch(
                    e -> !Arrays.equals(e.getValue(), studentAfter.get(e.getKey()))), "the student was updated");
        }
    }

    @Test
    void termsShareOneEncoderAndOnePassPerStep() {
        try (TinyRun run = new TinyRun(1f, 11); NDManager m = run.manager.newSubManager()) {
            ContrastiveRegularization dcr = dcr();
            DistributionMapping dmm = dmm(1);
            dcr.attach(run.roles);
            dmm.attach(run.roles);
            assertSame(dcr.encoder(), dmm.encoder(), "equal encoder configs share one instance");
            NDArray lr = run.lr(m);
            // gradient of both terms computed together (second term reuses the first one's passes) ...
            float[] together;
            float[] separate = null;
            try (NDManager s = m.newSubManager()) {
                LossContext ctx = run.context(s, lr, 1, 5);
                ctx.studentOutput().setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray a = dcr.compute(ctx);
                    // DCR stored both passes in the step's shared store (the positive from its batched call) ...
                    FeatureEncoder.Pass student = EncodedOutputs.find(ctx.shared(), dcr.encoder(),
                            EncodedOutputs.Operand.STUDENT_OUTPUT, 0, 2);
                    FeatureEncoder.Pass teacher = EncodedOutputs.find(ctx.shared(), dcr.encoder(),
                            EncodedOutputs.Operand.TEACHER_OUTPUT, 0, 2);
                    assertNotNull(student, "the anchor's pass is shared");
                    assertNotNull(teacher, "the positive's pass is shared");
                    // ... and the positive's part of the batched call equals its own pass
                    try (NDManager check = s.newSubManager()) {
                        List<NDArray> own = dcr.encoder().features(ctx.teacherOutput().duplicate());
                        for (int l = 0; l < own.size(); l++) {
                            float[] expected = own.get(l).toFloatArray();
                            float[] actual = teacher.features().get(l).toFloatArray();
                            for (int i = 0; i < expected.length; i++) {
                                assertEquals(expected[i], actual[i], 1e-6f + 1e-5f * Math.abs(expected[i]),
                                        "level " + l + " element " + i);
                            }
                        }
                    }
                    gc.backward(a.add(dmm.compute(ctx)));
                    assertSame(student, EncodedOutputs.pass(ctx.shared(), dcr.encoder(),
                            EncodedOutputs.Operand.STUDENT_OUTPUT, ctx.studentOutput(), 0, 2), "DMM read the same");
                }
                together = ctx.studentOutput().getGradient().toFloatArray();
            }
            // ... equals the sum of the gradients computed in separate steps
            for (LossTerm term : List.<LossTerm>of(dcr, dmm)) {
                try (NDManager s = m.newSubManager()) {
                    LossContext ctx = run.context(s, lr, 1, 5);
                    ctx.studentOutput().setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(term.compute(ctx));
                    }
                    float[] g = ctx.studentOutput().getGradient().toFloatArray();
                    if (separate == null) {
                        separate = g;
                    } else {
                        for (int i = 0; i < g.length; i++) {
                            separate[i] += g[i];
                        }
                    }
                }
            }
            for (int i = 0; i < together.length; i++) {
                assertEquals(separate[i], together[i], 1e-6f + 1e-4f * Math.abs(separate[i]), "element " + i);
            }
        }
    }

    /**
     * The negatives go through the history model in one batched pass; the loss equals the one computed negative by
     * negative (within float32 rounding: batch size may change the order of a convolution's sums).
     */
    @Test
    void batchedNegativesGiveTheLossOfOneByOne() {
        try (TinyRun run = new TinyRun(1f, 11); NDManager step = run.manager.newSubManager()) {
            ContrastiveRegularization dcr = dcr();
            dcr.attach(run.roles);
            NDArray lr = run.lr(step);
            LossContext ctx = run.context(step, lr, 1, 99);
            float batched = dcr.compute(ctx).getFloat();
            ContrastiveRegularizationConfig c = ContrastiveRegularizationConfig.defaults();
            ContrastRatio oneByOne = new ContrastRatio(dcr.encoder(), c.levelWeights(), c.eps(), 0);
            float reference = oneByOne.compute(ctx.studentOutput(), ctx.teacherOutput(), c.negatives(),
                    j -> dcr.history().run(dcr.negativeInput(lr, j, 99)).duplicate()).loss().getFloat();
            assertEquals(reference, batched, 1e-5f * reference);
            assertTrue(c.negatives() > 1 && batched > 0);
        }
    }

    @Test
    void negativesAreReproducibleFromTheStepSeed() {
        try (TinyRun run = new TinyRun(1f, 11); NDManager m = run.manager.newSubManager()) {
            ContrastiveRegularization dcr = dcr();
            dcr.attach(run.roles);
            NDArray lr = run.lr(m);
            assertSame(lr, dcr.negativeInput(lr, 0, 5), "negative 0 is the clean LR (the code's [lq] + 4 degraded)");
            float[] a = dcr.negativeInput(lr, 1, 5).toFloatArray();
            assertArrayEquals(a, dcr.negativeInput(lr, 1, 5).toFloatArray());
            assertFalse(Arrays.equals(a, dcr.negativeInput(lr, 2, 5).toFloatArray()));
            assertFalse(Arrays.equals(a, dcr.negativeInput(lr, 1, 6).toFloatArray()));
            // the whole term is a function of the batch and the seed
            float v1;
            float v2;
            float v3;
            try (NDManager s = m.newSubManager()) {
                LossContext ctx = run.context(s, lr, 1, 77);
                v1 = dcr.compute(ctx).getFloat();
                v2 = dcr.compute(ctx).getFloat();
                v3 = dcr.compute(new LossContext(s, 1, lr, ctx.hr(), ctx.studentOutput(), ctx.teacherOutput(),
                        Map.of(), Map.of(), null, null, 78)).getFloat();
            }
            assertEquals(v1, v2, 0f);
            assertTrue(v1 != v3, "another seed draws other negatives");
        }
    }

    @Test
    void kmeansCodebookIsCollectedLazilyAndSaved() {
        try (TinyRun run = new TinyRun(1f, 11); NDManager m = run.manager.newSubManager()) {
            DistributionMapping dmm = dmm(2);
            dmm.attach(run.roles);
            assertEquals(CodebookConfig.Source.KMEANS, dmm.resolvedSource());
            assertTrue(dmm.state().isEmpty());
            try (NDManager s = m.newSubManager()) {
                assertEquals(0f, dmm.compute(run.context(s, run.lr(s), 1, 1)).getFloat(), 0f);
                assertNull(dmm.distribution(), "one of two batches collected");
                assertTrue(dmm.compute(run.context(s, run.lr(s), 2, 2)).getFloat() > 0);
                assertNotNull(dmm.distribution());
            }
            Map<String, Tensor> state = dmm.state();
            assertArrayEquals(new long[] {8, 32}, state.get(DistributionMapping.CODEBOOK_STATE).shape());

            // a resumed run: state loaded before or after attach gives the same codebook and loss
            DistributionMapping before = dmm(2);
            before.loadState(state);
            before.attach(run.roles);
            DistributionMapping after = dmm(2);
            after.attach(run.roles);
            after.loadState(state);
            float[] saved = state.get(DistributionMapping.CODEBOOK_STATE).toFloatArray();
            assertArrayEquals(saved, before.distribution().codebook().toFloatArray());
            assertArrayEquals(saved, after.distribution().codebook().toFloatArray());
            try (NDManager s = m.newSubManager()) {
                LossContext ctx = run.context(s, run.lr(s), 3, 3);
                float v = dmm.compute(ctx).getFloat();
                assertEquals(v, before.compute(ctx).getFloat(), 0f);
                assertEquals(v, after.compute(ctx).getFloat(), 0f);
            }
        }
    }

    @Test
    void kmeansTemperatureIsCalibratedOnlyWhenAsked() {
        try (TinyRun run = new TinyRun(1f, 11); NDManager m = run.manager.newSubManager()) {
            DistributionMapping calibrated = DistributionMappingConfig.defaults().with(SMALL,
                    CodebookConfig.builder().optSource(CodebookConfig.Source.KMEANS).optSize(8)
                            .optKmeansBatches(1).optSeed(3L).optCalibrateTau(true).build()).build();
            DistributionMapping raw = dmm(1); // the default: the paper's tau
            calibrated.attach(run.roles);
            raw.attach(run.roles);
            try (NDManager s = m.newSubManager()) {
                NDArray lr = run.lr(s);
                calibrated.compute(run.context(s, lr, 1, 1));
                raw.compute(run.context(s, lr, 1, 1));
            }
            float scale = calibrated.state().get(DistributionMapping.TAU_SCALE_STATE).toFloatArray()[0];
            assertTrue(scale > 0 && scale != 1f, "calibrated scale " + scale);
            assertEquals(scale * calibrated.config().tau(), calibrated.distribution().tau(), 1e-6f * scale);
            assertEquals(1f, raw.state().get(DistributionMapping.TAU_SCALE_STATE).toFloatArray()[0]);
            assertEquals(raw.config().tau(), raw.distribution().tau());
            // the same seed and vectors: the same codebook, only the temperature differs
            assertArrayEquals(calibrated.distribution().codebook().toFloatArray(),
                    raw.distribution().codebook().toFloatArray());
        }
    }

    @Test
    void historyStateRoundTripsAndFollowsTheSchedule() {
        try (TinyRun run = new TinyRun(1f, 11)) {
            ContrastiveRegularization dcr = dcr();
            dcr.attach(run.roles);
            for (Parameter p : TorchModule.parameters(run.ema).values()) {
                p.getArray().addi(1f);
            }
            Map<String, float[]> start = TinyRun.snapshot(dcr.history().network());
            dcr.afterStep(999, run.roles);
            assertEquals(start.keySet(), TinyRun.snapshot(dcr.history().network()).keySet());
            TinyRun.snapshot(dcr.history().network()).forEach((k, v) -> assertArrayEquals(start.get(k), v, k));
            dcr.afterStep(1000, run.roles);
            Map<String, float[]> moved = TinyRun.snapshot(dcr.history().network());
            assertTrue(start.entrySet().stream().anyMatch(e -> !Arrays.equals(e.getValue(), moved.get(e.getKey()))));

            Map<String, Tensor> state = dcr.state();
            ContrastiveRegularization resumed = dcr();
            resumed.loadState(state);
            resumed.attach(run.roles);
            TinyRun.snapshot(resumed.history().network()).forEach((k, v) -> assertArrayEquals(moved.get(k), v, k));
        }
    }

    @Test
    void attachTimeErrorsNameTheTermAndKey(@TempDir Path dir) throws IOException {
        try (TinyRun run = new TinyRun(1f, 11)) {
            ContrastiveRegularization fourWeights = ContrastiveRegularization.builder()
                    .optLevelWeights(List.of(0.1, 0.2, 0.3, 1.0)).optEncoder(SMALL).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fourWeights.attach(run.roles));
            assertTrue(e.getMessage().contains("'l_dcl'") && e.getMessage().contains("level_weights"), e.getMessage());

            DistributionMapping encoderSource = DistributionMappingConfig.defaults()
                    .with(SMALL, CodebookConfig.builder().optSource(CodebookConfig.Source.ENCODER).build())
                    .build();
            e = assertThrows(IllegalArgumentException.class, () -> encoderSource.attach(run.roles));
            assertTrue(e.getMessage().contains("codebook.source") && e.getMessage().contains("random"),
                    e.getMessage());

            Path file = dir.resolve("codebook.npz");
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("codebook", Tensor.ofFloats(new long[] {16, 24}, new float[16 * 24]));
            Checkpoints.writeNpz(new StateDict(t, file), file);
            DistributionMapping wrongDim = DistributionMappingConfig.defaults()
                    .with(SMALL, CodebookConfig.fromFile(file).build()).build();
            e = assertThrows(IllegalArgumentException.class, () -> wrongDim.attach(run.roles));
            assertTrue(e.getMessage().contains("'l_ce'") && e.getMessage().contains("codebook.file")
                    && e.getMessage().contains("(K, 32)") && e.getMessage().contains("[16, 24]"), e.getMessage());

            DistributionMapping fromState = dmm(1);
            fromState.attach(run.roles);
            e = assertThrows(IllegalArgumentException.class, () -> fromState.loadState(t));
            assertTrue(e.getMessage().contains("saved state") && e.getMessage().contains("(K, 32)"), e.getMessage());

            t.put("codebook", Tensor.ofFloats(new long[] {16, 32}, new float[16 * 32]));
            Checkpoints.writeNpz(new StateDict(t, file), dir.resolve("ok.npz"));
            DistributionMapping rightDim = DistributionMappingConfig.defaults()
                    .with(SMALL, CodebookConfig.fromFile(dir.resolve("ok.npz")).build()).build();
            rightDim.attach(run.roles);
            assertEquals(16, rightDim.distribution().size());
        }
    }

    @Test
    void termsDeclareWhatTheyRead() {
        for (LossTerm t : List.<LossTerm>of(dcr(), dmm(1))) {
            assertTrue(t.requirements().contains(LossTerm.Requirement.TEACHER_OUTPUT));
            assertTrue(t.trainableParameters().isEmpty());
            assertThrows(IllegalStateException.class, () -> t.compute(null));
        }
        assertEquals("l_dcl", dcr().name());
        assertEquals(0.1f, dcr().weight());
        assertEquals("l_ce", dmm(1).name());
        assertEquals(0.001f, dmm(1).weight());
    }
}
