package org.dckd.core.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import org.dckd.checkpoint.Tensor;

/**
 * Adam and AdamW with optimizer state of our own, so a resumed run continues exactly (DJL's {@code Adam} keeps its
 * moments private).
 *
 * <p>The update is PyTorch's {@code torch.optim.Adam} / {@code AdamW} (no amsgrad):
 * <pre>
 * g = grad (+ wd * p for Adam)          p = p * (1 - lr * wd) for AdamW
 * m = b1 m + (1 - b1) g                  v = b2 v + (1 - b2) g^2
 * p = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 *
 * <p><b>Multi-tensor.</b> The moments of all parameters live in two flat buffers, and a step gathers the gradients into
 * one flat array: the moment and update arithmetic is a handful of operator calls whatever the number of parameters
 * (PyTorch's {@code foreach} implementation does the same), and only gathering the gradients and applying each
 * parameter's slice of the update remain per parameter. The arithmetic is element-wise and identical to the
 * parameter-by-parameter form, so results are bit-identical to it. No value is read back to the host.
 *
 * <p>Moments are created up front in the first parameter's manager and updated in place outside any
 * {@code GradientCollector} (DJL records no graph there). Gradients are zeroed after each step. The saved state keeps
 * one tensor per parameter ({@code exp_avg.NAME}, {@code exp_avg_sq.NAME}).
 */
public final class AdamOptimizer {

    private final Map<String, Parameter> parameters;
    private final List<String> names;
    private final Shape[] shapes;
    private final long[] splits;
    private final NDArray expAvg;
    private final NDArray expAvgSq;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final boolean decoupled;
    private long step;

    /**
     * Creates the optimizer.
     *
     * @param parameters the trainable parameters by unique name (initialised, float32; names key the saved state)
     * @param beta1 first-moment decay (0.9)
     * @param beta2 second-moment decay (0.99 in the DCKD recipe, 0.999 in PyTorch)
     * @param eps the epsilon (1e-8)
     * @param weightDecay weight decay (L2 for Adam, decoupled for AdamW)
     * @param decoupled true for AdamW
     */
    public AdamOptimizer(Map<String, Parameter> parameters, float beta1, float beta2, float eps, float weightDecay,
            boolean decoupled) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("no parameters to optimise");
        }
        this.parameters = new LinkedHashMap<>(parameters);
        this.names = List.copyOf(this.parameters.keySet());
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        shapes = new Shape[names.size()];
        splits = new long[names.size() - 1];
        long total = 0;
        for (int i = 0; i < names.size(); i++) {
            NDArray p = this.parameters.get(names.get(i)).getArray();
            if (p.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("parameter '" + names.get(i) + "' is " + p.getDataType()
                        + "; the optimizer updates float32 parameters");
            }
            shapes[i] = p.getShape();
            total += p.size();
            if (i < splits.length) {
                splits[i] = total;
            }
        }
        NDManager home = this.parameters.get(names.get(0)).getArray().getManager();
        expAvg = home.zeros(new Shape(total), DataType.FLOAT32);
        expAvgSq = home.zeros(new Shape(total), DataType.FLOAT32);
        expAvg.setRequiresGradient(false);
        expAvgSq.setRequiresGradient(false);
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
        try (NDManager tmp = expAvg.getManager().newSubManager()) {
            step(lr, gatherGradients(tmp));
        }
    }

    /**
     * The parameters' gradients as one flat array in update order (a copy; the parameters keep theirs), for a caller
     * that measures or clips them before {@link #step(double, NDArray)}.
     *
     * @param manager owns the result
     * @return the flat gradient
     */
    public NDArray gatherGradients(NDManager manager) {
        return concatFlat(manager, true);
    }

    /**
     * Applies one update with the given flat gradient (from {@link #gatherGradients}, possibly scaled), then zeroes
     * the parameters' own gradients.
     *
     * @param lr the learning rate of this step
     * @param flatGradient the gradient of every parameter, flat, in update order; it may be modified
     */
    public void step(double lr, NDArray flatGradient) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float sqrtBc2 = (float) Math.sqrt(bc2);
        try (NDManager tmp = expAvg.getManager().newSubManager()) {
            NDArray g = flatGradient;
            if (weightDecay != 0) {
                if (decoupled) {
                    for (String name : names) {
                        parameters.get(name).getArray().muli((float) (1 - lr * weightDecay));
                    }
                } else {
                    g.addi(concatFlat(tmp, false).muli(weightDecay));
                }
            }
            expAvg.muli(beta1).addi(withManager(g.mul(1 - beta1), tmp));
            expAvgSq.muli(beta2).addi(withManager(g.mul(g), tmp).muli(1 - beta2));
            NDArray denom = withManager(expAvgSq.sqrt(), tmp).divi(sqrtBc2).addi(eps);
            NDArray update = withManager(expAvg.div(denom), tmp).muli(stepSize);
            NDList parts = splits.length == 0 ? new NDList(update) : update.split(splits);
            parts.forEach(a -> a.attach(tmp));
            for (int i = 0; i < names.size(); i++) {
                NDArray p = parameters.get(names.get(i)).getArray();
                NDArray part = parts.get(i).reshape(shapes[i]);
                part.attach(tmp);
                p.subi(part);
                try (NDArray grad = p.getGradient()) {
                    grad.subi(grad);
                }
            }
        }
    }

    private static NDArray withManager(NDArray array, NDManager manager) {
        array.attach(manager);
        return array;
    }

    /**
     * The parameters' gradients ({@code gradients}) or values, flattened and concatenated in update order into one new
     * array of the manager; the temporaries are released.
     */
    private NDArray concatFlat(NDManager manager, boolean gradients) {
        try (NDManager tmp = manager.newSubManager()) {
            NDList flat = new NDList(names.size());
            for (String name : names) {
                NDArray p = parameters.get(name).getArray();
                NDArray source = gradients ? p.getGradient() : p;
                if (gradients) {
                    source.attach(tmp);
                }
                NDArray f = source.reshape(-1);
                f.attach(tmp);
                flat.add(f);
            }
            NDArray out = flat.size() == 1 ? flat.head().duplicate() : NDArrays.concat(flat);
            out.attach(manager);
            return out;
        }
    }

    /** The optimizer state as heap tensors: {@code step}, {@code exp_avg.NAME}, {@code exp_avg_sq.NAME}. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("step", Tensor.ofLong(step));
        perParameter(expAvg, "exp_avg.", out);
        perParameter(expAvgSq, "exp_avg_sq.", out);
        return out;
    }

    private void perParameter(NDArray flat, String prefix, Map<String, Tensor> out) {
        try (NDManager tmp = flat.getManager().newSubManager()) {
            NDList parts = splits.length == 0 ? new NDList(flat.duplicate()) : flat.split(splits);
            for (int i = 0; i < names.size(); i++) {
                NDArray part = parts.get(i).reshape(shapes[i]);
                part.attach(tmp);
                parts.get(i).attach(tmp);
                out.put(prefix + names.get(i), Tensor.of(part));
            }
        }
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
        float[] m = gather(state, "exp_avg.");
        float[] v = gather(state, "exp_avg_sq.");
        expAvg.set(m);
        expAvgSq.set(v);
        step = restored;
    }

    private float[] gather(Map<String, Tensor> state, String prefix) {
        List<float[]> parts = new ArrayList<>(names.size());
        int total = 0;
        for (int i = 0; i < names.size(); i++) {
            String key = prefix + names.get(i);
            Tensor t = state.get(key);
            if (t == null) {
                throw new IllegalArgumentException("optimizer state has no entry '" + key + "'");
            }
            if (!t.djlShape().equals(shapes[i]) || t.dataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("optimizer state '" + key + "' is " + t + " but the parameter is "
                        + shapes[i]);
            }
            float[] values = t.toFloatArray();
            parts.add(values);
            total += values.length;
        }
        float[] out = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** The names of parameters in update order. */
    public List<String> names() {
        return names;
    }
}
