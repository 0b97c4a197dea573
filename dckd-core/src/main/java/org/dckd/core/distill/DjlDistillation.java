package org.dckd.core.distill;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.PairList;

import org.dckd.losses.DistillationLoss;
import org.dckd.nn.TappedOutput;

/**
 * A {@link Distiller} driven by a plain DJL {@link Trainer} ({@code EasyTrain.fit} or your own loop of
 * {@code forward}, {@code getLoss().evaluate}, {@code backward}, {@code step}): the same step as
 * {@link Distiller#step}, phase by phase, so that both give bit-identical weights for the same seed and batches.
 *
 * <pre>{@code
 * try (Distiller distiller = Distiller.builder().setManager(manager).setStudent(student).optTeacher(teacher)
 *             .addTerms(Dckd.defaults().build()).build();
 *         Model model = Model.newInstance("student")) {
 *     DjlDistillation kd = DjlDistillation.of(distiller);
 *     model.setBlock(kd.block());
 *     try (Trainer trainer = model.newTrainer(kd.trainingConfig())) {
 *         trainer.initialize(new Shape(1, 3, 32, 32));
 *         EasyTrain.fit(trainer, epochs, dataset, null);      // data = [lr], labels = [hr], NCHW on [0, 1]
 *         trainer.getTrainingResult().getEvaluations();      // train_loss and train_<term> for every term
 *     }
 * }
 * }</pre>
 *
 * <p>What each DJL part does:
 * <ul>
 *   <li>{@link #block()}: the model's block. In training it runs the student (with the feature taps the terms read)
 *       and returns {@code [output, input, taps...]}; in evaluation (a predictor, {@code trainer.evaluate}) it returns
 *       {@code [output]}. Inputs and outputs are on [0, 1]; the student's own range is applied inside.</li>
 *   <li>{@link #loss()}: the distiller's weighted loss (the teacher's pass included) on training batches; on validation
 *       batches, where no distillation step runs, the mean absolute error to HR.</li>
 *   <li>{@link #termEvaluators()}: one evaluator per loss term (its unweighted value), reported by DJL's
 *       {@code EvaluatorTrainingListener} as {@code train_<term>}.</li>
 *   <li>{@link #listener()}: after the backward pass, the step's one read of values (the losses and the gradient
 *       norm), the NaN/Inf guard and the clipping.</li>
 *   <li>{@link #optimizer()}: the distiller's own optimizer step (Adam/AdamW, the schedule, EMA, history model, the
 *       terms' connectors) applied once per {@code trainer.step()}; the trainer's per-parameter calls after the first
 *       are no-ops.</li>
 * </ul>
 *
 * <p>One device and one batch split per step (no data-parallel splitting): the distiller's state lives on its
 * manager's device. The run seed is the distiller's; the iteration count is {@link Distiller#iteration()}.
 */
public final class DjlDistillation {

    private final Distiller distiller;
    private final StudentBlock block;
    private final DistillationDjlLoss loss;
    private final List<Evaluator> termEvaluators = new ArrayList<>();

    /** The step in progress: set by the block's training forward, completed by the optimizer. */
    private long iteration = -1;
    private long startNanos;
    private NDArray output;
    private NDArray input;
    private TappedOutput student;
    private DistillationLoss.Value value;
    private NDArray gradient;
    private Distiller.Losses losses;
    private boolean applied;
    private StepResult last;

    private DjlDistillation(Distiller distiller) {
        this.distiller = distiller;
        this.block = new StudentBlock();
        this.loss = new DistillationDjlLoss();
        distiller.loss().terms().forEach(t -> termEvaluators.add(new TermEvaluator(t.name())));
    }

    /**
     * The adapter of a built distiller (its student, teacher, terms, optimizer, schedule, EMA and seed).
     *
     * @param distiller the distiller
     * @return the adapter
     */
    public static DjlDistillation of(Distiller distiller) {
        return new DjlDistillation(distiller);
    }

    /** The distiller behind this adapter. */
    public Distiller distiller() {
        return distiller;
    }

    /** The block to give the DJL {@code Model} ({@code model.setBlock(kd.block())}): the student, on [0, 1]. */
    public Block block() {
        return block;
    }

    /** The DJL loss: the distiller's weighted loss. */
    public Loss loss() {
        return loss;
    }

    /** One evaluator per loss term, named as the term: its unweighted value of the step. */
    public List<Evaluator> termEvaluators() {
        return List.copyOf(termEvaluators);
    }

    /** The listener that guards, measures and clips the gradients after the backward pass. */
    public TrainingListener listener() {
        return new TrainingListenerAdapter() {
            @Override
            public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                afterBackward();
            }
        };
    }

    /** The DJL optimizer that applies the distiller's update once per {@code trainer.step()}. */
    public Optimizer optimizer() {
        return new DistillerOptimizer();
    }

    /**
     * A training config with everything wired: {@link #loss()}, {@link #optimizer()}, {@link #termEvaluators()},
     * {@link #listener()}, DJL's basic listeners (epochs and evaluators, so that {@code getTrainingResult()} reports
     * {@code train_loss} and {@code train_<term>}), and the distiller's device. Add your own listeners to it.
     *
     * @return a new config
     */
    public DefaultTrainingConfig trainingConfig() {
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(optimizer())
                .optDevices(new Device[] {distiller.manager().getDevice()})
                .addTrainingListeners(TrainingListener.Defaults.basic()).addTrainingListeners(listener());
        termEvaluators.forEach(config::addEvaluator);
        return config;
    }

    /** What the last finished step did, or {@code null} before the first. */
    public StepResult lastStep() {
        return last;
    }

    private boolean isCurrent(NDList predictions) {
        return iteration > 0 && predictions != null && !predictions.isEmpty() && predictions.head() == output;
    }

    private Distiller.Losses losses() {
        if (losses == null) {
            if (value == null) {
                throw new IllegalStateException("no loss was computed for iteration " + iteration + ": the trainer must"
                        + " evaluate kd.loss() on the block's training predictions before the backward pass");
            }
            try {
                gradient = distiller.gatherGradients(input.getManager());
                losses = distiller.readAndClip(iteration, value, gradient);
            } catch (NonFiniteLossException e) {
                abandon();
                throw e;
            }
        }
        return losses;
    }

    private void afterBackward() {
        if (iteration < 0 || applied) {
            return;
        }
        losses();
    }

    /** A non-finite step updates nothing (as in {@link Distiller#step}); the next forward starts it again. */
    private void abandon() {
        applied = true;
        iteration = -1;
    }

    /** The student for DJL: a training forward starts a step. */
    private final class StudentBlock extends AbstractBlock {

        StudentBlock() {
            addChildBlock("student", distiller.student());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            if (!training) {
                return new NDList(distiller.inferStudent(ps, x));
            }
            if (iteration > 0 && !applied) {
                throw new IllegalStateException("iteration " + iteration + " was not finished: call trainer.step()"
                        + " (with kd.optimizer() as the trainer's optimizer) after the backward pass");
            }
            startNanos = System.nanoTime();
            iteration = distiller.beginStep();
            applied = false;
            value = null;
            losses = null;
            gradient = null;
            student = distiller.forwardStudent(ps, x);
            output = student.output();
            input = x;
            NDList out = new NDList(output, x);
            student.features().forEach((name, f) -> {
                f.setName(name);
                out.add(f);
            });
            return out;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return distiller.student().getOutputShapes(inputShapes);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            // the distiller initialised the student (and copied it into the EMA and history model): keep its weights
            if (!distiller.student().isInitialized()) {
                distiller.student().initialize(manager, dataType, inputShapes);
            }
        }
    }

    /**
     * A DJL evaluator whose accumulators hold the means of values the step already computed (DJL's default would
     * evaluate again, running the teacher and the terms a second time).
     */
    private abstract static class StepMeans extends Loss {
        private final Map<String, Long> instances = new HashMap<>();
        private final Map<String, Double> sums = new HashMap<>();

        StepMeans(String name) {
            super(name);
        }

        /** The value of these predictions, or {@code null} for none (not counted). */
        abstract Float valueOf(NDList labels, NDList predictions);

        @Override
        public void addAccumulator(String key) {
            resetAccumulator(key);
        }

        @Override
        public void updateAccumulator(String key, NDList labels, NDList predictions) {
            updateAccumulators(new String[] {key}, labels, predictions);
        }

        @Override
        public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
            Float v = valueOf(labels, predictions);
            if (v == null) {
                return;
            }
            for (String k : keys) {
                instances.merge(k, 1L, Long::sum);
                sums.merge(k, (double) v, Double::sum);
            }
        }

        @Override
        public void resetAccumulator(String key) {
            instances.put(key, 0L);
            sums.put(key, 0d);
        }

        @Override
        public float getAccumulator(String key) {
            Long n = instances.get(key);
            if (n == null) {
                throw new IllegalArgumentException("no accumulator '" + key + "'");
            }
            return n == 0 ? Float.NaN : (float) (sums.get(key) / n);
        }
    }

    /** The distiller's loss as a DJL loss. */
    private final class DistillationDjlLoss extends StepMeans {

        DistillationDjlLoss() {
            super("dckd");
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray hr = labels.head();
            if (!isCurrent(predictions)) {
                // a validation batch: no distillation step runs; report the reconstruction error
                return predictions.head().sub(hr).abs().mean();
            }
            if (value == null) {
                value = distiller.computeLoss(input.getManager(), iteration, input, hr, student);
            }
            return value.total();
        }

        @Override
        Float valueOf(NDList labels, NDList predictions) {
            if (isCurrent(predictions)) {
                return losses().total();
            }
            try (NDArray e = evaluate(labels, predictions)) {
                return e.getFloat();
            }
        }
    }

    /** One term's unweighted value; training batches only (validation has no distillation step). */
    private final class TermEvaluator extends StepMeans {

        TermEvaluator(String term) {
            super(term);
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            if (!isCurrent(predictions) || value == null) {
                return labels.head().getManager().create(Float.NaN);
            }
            return value.terms().get(getName());
        }

        @Override
        Float valueOf(NDList labels, NDList predictions) {
            return isCurrent(predictions) ? losses().terms().get(getName()) : null;
        }
    }

    /** Applies the distiller's whole update on the trainer's first per-parameter call of a step. */
    private final class DistillerOptimizer extends Optimizer {

        DistillerOptimizer() {
            super(new NoSettings());
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            if (applied) {
                return;
            }
            if (iteration < 0) {
                throw new IllegalStateException("trainer.step() before any training forward of kd.block()");
            }
            // losses() gathers, reads and clips the gradients if the listener has not (a loop without kd.listener())
            Distiller.Losses read = losses();
            last = distiller.applyUpdate(iteration, read, gradient, startNanos);
            applied = true;
        }
    }

    /** The DJL optimizer builder the base class requires; the distiller holds the real settings. */
    private static final class NoSettings extends Optimizer.OptimizerBuilder<NoSettings> {
        @Override
        protected NoSettings self() {
            return this;
        }
    }
}
