package org.dckd.examples;

import java.util.List;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import org.dckd.backbones.Backbones;
import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.core.djl.DjlDistillation;
import org.dckd.core.train.ProceduralBatches;
import org.dckd.core.train.TrainingBatches;
import org.dckd.losses.pixel.L1Term;

/**
 * Distillation in a plain DJL {@link Trainer} / {@link EasyTrain} setup: dckd contributes a {@code Loss} and a
 * {@code TrainingListener}; the dataset yields {@code data = [lr]} and {@code labels = [hr, lr]}, in [0, 1].
 */
public final class DjlTrainerDistillation {

    private DjlTrainerDistillation() {}

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            SrBackbone teacher = Backbones.preset("rlfn", 2).build();
            teacher.initialize(manager);                     // load real weights with WeightLoader in practice
            SrBackbone student = RlfnConfig.of(2, 16, null, 2, 16, 1f).build();

            DjlDistillation kd = new DjlDistillation(student, teacher, List.of(
                    L1Term.toHr().build(),
                    L1Term.toTeacher().build()), manager, 10);

            // a small in-memory dataset: 64 patches
            TrainingBatches.Batch b = new ProceduralBatches(8, 128, 2, 24, 64, 3, 0).next();
            NDArray lr = manager.create(b.lr(), new Shape(b.n(), 3, b.lrHeight(), b.lrWidth()));
            NDArray hr = manager.create(b.hr(), new Shape(b.n(), 3, b.hrHeight(), b.hrWidth()));
            ArrayDataset dataset = new ArrayDataset.Builder().setData(lr).optLabels(hr, lr).setSampling(8, true).build();

            try (Model model = Model.newInstance("student")) {
                model.setBlock(student);
                DefaultTrainingConfig config = new DefaultTrainingConfig(kd.loss())
                        .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(2e-4f)).build())
                        .addTrainingListeners(kd.listener());
                try (Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(new Shape(1, 3, 24, 24));
                    EasyTrain.fit(trainer, 2, dataset, null);
                    System.out.printf("trained %d batches; loss %.4f%n", kd.iteration(),
                            trainer.getTrainingResult().getTrainLoss());
                }
            }
        }
    }
}
