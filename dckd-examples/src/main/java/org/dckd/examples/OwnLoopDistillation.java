package org.dckd.examples;

import java.nio.file.Path;
import java.util.List;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.dckd.backbones.Backbones;
import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.core.distill.Distiller;
import org.dckd.core.distill.StepResult;
import org.dckd.core.train.ProceduralBatches;
import org.dckd.core.train.TrainingBatches;
import org.dckd.losses.pixel.L1Term;

/**
 * Distillation inside your own training loop: build a teacher and a student, pick loss terms, call
 * {@link Distiller#step} with your batches.
 *
 * <p>Run: {@code java -cp ... org.dckd.examples.OwnLoopDistillation [rlfn_x4.pth]} (without weights the teacher is
 * random, which only shows the mechanics).
 */
public final class OwnLoopDistillation {

    private OwnLoopDistillation() {}

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            SrBackbone teacher = Backbones.preset("rlfn", 4).build();         // the official RLFN x4 layout
            teacher.initialize(manager);
            if (args.length > 0) {
                WeightLoader.load(teacher, Checkpoints.read(Path.of(args[0])));
            }
            SrBackbone student = RlfnConfig.of(4, 24, null, 3, 16, 255f).build();   // a smaller RLFN
            student.initialize(manager);

            try (Distiller distiller = Distiller.builder()
                    .setManager(manager).setStudent(student).optTeacher(teacher)
                    .addTerm(L1Term.toHr().build())          // l_pix
                    .addTerm(L1Term.toTeacher().build())     // l_kd (Logits KD)
                    .optLearningRate(2e-4).build();
                    TrainingBatches data = new ProceduralBatches(16, 192, 4, 32, 8, 1, 0)) {
                for (int i = 0; i < 20; i++) {
                    TrainingBatches.Batch b = data.next();
                    try (NDManager step = manager.newSubManager()) {
                        StepResult r = distiller.step(
                                step.create(b.lr(), new Shape(b.n(), 3, b.lrHeight(), b.lrWidth())),
                                step.create(b.hr(), new Shape(b.n(), 3, b.hrHeight(), b.hrWidth())));
                        System.out.printf("iter %d  loss %.4f  %s%n", r.iteration(), r.loss(), r.terms());
                    }
                }
                // distiller.state() holds everything needed to resume; the EMA is distiller.studentEma()
            }
        }
    }
}
