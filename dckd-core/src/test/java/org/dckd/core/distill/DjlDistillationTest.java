package org.dckd.core.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.EasyTrain;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.ArrayDataset;

import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.core.optim.LearningRateSchedule;
import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm;
import org.junit.jupiter.api.Test;

/**
 * The DJL {@code Trainer} adapter runs the distiller's own step: the same seed and batches give bit-identical training
 * state (student, EMA, optimizer moments, history model) whether the steps are taken by {@link Distiller#step} or by
 * {@code EasyTrain.fit} / a hand-written DJL loop, and every term is reported through DJL's evaluators.
 */
class DjlDistillationTest {

    static final int STEPS = 4;

    /** L1 to HR, L1 to the teacher and DCR (history model), with EMA, clipping and a schedule: every stateful part. */
    private static Distiller distiller(NDManager m, SrBackbone teacher, List<LossTerm> terms) {
        SrBackbone student = TinyNetworks.rlfn(m, 8, 255f, 2);
        return Distiller.builder().setManager(m).setStudent(student).optTeacher(teacher).addTerms(terms)
                .optLearningRate(2e-3).optSchedule(new LearningRateSchedule.Cosine(STEPS, 1e-5, 0)).optEmaDecay(0.9f).optGradClip(0.05f).optSeed(3).build();
    }

    private static List<NDArray[]> batches(NDManager m) {
        List<NDArray[]> out = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            out.add(TinyNetworks.batch(m, 100 + i, 32));
        }
        return out;
    }

    /** The batches in order, 2 images each, as a DJL dataset: data = [lr], labels = [hr]. */
    static ArrayDataset dataset(List<NDArray[]> batches) {
        NDArray lr = NDArrays.concat(new NDList(batches.stream().map(b -> b[0]).toList()));
        NDArray hr = NDArrays.concat(new NDList(batches.stream().map(b -> b[1]).toList()));
        return new ArrayDataset.Builder().setData(lr).optLabels(hr).setSampling(2, false).build();
    }

    private static void assertSameState(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertTrue(v.contentEquals(actual.get(k)), k + " differs"));
    }

    @Test
    void easyTrainAndDistillerStepGiveBitIdenticalTrainingState() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone teacher = TinyNetworks.rlfn(m, 16, 1f, 1);
            List<NDArray[]> batches = batches(m);
            Map<String, Tensor> own;
            List<StepResult> ownSteps = new ArrayList<>();
            try (NDManager run = m.newSubManager(); Distiller d = distiller(run, teacher, YourOwnBlockStudentTest.terms())) {
                for (NDArray[] b : batches) {
                    ownSteps.add(d.step(b[0], b[1]));
                }
                own = d.state();
            }
            try (NDManager run = m.newSubManager(); Distiller d = distiller(run, teacher, YourOwnBlockStudentTest.terms());
                    Model model = Model.newInstance("student")) {
                DjlDistillation kd = DjlDistillation.of(d);
                model.setBlock(kd.block());
                try (Trainer trainer = model.newTrainer(kd.trainingConfig())) {
                    trainer.initialize(new Shape(2, 3, 16, 16));
                    EasyTrain.fit(trainer, 1, dataset(batches), null);
                    assertEquals(STEPS, d.iteration());
                    assertSameState(own, d.state());
                    assertTrue(own.keySet().stream().anyMatch(k -> k.startsWith("student_ema."))
                            && own.keySet().stream().anyMatch(k -> k.startsWith("optimizer.exp_avg_sq."))
                            && own.keySet().stream().anyMatch(k -> k.startsWith("term.")), own.keySet().toString());
                    assertEquals(ownSteps.get(STEPS - 1).loss(), kd.lastStep().loss());
                    assertEquals(ownSteps.get(STEPS - 1).terms(), kd.lastStep().terms());

                    // the total and every term through DJL's TrainingResult: the epoch means of the steps' values
                    TrainingResult result = trainer.getTrainingResult();
                    double meanLoss = ownSteps.stream().mapToDouble(StepResult::loss).average().orElseThrow();
                    assertEquals(meanLoss, result.getTrainLoss(), 1e-6 * meanLoss);
                    Set<String> terms = ownSteps.get(0).terms().keySet();
                    assertEquals(3, terms.size(), terms.toString());
                    for (String term : terms) {
                        Float v = result.getEvaluations().get("train_" + term);
                        assertNotNull(v, term + " in " + result.getEvaluations().keySet());
                        double mean = ownSteps.stream().mapToDouble(s -> s.terms().get(term)).average().orElseThrow();
                        assertEquals(mean, v, 1e-6 * Math.abs(mean), term);
                    }
                }
            }
        }
    }

    @Test
    void aHandWrittenDjlLoopWithoutTheListenerIsTheSameStep() {
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone teacher = TinyNetworks.rlfn(m, 16, 1f, 1);
            List<NDArray[]> batches = batches(m);
            Map<String, Tensor> own;
            try (NDManager run = m.newSubManager(); Distiller d = distiller(run, teacher, YourOwnBlockStudentTest.terms())) {
                for (NDArray[] b : batches) {
                    d.step(b[0], b[1]);
                }
                own = d.state();
            }
            try (NDManager run = m.newSubManager(); Distiller d = distiller(run, teacher, YourOwnBlockStudentTest.terms());
                    Model model = Model.newInstance("student")) {
                DjlDistillation kd = DjlDistillation.of(d);
                model.setBlock(kd.block());
                // only the loss and the optimizer: the optimizer runs the listener's phase itself
                ai.djl.training.DefaultTrainingConfig config = new ai.djl.training.DefaultTrainingConfig(kd.loss())
                        .optOptimizer(kd.optimizer());
                try (Trainer trainer = model.newTrainer(config)) {
                    for (NDArray[] b : batches) {
                        try (NDManager step = m.newSubManager()) {
                            NDArray lr = b[0].duplicate();
                            lr.attach(step);
                            NDArray hr = b[1].duplicate();
                            hr.attach(step);
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDList predictions = trainer.forward(new NDList(lr));
                                gc.backward(trainer.getLoss().evaluate(new NDList(hr), predictions));
                            }
                            trainer.step();
                        }
                    }
                    assertSameState(own, d.state());
                    // the block in evaluation mode is the plain student on [0, 1]
                    NDList out = trainer.evaluate(new NDList(batches.get(0)[0]));
                    assertEquals(1, out.size());
                    assertEquals(new Shape(2, 3, 32, 32), out.head().getShape());
                }
            }
        }
    }

    @Test
    void aNonFiniteStepThroughTheTrainerUpdatesNothing() throws Exception {
        LossTerm nan = TestTerms.nanLoss("l_bad");
        try (NDManager m = NDManager.newBaseManager()) {
            List<NDArray[]> batches = batches(m);
            try (Distiller d = Distiller.builder().setManager(m).setStudent(TinyNetworks.rlfn(m, 8, 1f, 2))
                    .addTerm(nan).optEmaDecay(0).build(); Model model = Model.newInstance("student")) {
                Map<String, Tensor> before = StateDict.of(d.student()).tensors();
                DjlDistillation kd = DjlDistillation.of(d);
                model.setBlock(kd.block());
                try (Trainer trainer = model.newTrainer(kd.trainingConfig())) {
                    NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                            () -> EasyTrain.fit(trainer, 1, dataset(batches), null));
                    assertTrue(e.getMessage().contains("l_bad"), e.getMessage());
                }
                assertEquals(0, d.iteration());
                Map<String, Tensor> after = StateDict.of(d.student()).tensors();
                before.forEach((k, v) -> assertTrue(v.contentEquals(after.get(k)), k));
                // no NaN gradient is left behind to poison the next step
                d.student().getParameters().values().forEach(p -> {
                    try (NDArray g = p.getArray().getGradient()) {
                        assertArrayEquals(new float[(int) g.size()], g.toFloatArray(), p.getName());
                    }
                });
            }
        }
    }

    @Test
    void theStudentMayBeInitialisedByTheDistillerOrByTheTrainer() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone teacher = TinyNetworks.rlfn(m, 16, 1f, 1);
            List<NDArray[]> batches = batches(m);
            // an uninitialised student with DCR: the distiller initialises it before making the history model
            ai.djl.engine.Engine.getInstance().setRandomSeed(2);
            SrBackbone student = org.dckd.backbones.rlfn.RlfnConfig.builder().setScale(2).optFeatureChannels(8)
                    .optBlocks(1).optEsaChannels(8).optInputRange(1f).buildNetwork();
            try (Distiller d = Distiller.builder().setManager(m).setStudent(student).optTeacher(teacher)
                    .addTerms(YourOwnBlockStudentTest.terms()).optSeed(3).build();
                    Model model = Model.newInstance("student")) {
                Map<String, Tensor> before = StateDict.of(student).tensors();
                DjlDistillation kd = DjlDistillation.of(d);
                model.setBlock(kd.block());
                try (Trainer trainer = model.newTrainer(kd.trainingConfig())) {
                    trainer.initialize(new Shape(2, 3, 16, 16));       // keeps the distiller's weights
                    assertSameState(before, StateDict.of(student).tensors());
                    EasyTrain.fit(trainer, 1, dataset(batches), null);
                }
                assertEquals(STEPS, d.iteration());
                Map<String, Tensor> after = StateDict.of(student).tensors();
                before.forEach((k, v) -> assertTrue(!v.contentEquals(after.get(k)), k + " did not train"));
            }
        }
    }
}
