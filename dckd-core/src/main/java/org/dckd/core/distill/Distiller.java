package org.dckd.core.distill;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.core.optim.AdamOptimizer;
import org.dckd.core.optim.ExponentialMovingAverage;
import org.dckd.core.optim.LearningRateSchedule;
import org.dckd.losses.DistillationLoss;
import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm;
import org.dckd.losses.TrainingRoles;
import org.dckd.nn.DjlRuntime;
import org.dckd.nn.OwnedArrays;
import org.dckd.nn.TappedOutput;
import org.dckd.nn.TorchModule;

/**
 * Knowledge distillation with explicit roles: a trainable student, an optional frozen teacher (eval mode, parameters
 * frozen, never updated), trainable connectors owned by loss terms, the student's EMA, and the loss terms.
 *
 * <p>{@link #step} runs one optimisation step on a batch in its own {@link NDManager} scope, inside a
 * {@link GradientCollector}: student forward with the requested feature taps, teacher forward without gradients (only
 * when a term needs it), the weighted loss, a NaN/Inf guard, backward, optional gradient-norm clipping, the Adam
 * update, the EMA update and the terms' {@code afterStep} hooks (the DCKD history model). Batches are NCHW float32 on the
 * [0, 1] scale; each network's own input range is applied here.
 *
 * <pre>{@code
 * try (Distiller d = Distiller.builder()
 *         .setManager(manager).setStudent(student).optTeacher(teacher)
 *         .addTerms(Dckd.defaults().build())          // or .addTerm(L1Term.toHr().build()) ...
 *         .build()) {
 *     for (...) { StepResult r = d.step(lr, hr); }
 * }
 * }</pre>
 *
 * <p>The same step drives a DJL {@code Trainer} through {@link DjlDistillation}.
 */
public final class Distiller implements AutoCloseable {

    static {
        DjlRuntime.ensureOffline();
    }

    private final SrBackbone student;
    private final SrBackbone teacher;
    private final SrBackbone studentEma;
    private final ExponentialMovingAverage ema;
    private final DistillationLoss loss;
    private final AdamOptimizer optimizer;
    private final LearningRateSchedule schedule;
    private final double baseLr;
    private final float gradClip;
    private final long seed;
    private final NDManager manager;
    private final TrainingRoles roles;
    private final Map<String, Parameter> trainable;
    private long iteration;

    private Distiller(Builder b) {
        this.student = b.student;
        this.teacher = b.teacher;
        this.loss = new DistillationLoss(b.terms);
        this.schedule = b.schedule;
        this.baseLr = b.lr;
        this.gradClip = b.gradClip;
        this.seed = b.seed;
        this.manager = b.manager;
        if (!student.isInitialized()) {
            // any initialisation order: the EMA, the history model and the optimizer need the student's parameters
            student.initialize(manager);
        }
        if (loss.needsTeacher() && teacher == null) {
            throw new IllegalArgumentException("loss terms " + termsNeedingTeacher() + " need a teacher; set one with"
                    + " optTeacher(...) or remove them");
        }
        if (teacher != null) {
            teacher.freezeParameters(true);
            if (teacher.scale() != student.scale()) {
                throw new IllegalArgumentException("teacher upscales x" + teacher.scale() + " but the student x"
                        + student.scale());
            }
        }
        if (b.emaDecay > 0) {
            studentEma = student.newInstance();
            studentEma.initialize(manager);
            studentEma.freezeParameters(true);
            ema = ExponentialMovingAverage.of(student, studentEma, b.emaDecay, b.emaWarmup);
        } else {
            studentEma = null;
            ema = null;
        }
        this.roles = new TrainingRoles(student, teacher, studentEma, manager, seed);
        for (LossTerm t : loss.terms()) {
            t.attach(roles);
        }
        trainable = new LinkedHashMap<>();
        TorchModule.parameters(student).forEach((k, v) -> {
            if (v.requiresGradient()) {   // not fixed tensors (LIPT's mean shifts, Sobel masks, BatchNorm statistics)
                trainable.put("student." + k, v);
            }
        });
        for (LossTerm t : loss.terms()) {
            List<Parameter> ps = t.trainableParameters();
            for (int i = 0; i < ps.size(); i++) {
                trainable.put("term." + t.name() + "." + i, ps.get(i));
            }
        }
        this.optimizer = new AdamOptimizer(trainable, b.beta1, b.beta2, b.eps, b.weightDecay, b.decoupled);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    private List<String> termsNeedingTeacher() {
        List<String> out = new ArrayList<>();
        for (LossTerm t : loss.terms()) {
            if (t.needsTeacher()) {
                out.add(t.name());
            }
        }
        return out;
    }

    /** The trainable student. */
    public SrBackbone student() {
        return student;
    }

    /** The frozen teacher, or {@code null}. */
    public SrBackbone teacher() {
        return teacher;
    }

    /** The student's EMA, or {@code null} when EMA is off. */
    public SrBackbone studentEma() {
        return studentEma;
    }

    /** The network validation should use: the EMA when there is one, else the student. */
    public SrBackbone validationNetwork() {
        return studentEma != null ? studentEma : student;
    }

    /** The run's long-lived manager. */
    public NDManager manager() {
        return manager;
    }

    /** The loss. */
    public DistillationLoss loss() {
        return loss;
    }

    /** The number of steps taken (the last finished iteration). */
    public long iteration() {
        return iteration;
    }

    /** The learning rate the next step will use. */
    public double nextLearningRate() {
        return schedule.lr(baseLr, iteration + 1);
    }

    /**
     * One optimisation step.
     *
     * @param lr the LR batch, NCHW float32 in [0, 1]
     * @param hr the HR batch, NCHW float32 in [0, 1]
     * @return the losses of this step
     * @throws NonFiniteLossException if the loss or the gradient norm is NaN/Inf (nothing is updated then)
     */
    public StepResult step(NDArray lr, NDArray hr) {
        long t0 = System.nanoTime();
        long it = beginStep();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = lr.duplicate();
            x.attach(scope);
            NDArray y = hr.duplicate();
            y.attach(scope);
            DistillationLoss.Value v;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                TappedOutput s = forwardStudent(new ParameterStore(scope, false), x);
                v = computeLoss(scope, it, x, y, s);
                gc.backward(v.total());
            }
            NDArray gradient = gatherGradients(scope);
            Losses losses = readAndClip(it, v, gradient);
            return applyUpdate(it, losses, gradient, t0);
        }
    }

    // The phases of a step, shared by step() and the DJL Trainer adapter (DjlDistillation), so that both train
    // bit-identically: begin (seeds), student forward, loss, [backward by the caller], gather the gradients, read the
    // values + guard + clip (the step's one device-to-host transfer), update.

    /** Starts iteration {@code iteration() + 1}: engine-side randomness (stochastic depth) is a function of (seed, it). */
    long beginStep() {
        long it = iteration + 1;
        Engine.getInstance().setRandomSeed((int) mix(seed ^ 0x5DEECE66DL, it));
        return it;
    }

    /** The student's training forward on a [0, 1] batch (with the feature taps the terms read), output on [0, 1]. */
    TappedOutput forwardStudent(ParameterStore ps, NDArray x) {
        return run(student, ps, x, true, loss.requirements().contains(LossTerm.Requirement.STUDENT_FEATURES));
    }

    /** The student's inference forward on a [0, 1] batch, output on [0, 1]. */
    NDArray inferStudent(ParameterStore ps, NDArray x) {
        return run(student, ps, x, false, false).output();
    }

    /** The teacher's pass without gradients (when a term needs it) and the weighted loss of iteration {@code it}. */
    DistillationLoss.Value computeLoss(NDManager scope, long it, NDArray x, NDArray y, TappedOutput s) {
        Set<LossTerm.Requirement> req = loss.requirements();
        NDArray teacherOut = null;
        Map<String, NDArray> teacherFeatures = Map.of();
        boolean teacherOutput = req.contains(LossTerm.Requirement.TEACHER_OUTPUT)
                || req.contains(LossTerm.Requirement.TEACHER_FEATURES);
        if (teacher != null && teacherOutput) {
            TappedOutput t = run(teacher, new ParameterStore(scope, false), x, false, !loss.teacherTaps().isEmpty());
            teacherOut = t.output().stopGradient();
            teacherFeatures = detach(t.features());
        }
        LossContext context = new LossContext(scope, it, x, y, s.output(), teacherOut, s.features(), teacherFeatures,
                networkOperator(student, scope, true), teacher == null ? null : networkOperator(teacher, scope, false),
                mix(seed, it));
        return loss.compute(context);
    }

    /**
     * The step's values on the host.
     *
     * @param total the weighted loss
     * @param terms each term's unweighted value
     * @param norm the global L2 norm of the gradient before clipping
     */
    record Losses(float total, Map<String, Float> terms, double norm) {}

    /** The trainable gradients (student and connectors) as one flat array of the scope, after the backward pass. */
    NDArray gatherGradients(NDManager scope) {
        return optimizer.gatherGradients(scope);
    }

    /**
     * The step's one device-to-host transfer: the total, every term and the squared gradient norm, read together. A
     * NaN/Inf total or norm stops the step before anything is updated (the gradients are zeroed); otherwise the flat
     * gradient is clipped to the configured norm here.
     */
    Losses readAndClip(long it, DistillationLoss.Value v, NDArray flatGradient) {
        NDList scalars = new NDList(v.terms().size() + 2);
        scalars.add(v.total());
        scalars.addAll(v.terms().values());
        float[] host;
        try (NDArray sq = flatGradient.square(); NDArray sumSq = sq.sum()) {
            scalars.add(sumSq);
            try (NDArray stacked = NDArrays.stack(scalars)) {
                host = stacked.toFloatArray();
            }
        }
        Map<String, Float> values = new LinkedHashMap<>();
        int i = 1;
        for (String name : v.terms().keySet()) {
            values.put(name, host[i++]);
        }
        float total = host[0];
        double norm = Math.sqrt(host[i]);
        if (!Float.isFinite(total) || !Double.isFinite(norm)) {
            zeroGradients();
            throw new NonFiniteLossException(it, values, Float.isFinite(total) ? "gradient norm" : "loss");
        }
        if (gradClip > 0 && norm > gradClip) {
            flatGradient.muli((float) (gradClip / (norm + 1e-6)));
        }
        return new Losses(total, Collections.unmodifiableMap(values), norm);
    }

    /** The update of iteration {@code it}: Adam, then the EMA and the terms' after-step hooks (the history model). */
    StepResult applyUpdate(long it, Losses losses, NDArray flatGradient, long startNanos) {
        if (it != iteration + 1) {
            throw new IllegalStateException("update of iteration " + it + " after iteration " + iteration);
        }
        double rate = schedule.lr(baseLr, it);
        optimizer.step(rate, flatGradient);
        iteration = it;
        if (ema != null) {
            ema.update(it);
        }
        for (LossTerm t : loss.terms()) {
            t.afterStep(it, roles);
        }
        return new StepResult(it, rate, losses.total(), losses.terms(), losses.norm(),
                (System.nanoTime() - startNanos) / 1e9);
    }

    /** Runs a network on a [0,1] batch, converting to and from its range. */
    private static TappedOutput run(SrBackbone net, ParameterStore ps, NDArray x, boolean training, boolean taps) {
        float range = net.inputRange();
        NDArray in = range == 1f ? x : OwnedArrays.mul(x, range);
        if (taps) {
            TappedOutput t = net.forwardWithFeatures(ps, in, training);
            return new TappedOutput(range == 1f ? t.output() : OwnedArrays.div(t.output(), range), t.features());
        }
        NDArray out = net.forward(ps, new NDList(in), training).singletonOrThrow();
        return new TappedOutput(range == 1f ? out : OwnedArrays.div(out, range), Map.of());
    }

    private static UnaryOperator<NDArray> networkOperator(SrBackbone net, NDManager scope, boolean training) {
        return in -> {
            NDArray out = run(net, new ParameterStore(scope, false), in, training, false).output();
            return training ? out : out.stopGradient();
        };
    }

    private static Map<String, NDArray> detach(Map<String, NDArray> features) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        features.forEach((k, v) -> out.put(k, v.stopGradient()));
        return out;
    }

    /**
     * Zeroes every trainable gradient (a step that updates nothing). NaN/Inf entries too: {@code 0 * NaN} is NaN, and
     * PyTorch accumulates gradients, so they would poison every later step.
     */
    private void zeroGradients() {
        for (Parameter p : trainable.values()) {
            try (NDArray g = p.getArray().getGradient()) {
                g.muli(0);
                try (NDArray bad = g.isNaN()) {
                    g.set(bad, 0f);
                }
            }
        }
    }

    /** A per-iteration seed (SplitMix64 of the run seed and the iteration). */
    static long mix(long seed, long iteration) {
        long z = seed * 0x9E3779B97F4A7C15L + iteration;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The complete training state as tensors: {@code student.*}, {@code student_ema.*}, {@code optimizer.*},
     * {@code term.<name>.*}, and {@code iteration}. Restoring it with {@link #loadState} continues exactly.
     */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        StateDict.of(student).tensors().forEach((k, v) -> out.put("student." + k, v));
        if (studentEma != null) {
            StateDict.of(studentEma).tensors().forEach((k, v) -> out.put("student_ema." + k, v));
        }
        optimizer.state().forEach((k, v) -> out.put("optimizer." + k, v));
        for (LossTerm t : loss.terms()) {
            t.state().forEach((k, v) -> out.put("term." + t.name() + "." + k, v));
        }
        out.put("iteration", Tensor.ofLong(iteration));
        return out;
    }

    /**
     * Restores {@link #state()} (strictly: every part must be present and fit).
     *
     * @param state the tensors
     * @throws IllegalArgumentException naming what is missing or does not fit
     */
    public void loadState(Map<String, Tensor> state) {
        Tensor it = state.get("iteration");
        if (it == null) {
            throw new IllegalArgumentException("training state has no 'iteration'");
        }
        WeightLoader.load(student, select(state, "student."));
        if (studentEma != null) {
            Map<String, Tensor> e = prefixed(state, "student_ema.");
            if (e.isEmpty()) {
                throw new IllegalArgumentException("training state has no student EMA, but this run uses EMA");
            }
            WeightLoader.load(studentEma, new StateDict(e, null));
        }
        optimizer.loadState(prefixed(state, "optimizer."));
        for (LossTerm t : loss.terms()) {
            t.loadState(prefixed(state, "term." + t.name() + "."));
        }
        iteration = it.longValue();
    }

    private static StateDict select(Map<String, Tensor> state, String prefix) {
        return new StateDict(prefixed(state, prefix), null);
    }

    private static Map<String, Tensor> prefixed(Map<String, Tensor> state, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    @Override
    public void close() {
        loss.close();
    }

    /** Builds a {@link Distiller}. */
    public static final class Builder {
        private SrBackbone student;
        private SrBackbone teacher;
        private final List<LossTerm> terms = new ArrayList<>();
        private NDManager manager;
        private double lr = TrainingDefaults.LEARNING_RATE;
        private float beta1 = (float) TrainingDefaults.BETA1;
        private float beta2 = (float) TrainingDefaults.BETA2;
        private float eps = (float) TrainingDefaults.EPS;
        private float weightDecay = (float) TrainingDefaults.WEIGHT_DECAY;
        private boolean decoupled = TrainingDefaults.DECOUPLED_WEIGHT_DECAY;
        private LearningRateSchedule schedule = TrainingDefaults.schedule();
        private float emaDecay = TrainingDefaults.EMA_DECAY;
        private boolean emaWarmup = TrainingDefaults.EMA_WARMUP;
        private float gradClip = TrainingDefaults.GRAD_CLIP;
        private long seed = TrainingDefaults.SEED;

        private Builder() {}

        /** The trainable student (required); initialised here with its default input shape if it is not yet. */
        public Builder setStudent(SrBackbone student) {
            this.student = student;
            return this;
        }

        /** The manager that owns the run's long-lived arrays (EMA, optimizer state, term helpers) (required). */
        public Builder setManager(NDManager manager) {
            this.manager = manager;
            return this;
        }

        /** The teacher, initialised with its weights; it is frozen here. */
        public Builder optTeacher(SrBackbone teacher) {
            this.teacher = teacher;
            return this;
        }

        /** Adds a loss term (at least one is required). */
        public Builder addTerm(LossTerm term) {
            terms.add(term);
            return this;
        }

        /** Adds loss terms. */
        public Builder addTerms(List<LossTerm> list) {
            terms.addAll(list);
            return this;
        }

        /** Adam (or AdamW: decoupled weight decay) settings; the defaults are {@link TrainingDefaults}' (the DCKD recipe). */
        public Builder optAdam(double lr, float beta1, float beta2, float eps, float weightDecay, boolean adamw) {
            this.lr = lr;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.decoupled = adamw;
            return this;
        }

        /** The base learning rate (default 1e-4). */
        public Builder optLearningRate(double lr) {
            this.lr = lr;
            return this;
        }

        /** The learning-rate schedule (default constant). */
        public Builder optSchedule(LearningRateSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** The student EMA decay (default 0.999; 0 turns EMA off). */
        public Builder optEmaDecay(float decay) {
            this.emaDecay = decay;
            return this;
        }

        /** Whether the EMA decay warms up as {@code min(decay, (1 + t) / (10 + t))} (default true). */
        public Builder optEmaWarmup(boolean warmup) {
            this.emaWarmup = warmup;
            return this;
        }

        /** Clips the global gradient L2 norm to this value (default 0: off). */
        public Builder optGradClip(float maxNorm) {
            this.gradClip = maxNorm;
            return this;
        }

        /** The run seed (default 10, the DCKD recipe's); terms derive their random streams from it. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Builds the distiller (attaches the loss terms: encoders and the history model are created now). */
        public Distiller build() {
            if (student == null) {
                throw new IllegalStateException("setStudent(...) is required");
            }
            if (manager == null) {
                throw new IllegalStateException("setManager(...) is required");
            }
            if (terms.isEmpty()) {
                throw new IllegalStateException("at least one loss term is required (addTerm)");
            }
            if (!(lr > 0)) {
                throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
            }
            if (gradClip < 0) {
                throw new IllegalArgumentException("grad clip must be >= 0, got " + gradClip);
            }
            return new Distiller(this);
        }
    }
}
