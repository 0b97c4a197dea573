package org.dckd.losses.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.dckd.nn.OwnedArrays;

/**
 * How far a gradient that contains {@code sign(u - v)} may move when two correct float32 implementations compute
 * {@code u} and {@code v} with slightly different rounding (another convolution kernel, another CPU).
 *
 * <p>The gradient of {@code |u - v|} is {@code sign(u - v)}, a step function: where {@code |u - v|} is within the
 * numerical error of {@code u} and {@code v}, two implementations may take different signs, and the element's
 * contribution to the gradient jumps by up to {@code 2} (from {@code -1} to {@code +1}) times its coefficient. If
 * {@code u} and {@code v} each agree with the reference within {@code atol + rtol |x|}, the signs can differ only where
 * {@code |u - v| <= 2 atol + rtol (|u| + |v|)} (a <em>tie</em>). When {@code u = f(x)} and the gradient w.r.t. {@code x}
 * is {@code J^T G}, a jump {@code c_k} of {@code G} at tie {@code k} moves input element {@code i} by {@code c_k
 * |J_ki|} at most, so over every possible choice of signs at the ties:
 * <pre>
 *   |g_i - g_ref,i| <= (smooth tolerance) + sum_{ties k} c_k |(J^T e_k)_i|
 * </pre>
 * {@link #bound} computes the right-hand sum exactly: one backward pass per tie (batched by replicating the input
 * sample, which needs {@code f} to treat the samples of a batch independently, as convolution, GroupNorm and attention
 * inside one image do).
 */
public final class SignTies {

    /** (sample, level, index within the sample, source) -> how far a flip there moves {@code G}. */
    private final Map<List<Integer>, Double> jumps = new LinkedHashMap<>();

    /**
     * Adds every element of {@code u} (shape {@code (B, ...)}) with {@code |u - v| <= 2 atol + rtol (|u| + |v|)}: a
     * flip of its sign moves {@code G} by {@code 2 * coefficient}. Adding the same element of the same {@code source}
     * again (found with another batching, say) does not count it twice; different sources add up.
     *
     * @param level which output of {@code f} {@code u} is
     * @param source which {@code v} (positive, negative j, ...)
     * @return the number of ties found in this call
     */
    public int add(NDArray u, NDArray v, int level, int source, double atol, double rtol, double coefficient) {
        float[] a = u.toFloatArray();
        float[] b = v.toFloatArray();
        long perSample = u.size() / u.getShape().get(0);
        int found = 0;
        for (int i = 0; i < a.length; i++) {
            if (Math.abs((double) a[i] - b[i]) <= 2 * atol + rtol * (Math.abs(a[i]) + Math.abs(b[i]))) {
                jumps.put(List.of((int) (i / perSample), level, (int) (i % perSample), source), 2 * coefficient);
                found++;
            }
        }
        return found;
    }

    /**
     * Asserts that no element of {@code u - v} is a tie: every sign of {@code u - v} is then the same on every CPU
     * whose {@code u} and {@code v} meet the tolerance, and a gradient through {@code |u - v|} needs no tie bound.
     *
     * @return the smallest {@code |u - v|} relative to its tie threshold (above 1)
     */
    public static double assertNoTies(String what, NDArray u, NDArray v, double atol, double rtol) {
        float[] a = u.toFloatArray();
        float[] b = v.toFloatArray();
        double margin = Double.POSITIVE_INFINITY;
        for (int i = 0; i < a.length; i++) {
            double threshold = 2 * atol + rtol * (Math.abs(a[i]) + Math.abs(b[i]));
            margin = Math.min(margin, Math.abs((double) a[i] - b[i]) / threshold);
            if (!(Math.abs((double) a[i] - b[i]) > threshold)) {
                throw new AssertionError(what + ": element " + i + " has u - v = " + (a[i] - b[i]) + ", within the "
                        + "tie threshold " + threshold + ": its sign may differ on another CPU (use a tie bound)");
            }
        }
        System.out.printf("signs %-44s no ties among %d elements (smallest |u - v| = %.1f x threshold)%n", what,
                a.length, margin);
        return margin;
    }

    /** The number of distinct ties per level ({@code levels} entries). */
    public int[] perLevel(int levels) {
        int[] counts = new int[levels];
        jumps.keySet().forEach(k -> counts[k.get(1)]++);
        return counts;
    }

    /**
     * {@code sum_k jump_k |d f_level(k)[sample(k), index(k)] / d inputs[sample(k)]|} for every element of
     * {@code inputs}: the largest move of the gradient w.r.t. {@code inputs} that the ties' signs can make.
     *
     * @param f the per-sample function (outputs per level, each {@code (B, ...)}); must record gradients
     * @param inputs the inputs {@code (B, ...)}
     * @param replicas how many ties go through one batched backward pass
     * @return the bound, laid out like {@code inputs}
     */
    public float[] bound(Function<NDArray, List<NDArray>> f, NDArray inputs, int replicas) {
        // one backward pass per element: the jumps of its sources add up
        Map<List<Integer>, Double> merged = new LinkedHashMap<>();
        jumps.forEach((k, jump) -> merged.merge(k.subList(0, 3), jump, Double::sum));
        List<Map.Entry<List<Integer>, Double>> elements = new ArrayList<>(merged.entrySet());

        long perSample = inputs.size() / inputs.getShape().get(0);
        float[] bound = new float[(int) inputs.size()];
        try (NDManager m = inputs.getManager().newSubManager()) {
            for (int start = 0; start < elements.size(); start += replicas) {
                List<Map.Entry<List<Integer>, Double>> part =
                        elements.subList(start, Math.min(elements.size(), start + replicas));
                NDList rows = new NDList();
                for (Map.Entry<List<Integer>, Double> e : part) {
                    NDArray row = inputs.get(e.getKey().get(0));
                    row.attach(m);
                    rows.add(row);
                }
                NDArray x = NDArrays.stack(rows);
                x.attach(m);
                x.setRequiresGradient(true);
                float[] rowGradients;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    List<NDArray> outputs = f.apply(x);
                    NDArray seeded = null;
                    for (int level = 0; level < outputs.size(); level++) {
                        NDArray out = outputs.get(level);
                        Shape shape = out.getShape();
                        long per = shape.size() / shape.get(0);
                        float[] seed = new float[(int) shape.size()];
                        boolean any = false;
                        for (int r = 0; r < part.size(); r++) {
                            if (part.get(r).getKey().get(1) == level) {
                                seed[(int) (r * per + part.get(r).getKey().get(2))] = 1f;
                                any = true;
                            }
                        }
                        if (any) {
                            // libtorch-owned: autograd keeps the seed for the backward pass (OwnedArrays' rule)
                            NDArray term = out.mul(OwnedArrays.create(m, seed, shape)).sum();
                            seeded = seeded == null ? term : seeded.add(term);
                        }
                    }
                    gc.backward(seeded);
                    rowGradients = x.getGradient().toFloatArray();
                }
                for (int r = 0; r < part.size(); r++) {
                    double jump = part.get(r).getValue();
                    long to = part.get(r).getKey().get(0) * perSample;
                    for (int i = 0; i < perSample; i++) {
                        bound[(int) (to + i)] += (float) (jump * Math.abs(rowGradients[(int) (r * perSample + i)]));
                    }
                }
            }
        }
        return bound;
    }
}
