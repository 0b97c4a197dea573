package org.dckd.losses.dckd;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import org.dckd.checkpoint.Tensor;
import org.dckd.losses.TrainingRoles;
import org.dckd.nn.IntermediateScope;
import org.dckd.nn.SrNetwork;
import org.dckd.nn.TorchModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DCKD's history model {@code H}: a frozen copy of the student architecture that lags behind the student and produces
 * the negatives of the contrastive regularization.
 *
 * <p>A second network is built with {@code student.newInstance()} in the run's long-lived manager, its parameters frozen
 * (no gradient, never given to an optimizer), and initialised as a copy of the source (the student's EMA, or the
 * student; see {@link HistoryConfig}). {@link #afterStep} applies {@code theta_H <- alpha theta_H + (1 - alpha)
 * theta_src} on the iterations the schedule names. It runs in inference mode ({@code training = false}, as the code's
 * {@code net_his.eval()}), so stochastic depth and the like are off.
 */
public final class HistoryModel {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryModel.class);
    /** The prefix of the history weights in {@link #state()}. */
    public static final String STATE_PREFIX = "history.";

    private final HistoryConfig config;
    private final SrNetwork network;
    private final Map<String, Parameter> parameters;
    private final ParameterStore store;
    private boolean warnedNoEma;

    private HistoryModel(HistoryConfig config, SrNetwork network, NDManager manager) {
        this.config = config;
        this.network = network;
        this.parameters = TorchModule.parameters(network);
        this.store = new ParameterStore(manager, false);
    }

    /**
     * Builds the history model for a run and copies the source's weights into it.
     *
     * @param roles the run (the student's config gives the architecture; parameters live in {@code roles.manager()})
     * @param config the update rule
     * @return the history model
     */
    public static HistoryModel create(TrainingRoles roles, HistoryConfig config) {
        SrNetwork network = roles.student().newInstance();
        network.initialize(roles.manager());
        network.freezeParameters(true);
        HistoryModel history = new HistoryModel(config, network, roles.manager());
        history.update(history.source(roles), 0f);
        return history;
    }

    /** The network. */
    public SrNetwork network() {
        return network;
    }

    /** The update rule. */
    public HistoryConfig config() {
        return config;
    }

    /**
     * The network the updates come from: the EMA when configured and present, else the student (with a warning once
     * when the EMA was asked for but the run has none).
     *
     * @param roles the run
     * @return the source network
     */
    public SrNetwork source(TrainingRoles roles) {
        if (config.source() == HistoryConfig.Source.EMA) {
            if (roles.studentEma() != null) {
                return roles.studentEma();
            }
            if (!warnedNoEma) {
                LOG.warn("history.source is 'ema' but the run keeps no student EMA: the history model follows the "
                        + "student's weights instead (set history.source: student to silence this)");
                warnedNoEma = true;
            }
        }
        return roles.student();
    }

    /**
     * Applies the schedule: updates from the source after the iterations {@link HistoryConfig#updatesAfter} names.
     *
     * @param iteration the 1-based iteration that just finished
     * @param roles the run
     * @return whether an update happened
     */
    public boolean afterStep(long iteration, TrainingRoles roles) {
        if (!config.updatesAfter(iteration)) {
            return false;
        }
        update(source(roles), config.alpha());
        return true;
    }

    /**
     * {@code theta_H <- alpha * theta_H + (1 - alpha) * theta_src}, in place, parameter by parameter (same keys and
     * shapes: the source has the student's architecture). The source's values are read detached from any graph.
     *
     * @param source the network to move towards
     * @param alpha the weight of the current history weights (0 copies the source)
     * @throws IllegalArgumentException if the source's parameters differ in keys or shapes
     */
    public void update(SrNetwork source, float alpha) {
        Map<String, Parameter> src = TorchModule.parameters(source);
        if (!src.keySet().equals(parameters.keySet())) {
            throw new IllegalArgumentException("history model: the source network has other parameters than the "
                    + "student architecture (" + src.size() + " vs " + parameters.size() + " keys)");
        }
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray h = e.getValue().getArray();
            NDArray s = src.get(e.getKey()).getArray();
            if (!h.getShape().equals(s.getShape())) {
                throw new IllegalArgumentException("history model: parameter " + e.getKey() + " has shape "
                        + h.getShape() + " but the source's is " + s.getShape());
            }
            try (NDManager scratch = h.getManager().newSubManager()) {
                NDArray detached = s.stopGradient();
                detached.attach(scratch);
                if (alpha == 0f) {
                    h.set(detached.toByteBuffer());
                } else {
                    NDArray scaled = detached.mul(1f - alpha);
                    scaled.attach(scratch);
                    h.muli(alpha).addi(scaled);
                }
            }
        }
    }

    /**
     * Runs the history model on a [0, 1] batch, without gradient, converting to and from the network's input range.
     * Intermediate arrays are released on return.
     *
     * @param lr the LR batch {@code (N, 3, h, w)} on [0, 1]
     * @return {@code H(lr)} on [0, 1], in {@code lr}'s manager
     */
    public NDArray run(NDArray lr) {
        float range = network.inputRange();
        return IntermediateScope.apply(lr, x -> {
            NDArray in = range == 1f ? x : x.mul(range);
            NDArray out = network.forward(store, new NDList(in), false).singletonOrThrow();
            return range == 1f ? out : out.div(range);
        });
    }

    /** The weights, keyed {@code history.<state-dict key>}. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        parameters.forEach((k, p) -> out.put(STATE_PREFIX + k, Tensor.of(p.getArray())));
        return out;
    }

    /**
     * Restores weights saved by {@link #state()} (entries without the {@code history.} prefix are ignored).
     *
     * @param state the saved state
     * @throws IllegalArgumentException if a weight is missing or has another shape (names the key)
     */
    public void loadState(Map<String, Tensor> state) {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            String key = STATE_PREFIX + e.getKey();
            Tensor t = state.get(key);
            NDArray h = e.getValue().getArray();
            if (t == null) {
                throw new IllegalArgumentException("history model state: missing '" + key + "'");
            }
            if (!h.getShape().equals(t.djlShape())) {
                throw new IllegalArgumentException("history model state: '" + key + "' has shape " + t.djlShape()
                        + ", the network's is " + h.getShape());
            }
            h.set(java.nio.FloatBuffer.wrap(t.toFloatArray()));
        }
    }
}
