package org.dckd.examples;

import java.io.IOException;
import java.util.Map;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.translate.TranslateException;

import org.dckd.backbones.catalog.Backbones;
import org.dckd.backbones.BlockNetwork;
import org.dckd.backbones.SrBackbone;
import org.dckd.core.distill.Distiller;
import org.dckd.core.distill.DjlDistillation;
import org.dckd.core.train.ProceduralBatches;
import org.dckd.core.train.TrainingBatches;
import org.dckd.losses.dckd.Dckd;

/**
 * (b) DCKD in a plain DJL {@link Trainer} / {@link EasyTrain} setup: {@link DjlDistillation} gives the model's block,
 * the loss, one evaluator per term, the listener and the optimizer; the step is the distiller's own, so it trains
 * exactly as {@link Distiller#step} would.
 *
 * <p>Run: {@code java -cp ... org.dckd.examples.DjlTrainerDistillation [epochs]}.
 */
public final class DjlTrainerDistillation {

    private DjlTrainerDistillation() {}

    /** Entry point. */
    public static void main(String[] args) throws IOException, TranslateException {
        fit(args.length > 0 ? Integer.parseInt(args[0]) : 2);
    }

    // [readme:djl-trainer]
    /**
     * Distils for some epochs of a small in-memory dataset.
     *
     * @param epochs the number of epochs (4 batches each)
     * @return DJL's evaluations of the last epoch: {@code train_loss} and {@code train_<term>} for every term
     * @throws IOException if the data cannot be made
     * @throws TranslateException if DJL's training fails
     */
    public static Map<String, Float> fit(int epochs) throws IOException, TranslateException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SrBackbone teacher = Backbones.preset("rlfn", 2).build();          // + WeightLoader.load(teacher, ...)
            teacher.initialize(manager);
            SrBackbone student = BlockNetwork.builder().setFactory(OwnBlockStudent::network).setScale(2).build();

            // a dataset of 16 patches: data = [lr], labels = [hr], NCHW on [0, 1]
            TrainingBatches.Batch b = new ProceduralBatches(16, 96, 2, 24, 16, 1, 0).next();
            NDArray lr = b.lrArray(manager);
            NDArray hr = b.hrArray(manager);
            ArrayDataset dataset = new ArrayDataset.Builder().setData(lr).optLabels(hr).setSampling(4, true).build();

            try (Distiller distiller = Distiller.builder()
                    .setManager(manager).setStudent(student).optTeacher(teacher)
                    .addTerms(Dckd.defaults().optNegatives(2).build())
                    .optLearningRate(2e-4)
                    .build();
                    Model model = Model.newInstance("student")) {
                DjlDistillation kd = DjlDistillation.of(distiller);
                model.setBlock(kd.block());
                try (Trainer trainer = model.newTrainer(kd.trainingConfig())) {   // add your own listeners to it
                    trainer.initialize(new Shape(4, 3, 24, 24));
                    EasyTrain.fit(trainer, epochs, dataset, null);
                    Map<String, Float> evaluations = trainer.getTrainingResult().getEvaluations();
                    System.out.printf("%d steps; train_loss %.4f; %s%n", distiller.iteration(),
                            trainer.getTrainingResult().getTrainLoss(), evaluations);
                    return evaluations;
                }
            }
        }
    }
    // [readme:end]
}
