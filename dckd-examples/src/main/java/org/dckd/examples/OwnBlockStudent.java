package org.dckd.examples;

import java.io.IOException;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;

import org.dckd.backbones.catalog.Backbones;
import org.dckd.backbones.BlockNetwork;
import org.dckd.backbones.SrBackbone;
import org.dckd.core.distill.Distiller;
import org.dckd.core.distill.StepResult;
import org.dckd.core.train.ProceduralBatches;
import org.dckd.core.train.TrainingBatches;
import org.dckd.losses.dckd.Dckd;
import org.dckd.nn.PixelShuffle;

/**
 * (a) Your own DJL block as the student, distilled with DCKD in your own loop ({@link Distiller#step}).
 *
 * <p>Run: {@code java -cp ... org.dckd.examples.OwnBlockStudent [steps]}. The teacher here is an untrained RLFN, which
 * only shows the mechanics: load its official weights with {@code WeightLoader.load(teacher, Checkpoints.read(path))}.
 */
public final class OwnBlockStudent {

    private OwnBlockStudent() {}

    /** Entry point. */
    public static void main(String[] args) throws IOException {
        train(args.length > 0 ? Integer.parseInt(args[0]) : 20);
    }

    // [readme:own-block]
    /** The student: any DJL block; here conv-relu-conv-relu-conv and a pixel shuffle, x2. */
    public static Block network() {
        return new SequentialBlock()
                .add(conv(32)).add(Activation::relu)
                .add(conv(32)).add(Activation::relu)
                .add(conv(3 * 2 * 2))
                .add(new LambdaBlock(x -> new NDList(PixelShuffle.apply(x.singletonOrThrow(), 2))));
    }

    /**
     * Distils the student for some steps.
     *
     * @param steps the number of steps
     * @return the last step
     * @throws IOException if a batch cannot be made
     */
    public static StepResult train(int steps) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            SrBackbone teacher = Backbones.preset("rlfn", 2).build();          // the official RLFN x2 layout
            teacher.initialize(manager);                                        // + WeightLoader.load(teacher, ...)
            SrBackbone student = BlockNetwork.builder()
                    .setFactory(OwnBlockStudent::network)   // new instances for the EMA and DCKD's history model
                    .setScale(2)
                    .build();
            try (Distiller distiller = Distiller.builder()
                    .setManager(manager).setStudent(student).optTeacher(teacher)
                    .addTerms(Dckd.defaults().optNegatives(2).build())        // L1 + Logits KD + DCR + DMM
                    .optLearningRate(2e-4)
                    .build();
                    TrainingBatches data = new ProceduralBatches(16, 96, 2, 24, 4, 1, 0)) {
                StepResult last = null;
                for (int i = 0; i < steps; i++) {
                    TrainingBatches.Batch b = data.next();                      // NCHW on [0, 1]
                    try (NDManager step = manager.newSubManager()) {
                        last = distiller.step(b.lrArray(step), b.hrArray(step));
                    }
                    System.out.printf("iteration %d  loss %.4f  %s%n", last.iteration(), last.loss(), last.terms());
                }
                return last;
            }
        }
    }
    // [readme:end]

    static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters).build();
    }
}
