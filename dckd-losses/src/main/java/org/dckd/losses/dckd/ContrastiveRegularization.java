package org.dckd.losses.dckd;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

import org.dckd.checkpoint.Tensor;
import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm;
import org.dckd.losses.TrainingRoles;
import org.dckd.losses.encoders.FeatureEncoder;
import org.dckd.losses.encoders.SharedEncoders;
import org.dckd.nn.IntermediateScope;

/**
 * DCKD's dynamic contrastive regularization {@code l_dcl} (see {@link ContrastRatio} for the formula): anchor
 * {@code S(x)}, positive {@code T(x)}, negatives {@code H(D_j(x))} from the {@link HistoryModel} on degraded copies of
 * the LR input ({@link NegativeDegradation}, drawn from the step's {@code sampleSeed}), compared in a frozen encoder's
 * multi-level feature space.
 *
 * <p>Lifecycle: {@link #attach} builds the encoder (loading its checkpoint) and the history model (a copy of the
 * student's EMA, or of the student), both frozen, in the run's manager; {@link #afterStep} updates the history model
 * on its schedule; {@link #state()} holds the history weights so a resumed run continues with them. Only the student
 * output receives gradient.
 */
public final class ContrastiveRegularization implements LossTerm {

    private final ContrastiveRegularizationConfig config;
    private final NegativeDegradation degradation;
    private ContrastRatio ratio;
    private HistoryModel history;
    private Map<String, Tensor> pendingState;

    /**
     * Creates the term (cheap; the encoder and history model are built by {@link #attach}).
     *
     * @param config the config
     */
    public ContrastiveRegularization(ContrastiveRegularizationConfig config) {
        this.config = config;
        this.degradation = new NegativeDegradation(config.degradation());
    }

    /** The config. */
    public ContrastiveRegularizationConfig config() {
        return config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public float weight() {
        return config.weight();
    }

    @Override
    public Set<Requirement> requirements() {
        return EnumSet.of(Requirement.STUDENT_OUTPUT, Requirement.TEACHER_OUTPUT);
    }

    /**
     * Builds the frozen encoder and the history model.
     *
     * @throws IllegalArgumentException if {@code level_weights} does not fit the encoder's levels, or the encoder's
     *     checkpoint does not fit (the message names the term and key)
     */
    @Override
    public void attach(TrainingRoles roles) {
        FeatureEncoder encoder = SharedEncoders.get(config.encoder(), roles.manager());
        try {
            ratio = new ContrastRatio(encoder, config.levelWeights(), config.eps(), (long) config.chunkMb() << 20);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(describe() + ": " + e.getMessage(), e);
        }
        history = HistoryModel.create(roles, config.history());
        if (pendingState != null) {
            history.loadState(pendingState);
            pendingState = null;
        }
    }

    /** The frozen encoder (after {@link #attach}). */
    public FeatureEncoder encoder() {
        return attached().encoder();
    }

    /** The history model (after {@link #attach}). */
    public HistoryModel history() {
        attached();
        return history;
    }

    /** The degradations. */
    public NegativeDegradation degradation() {
        return degradation;
    }

    @Override
    public NDArray compute(LossContext context) {
        ContrastRatio r = attached();
        NDArray positive = context.requireTeacherOutput(name());
        NDArray lr = context.lr();
        long seed = context.sampleSeed();
        int count = config.negatives();
        long n = lr.getShape().get(0);
        // every negative through the history model in one batched pass (no gradient), then one slice per negative
        NDArray all = IntermediateScope.apply(lr, x -> {
            NDList inputs = new NDList(count);
            for (int j = 0; j < count; j++) {
                inputs.add(negativeInput(x, j, seed));
            }
            return history.run(count == 1 ? inputs.head() : NDArrays.concat(inputs));
        });
        try {
            return r.compute(context.studentOutput(), positive, count,
                    j -> all.get(new NDIndex().addSliceDim(j * n, (j + 1) * n)), context.shared()).loss();
        } finally {
            all.close();
        }
    }

    /**
     * The LR input of negative {@code j}: the clean LR for {@code j == 0} when {@code clean_negative}, otherwise a
     * degraded copy seeded by {@code (seed, j)}.
     *
     * @param lr the LR batch on [0, 1]
     * @param j the negative's index
     * @param seed the step's sample seed
     * @return the input (in {@code lr}'s manager; {@code lr} itself for the clean negative)
     */
    public NDArray negativeInput(NDArray lr, int j, long seed) {
        if (j == 0 && config.cleanNegative()) {
            return lr;
        }
        return degradation.apply(lr, NegativeDegradation.mix(seed, j));
    }

    @Override
    public void afterStep(long iteration, TrainingRoles roles) {
        attached();
        history.afterStep(iteration, roles);
    }

    @Override
    public Map<String, Tensor> state() {
        if (history == null) {
            return pendingState == null ? Map.of() : pendingState;
        }
        return history.state();
    }

    /**
     * Restores the history model's weights ({@code history.*} entries); an empty state (nothing saved) keeps the
     * current weights.
     */
    @Override
    public void loadState(Map<String, Tensor> state) {
        if (state.isEmpty()) {
            return;
        }
        if (history == null) {
            pendingState = new LinkedHashMap<>(state); // keeps the order: state() must be reproducible
        } else {
            history.loadState(state);
        }
    }

    private ContrastRatio attached() {
        if (ratio == null) {
            throw new IllegalStateException(describe() + " is not attached: call attach(roles) before training");
        }
        return ratio;
    }

    private String describe() {
        return "loss term '" + name() + "' (" + ContrastiveRegularizationConfig.TYPE + ")";
    }

    /**
     * Starts building this term from Java: the same values and defaults as its YAML keys
     * ({@link ContrastiveRegularizationConfig}).
     *
     * @return a builder; {@code build()} gives the term, {@code config()} the config record
     */
    public static ContrastiveRegularizationConfig.Builder builder() {
        return new ContrastiveRegularizationConfig.Builder();
    }
}
