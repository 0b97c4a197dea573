package org.dckd.core.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;

import org.dckd.checkpoint.Tensor;

/**
 * TESTS ONLY: the former parameter-by-parameter {@link AdamOptimizer} (about 17 operator calls per parameter), kept as
 * the reference that the flat-buffer optimizer must reproduce bit for bit.
 *
 * <p>Adam and AdamW with optimizer state of our own, so a resumed run continues exactly (DJL's {@code Adam} keeps its
 * moments private).
 *
 * <p>The update is PyTorch's {@code torch.optim.Adam} / {@code AdamW} (no amsgrad):
 * <pre>
 * g = grad (+ wd * p for Adam)          p = p * (1 - lr * wd) for AdamW
 * m = b1 m + (1 - b1) g                  v = b2 v + (1 - b2) g^2
 * p = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * Moments are created up front (not lazily inside a step scope) in the parameter's manager, and updated in place
 * outside any {@code GradientCollector} (DJL records no graph there). Gradients are zeroed after each step.
 */
final class PerParameterAdam {

    private final Map<String, Parameter> parameters;
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupled;
    private long step;

    /**
     * Creates the optimizer.
     *
     * @param parameters the trainable parameters by unique name (initialised; names key the saved state)
     * @param beta1 first-moment decay (0.9)
     * @param beta2 second-moment decay (0.99 in the DCKD recipe, 0.999 in PyTorch)
     * @param eps the epsilon (1e-8)
     * @param weightDecay weight decay (L2 for Adam, decoupled for AdamW)
     * @param decoupled true for AdamW
     */
    PerParameterAdam(Map<String, Parameter> parameters, float beta1, float beta2, float eps, float weightDecay,
            boolean decoupled) {
        this.parameters = new LinkedHashMap<>(parameters);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        for (Map.Entry<String, Parameter> e : this.parameters.entrySet()) {
            NDArray p = e.getValue().getArray();
            NDArray m = p.zerosLike();
            NDArray v = p.zerosLike();
            m.setRequiresGradient(false);
            v.setRequiresGradient(false);
            expAvg.put(e.getKey(), m);
            expAvgSq.put(e.getKey(), v);
        }
    }

    /** The number of steps taken. */
    public long stepCount() {
        return step;
    }

    /** The parameters by name. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /**
     * Applies one update with the gradients currently held by the parameters, then zeroes them.
     *
     * @param lr the learning rate of this step
     */
    public void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float sqrtBc2 = (float) Math.sqrt(bc2);
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray p = e.getValue().getArray();
            try (NDArray grad = p.getGradient()) {
                NDArray m = expAvg.get(e.getKey());
                NDArray v = expAvgSq.get(e.getKey());
                try (ai.djl.ndarray.NDManager tmp = p.getManager().newSubManager()) {
                    NDArray g = grad.duplicate();
                    g.attach(tmp);
                    if (weightDecay != 0) {
                        if (decoupled) {
                            p.muli((float) (1 - lr * weightDecay));
                        } else {
                            NDArray wd = p.mul(weightDecay);
                            wd.attach(tmp);
                            g.addi(wd);
                        }
                    }
                    m.muli(beta1).addi(g.mul(1 - beta1));
                    v.muli(beta2).addi(g.mul(g).muli(1 - beta2));
                    NDArray denom = v.sqrt().divi(sqrtBc2).addi(eps);
                    denom.attach(tmp);
                    NDArray update = m.div(denom).muli(stepSize);
                    update.attach(tmp);
                    p.subi(update);
                }
                grad.subi(grad);
            }
        }
    }

    /** The optimizer state as heap tensors: {@code step}, {@code exp_avg.NAME}, {@code exp_avg_sq.NAME}. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("step", Tensor.ofLong(step));
        expAvg.forEach((k, v) -> out.put("exp_avg." + k, Tensor.of(v)));
        expAvgSq.forEach((k, v) -> out.put("exp_avg_sq." + k, Tensor.of(v)));
        return out;
    }

    /**
     * Restores {@link #state()}.
     *
     * @throws IllegalArgumentException naming the first missing or mis-shaped entry
     */
    public void loadState(Map<String, Tensor> state) {
        Tensor s = state.get("step");
        if (s == null) {
            throw new IllegalArgumentException("optimizer state has no 'step' entry");
        }
        long restored = s.longValue();
        for (String name : parameters.keySet()) {
            copy(state, "exp_avg." + name, expAvg.get(name));
            copy(state, "exp_avg_sq." + name, expAvgSq.get(name));
        }
        step = restored;
    }

    private static void copy(Map<String, Tensor> state, String key, NDArray target) {
        Tensor t = state.get(key);
        if (t == null) {
            throw new IllegalArgumentException("optimizer state has no entry '" + key + "'");
        }
        if (!t.djlShape().equals(target.getShape()) || t.dataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("optimizer state '" + key + "' is " + t + " but the parameter is "
                    + target.getShape());
        }
        target.set(t.data());
    }

    /** The names of parameters in update order. */
    public List<String> names() {
        return List.copyOf(parameters.keySet());
    }
}
