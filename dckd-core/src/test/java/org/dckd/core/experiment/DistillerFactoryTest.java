package org.dckd.core.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.distill.Distiller;
import org.dckd.core.distill.TrainingDefaults;
import org.dckd.core.train.TrainingBatches;
import org.dckd.losses.LossTerm;
import org.dckd.losses.LossTermConfig;
import org.dckd.losses.catalog.LossTerms;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory builds the distiller the runner built by hand before it existed, and the defaults are one set. */
class DistillerFactoryTest {

    private static final String TEACHER_NETWORK =
            "{type: rlfn, feature_channels: 12, blocks: 1, esa_channels: 8, input_range: 1}";

    @BeforeAll
    static void registerTestTerm() {
        LossTerms.register("test_l1", TestL1Config.class);
    }

    /** Writes the weights of a tiny teacher (random init with seed 5). */
    private static Path teacherWeights(Path dir, ExperimentConfig cfg) throws Exception {
        Path file = dir.resolve("teacher.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            SrBackbone t = cfg.teacherBackbone().build();
            t.initialize(m);
            Checkpoints.writeSafetensors(StateDict.of(t), file);
        }
        return file;
    }

    /** Losses and final student weights of {@code steps} steps on the config's first batches. */
    private static List<Float> train(Distiller d, ExperimentConfig cfg, int steps) throws Exception {
        List<Float> losses = new ArrayList<>();
        try (TrainingBatches batches = DataSources.open(cfg, null)) {
            for (int i = 0; i < steps; i++) {
                TrainingBatches.Batch b = batches.next();
                try (NDManager scope = d.manager().newSubManager()) {
                    NDArray lr = b.lrArray(scope);
                    NDArray hr = b.hrArray(scope);
                    losses.add(d.step(lr, hr).loss());
                }
            }
        }
        return losses;
    }

    private static void assertSameWeights(SrBackbone a, SrBackbone b) {
        Map<String, Tensor> x = StateDict.of(a).tensors();
        Map<String, Tensor> y = StateDict.of(b).tensors();
        assertEquals(x.keySet(), y.keySet());
        x.forEach((k, v) -> assertTrue(v.contentEquals(y.get(k)), k));
    }

    @Test
    void buildsTheDistillerTheRunnerBuiltByHand(@TempDir Path dir) throws Exception {
        Path file = TinyExperiment.write(dir, 1, 3, 3);
        List<String> set = new ArrayList<>(List.of("teacher={network: " + TEACHER_NETWORK + "}",
                "losses=[{type: test_l1}, {type: l1, target: teacher, weight: 0.5}]",
                "optimizer={type: adamw, lr: 0.002, betas: [0.8, 0.95], eps: 1e-7, weight_decay: 0.01}",
                "ema_decay=0.99", "train.grad_clip=0.05"));
        Path weights = teacherWeights(dir, ExperimentConfig.load(file, set).config());
        set.set(0, "teacher={network: " + TEACHER_NETWORK + ", weights: " + weights + "}");
        ExperimentConfig cfg = ExperimentConfig.load(file, set).config();

        List<Float> byHand;
        SrBackbone handStudent;
        try (NDManager m = NDManager.newBaseManager()) {
            // what ExperimentRunner did before the factory: terms, teacher with its weights, seed, student, builder
            List<LossTerm> terms = new ArrayList<>();
            for (LossTermConfig t : cfg.losses()) {
                terms.add(t.build());
            }
            SrBackbone teacher = cfg.teacherBackbone().build();
            teacher.initialize(m);
            WeightLoader.load(teacher, Checkpoints.read(weights));
            Engine.getInstance().setRandomSeed(3);
            SrBackbone student = cfg.studentBackbone().build();
            student.initialize(m);
            try (Distiller d = Distiller.builder().setManager(m).setStudent(student).optTeacher(teacher)
                    .addTerms(terms).optAdam(0.002, 0.8f, 0.95f, 1e-7f, 0.01f, true).optEmaDecay(0.99f)
                    .optEmaWarmup(true).optGradClip(0.05f).optSeed(3).build()) {
                byHand = train(d, cfg, 3);
                handStudent = student;
                try (NDManager m2 = NDManager.newBaseManager();
                        Distiller f = DistillerFactory.builder().setConfig(cfg).setManager(m2).build()) {
                    assertNotNull(f.teacher());
                    assertEquals(teacher.parameterCount(), f.teacher().parameterCount());
                    assertEquals(student.parameterCount(), f.student().parameterCount());
                    assertEquals(2, f.loss().terms().size());
                    assertEquals(byHand, train(f, cfg, 3), "the same losses, step for step");
                    assertSameWeights(handStudent, f.student());
                    assertSameWeights(d.studentEma(), f.studentEma());
                }
            }
        }
        assertEquals(3, byHand.size());
        assertNotEquals(byHand.get(0), byHand.get(2), "the student trains");
    }

    @Test
    void theDistillerBuildersDefaultsAreTheConfigsDefaults(@TempDir Path dir) throws Exception {
        Path file = TinyExperiment.write(dir, 1, 3, 3);
        ExperimentConfig cfg = ExperimentConfig.load(file, List.of("optimizer={}")).config();
        assertEquals(TrainingDefaults.LEARNING_RATE, cfg.optimizer().lr());
        assertEquals(List.of(TrainingDefaults.BETA1, TrainingDefaults.BETA2), cfg.optimizer().betas());
        assertEquals(TrainingDefaults.EMA_DECAY, cfg.emaDecay());
        assertEquals(TrainingDefaults.GRAD_CLIP, cfg.train().gradClip());
        try (NDManager m = NDManager.newBaseManager()) {
            List<LossTerm> terms = new ArrayList<>();
            cfg.losses().forEach(t -> terms.add(t.build()));
            Engine.getInstance().setRandomSeed((int) cfg.seed());
            SrBackbone student = cfg.studentBackbone().build();
            student.initialize(m);
            try (Distiller plain = Distiller.builder().setManager(m).setStudent(student).addTerms(terms)
                    .optSeed(cfg.seed()).build();
                    NDManager m2 = NDManager.newBaseManager();
                    Distiller configured = DistillerFactory.builder().setConfig(cfg).setManager(m2).build()) {
                assertEquals(train(plain, cfg, 3), train(configured, cfg, 3));
                assertSameWeights(plain.student(), configured.student());
                assertSameWeights(plain.studentEma(), configured.studentEma());
            }
        }
    }
}
