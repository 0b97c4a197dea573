package org.dckd.core.djl;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;

import org.dckd.backbones.SrBackbone;
import org.dckd.losses.DistillationLoss;
import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm;
import org.dckd.losses.TrainingRoles;
import org.dckd.nn.OwnedArrays;

/**
 * Plugs dckd's distillation loss into a plain DJL {@link Trainer} / {@code EasyTrain} setup: a {@link Loss} and a
 * {@link TrainingListener}.
 *
 * <p>Contract with the user's dataset: {@code data = [lr]}, {@code labels = [hr, lr]} (the LR batch is passed again as
 * the second label, because a DJL {@code Loss} only sees labels and predictions and the teacher needs the input), all
 * NCHW in [0, 1]; the model's block is the student and gets {@code lr * studentRange}. The DJL optimizer of the
 * trainer updates the student. Terms that read intermediate features (FAKD) need the dckd {@code Distiller}, because
 * DJL's {@code Trainer.forward} returns only the output: they are rejected here with a clear message.
 *
 * <pre>{@code
 * DjlDistillation kd = new DjlDistillation(student, teacher, terms, manager, 10);
 * TrainingConfig tc = new DefaultTrainingConfig(kd.loss())
 *         .optOptimizer(Optimizer.adam().build())
 *         .addTrainingListeners(kd.listener());
 * }</pre>
 */
public final class DjlDistillation {

    private final SrBackbone student;
    private final SrBackbone teacher;
    private final DistillationLoss loss;
    private final TrainingRoles roles;
    private long iteration;

    /**
     * Creates the adapter and attaches the terms (encoders and the history model are created now).
     *
     * @param student the student (the block of the DJL model being trained)
     * @param teacher the frozen teacher, or {@code null}
     * @param terms the loss terms
     * @param manager a long-lived manager for the terms' frozen helpers
     * @param seed the seed of the terms' random choices
     */
    public DjlDistillation(SrBackbone student, SrBackbone teacher, List<LossTerm> terms, NDManager manager, long seed) {
        this.student = student;
        this.teacher = teacher;
        this.loss = new DistillationLoss(terms);
        for (LossTerm t : terms) {
            if (t.requirements().contains(LossTerm.Requirement.STUDENT_FEATURES)
                    || t.requirements().contains(LossTerm.Requirement.TEACHER_FEATURES)) {
                throw new IllegalArgumentException("loss term '" + t.name() + "' reads intermediate features, which a"
                        + " DJL Trainer does not expose; use org.dckd.core.distill.Distiller for it");
            }
        }
        if (loss.needsTeacher() && teacher == null) {
            throw new IllegalArgumentException("the loss terms need a teacher");
        }
        if (teacher != null) {
            teacher.freezeParameters(true);
        }
        this.roles = new TrainingRoles(student, teacher, null, manager, seed);
        terms.forEach(t -> t.attach(roles));
    }

    /** The DJL loss: evaluates the weighted distillation loss; each term is also reported as a sub-loss value. */
    public Loss loss() {
        return new Loss("dckd") {
            @Override
            public NDArray evaluate(NDList labels, NDList predictions) {
                NDArray hr = labels.get(0);
                if (labels.size() < 2) {
                    throw new IllegalArgumentException("dckd's DJL loss needs labels = [hr, lr] (the LR batch as the"
                            + " second label), got " + labels.size() + " label(s)");
                }
                NDArray lr = labels.get(1);
                NDManager m = predictions.head().getManager();
                NDArray out = OwnedArrays.div(predictions.head(), student.inputRange());
                NDArray t = teacher == null || !loss.needsTeacher() ? null : runFrozen(teacher, lr, m);
                LossContext ctx = new LossContext(m, iteration + 1, lr, hr, out, t, Map.of(), Map.of(),
                        x -> OwnedArrays.div(student.forward(new ParameterStore(m, false),
                                new NDList(OwnedArrays.mul(x, student.inputRange())),
                                true).singletonOrThrow(), student.inputRange()),
                        teacher == null ? null : x -> runFrozen(teacher, x, m), iteration * 0x9E3779B97F4A7C15L);
                return loss.compute(ctx).total();
            }
        };
    }

    private static NDArray runFrozen(SrBackbone net, NDArray x, NDManager m) {
        NDArray in = OwnedArrays.mul(x, net.inputRange());
        NDArray out = net.forward(new ParameterStore(m, false), new NDList(in), false).singletonOrThrow();
        return out.div(net.inputRange()).stopGradient();
    }

    /** The listener: runs the terms' {@code afterStep} hooks (the DCKD history model) after every training batch. */
    public TrainingListener listener() {
        return new TrainingListenerAdapter() {
            @Override
            public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                iteration++;
                for (LossTerm t : loss.terms()) {
                    t.afterStep(iteration, roles);
                }
            }
        };
    }

    /** The number of training batches seen. */
    public long iteration() {
        return iteration;
    }
}
