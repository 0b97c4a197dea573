package org.dckd.losses.dckd;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import org.dckd.losses.encoders.FeatureEncoder;
import org.dckd.nn.OwnedArrays;

/**
 * The multi-level contrastive ratio of DCKD's {@code ContrasLoss} (and CSD's), in a frozen encoder's feature space:
 * <pre>
 * L = sum_l w_l * d(f_l(a), f_l(p)) / ( sum_j d(f_l(a), f_l(n_j)) + eps ),   d(u, v) = mean |u - v|
 * </pre>
 * Only the anchor {@code a} gets gradient; the positive and the negatives are constants (no gradient flows to them).
 *
 * <p><b>Streaming evaluation.</b> The batch is processed in chunks of {@link FeatureEncoder#chunkSize} images, and
 * within a chunk the positive and every negative go through the encoder one after the other. Per level only the
 * running sums {@code sum |a - p|}, {@code sum_j sum |a - n_j|} (numbers) and the sign sums {@code sign(a - p)},
 * {@code sum_j sign(a - n_j)} (one chunk-sized array each) are kept. The distances enter the graph as
 * {@code d = V + sum((f - stop_gradient(f)) * S) / numel}: {@code f - stop_gradient(f)} is exactly zero, so the value
 * is exactly {@code V}, and the gradient is {@code S / numel}, which is PyTorch's gradient of {@code mean|a - x|}
 * (torch's {@code abs} backward is {@code sign}, 0 at 0). Peak memory is thus independent of the number of negatives,
 * and every array stays chunk-sized.
 */
public final class ContrastRatio {

    private final FeatureEncoder encoder;
    private final float[] levelWeights;
    private final float eps;
    private final long chunkBytes;

    /**
     * Per-level distances of the last {@link #compute} (for logging and tests).
     *
     * @param loss the weighted sum, a scalar attached to the anchor's graph
     * @param positiveDistances {@code d(f_l(a), f_l(p))} per level
     * @param negativeDistances {@code sum_j d(f_l(a), f_l(n_j))} per level
     */
    public record Result(NDArray loss, NDArray[] positive, NDArray[] negative) {

        /** The mean anchor-positive distance per level, read to the host (a synchronisation: tests and logs only). */
        public double[] positiveDistances() {
            return host(positive);
        }

        /** The mean anchor-negative distance per level (summed over negatives), read to the host. */
        public double[] negativeDistances() {
            return host(negative);
        }

        private static double[] host(NDArray[] perLevel) {
            double[] out = new double[perLevel.length];
            for (int l = 0; l < out.length; l++) {
                out[l] = perLevel[l].getFloat();
            }
            return out;
        }
    }

    /**
     * Creates the ratio.
     *
     * @param encoder the frozen encoder (its level count must equal the number of weights)
     * @param levelWeights one weight per level, shallow to deep
     * @param eps added to the negative distance
     * @param chunkBytes the memory budget of one chunk's largest feature map (0: the whole batch at once)
     * @throws IllegalArgumentException if the level counts differ
     */
    public ContrastRatio(FeatureEncoder encoder, List<? extends Number> levelWeights, float eps, long chunkBytes) {
        if (levelWeights.size() != encoder.levels()) {
            throw new IllegalArgumentException("level_weights has " + levelWeights.size() + " entries but the "
                    + encoder.type() + " encoder has " + encoder.levels() + " feature levels");
        }
        this.encoder = encoder;
        this.levelWeights = new float[levelWeights.size()];
        for (int i = 0; i < this.levelWeights.length; i++) {
            this.levelWeights[i] = levelWeights.get(i).floatValue();
        }
        this.eps = eps;
        this.chunkBytes = chunkBytes;
    }

    /** The encoder. */
    public FeatureEncoder encoder() {
        return encoder;
    }

    /**
     * Computes the ratio.
     *
     * @param anchor {@code S(x)}, recorded for gradients, on [0, 1]
     * @param positive {@code T(x)}, no gradient
     * @param negatives the number of negatives
     * @param negative produces negative {@code j} ({@code (N, 3, H, W)} without gradient); the array it returns is
     *     closed after use, so it must be a new array
     * @return the loss and per-level distances
     */
    public Result compute(NDArray anchor, NDArray positive, int negatives, IntFunction<NDArray> negative) {
        NDManager manager = anchor.getManager();
        int levels = encoder.levels();
        long n = anchor.getShape().get(0);
        int chunk = encoder.chunkSize((int) n, anchor.getShape().get(2), anchor.getShape().get(3), chunkBytes);
        NDArray[] sumAp = new NDArray[levels];
        NDArray[] sumAn = new NDArray[levels];
        long[] numel = new long[levels];
        NDArray[] gradAp = new NDArray[levels];
        NDArray[] gradAn = new NDArray[levels];
        try (NDManager negativesScope = manager.newSubManager()) {
            List<NDArray> negativeImages = new ArrayList<>(negatives);
            for (int j = 0; j < negatives; j++) {
                NDArray image = negative.apply(j);
                image.attach(negativesScope);
                negativeImages.add(image);
            }
            for (long start = 0; start < n; start += chunk) {
                long end = Math.min(n, start + chunk);
                NDIndex rows = new NDIndex().addSliceDim(start, end);
                try (NDManager scope = manager.newSubManager()) {
                    // anchor and positive through the memoised pass (shared with a DMM term on the same encoder)
                    List<NDArray> fa = encoder.pass(anchor, start, end).features();
                    List<NDArray> detached = new ArrayList<>(levels);
                    for (NDArray f : fa) {
                        NDArray d = f.stopGradient();
                        d.attach(scope);
                        detached.add(d);
                    }
                    NDArray[] signP = new NDArray[levels];
                    NDArray[] signN = new NDArray[levels];
                    accumulate(encoder.pass(positive, start, end).features(), detached, sumAp, signP, scope, manager);
                    for (NDArray image : negativeImages) {
                        try (NDManager inner = scope.newSubManager()) {
                            NDArray slice = image.get(rows);
                            slice.attach(inner);
                            accumulate(encoder.features(slice), detached, sumAn, signN, scope, manager);
                        }
                    }
                    for (int l = 0; l < levels; l++) {
                        NDArray zero = fa.get(l).sub(detached.get(l)); // exactly 0, gradient 1 w.r.t. the features
                        zero.attach(scope);
                        gradAp[l] = plus(gradAp[l], zero.mul(signP[l]).sum(), manager);
                        gradAn[l] = plus(gradAn[l], zero.mul(signN[l]).sum(), manager);
                        numel[l] += fa.get(l).size();
                    }
                }
            }
        }
        // the distances stay on the device: no host synchronisation in the loss
        NDArray loss = null;
        NDArray[] dAp = new NDArray[levels];
        NDArray[] dAn = new NDArray[levels];
        for (int l = 0; l < levels; l++) {
            dAp[l] = OwnedArrays.div(sumAp[l], numel[l]);
            dAn[l] = OwnedArrays.div(sumAn[l], numel[l]);
            NDArray ap = OwnedArrays.div(gradAp[l], numel[l]).add(dAp[l]);
            NDArray an = OwnedArrays.div(gradAn[l], numel[l]).add(dAn[l]);
            NDArray term = OwnedArrays.mul(ap.div(an.add(eps)), levelWeights[l]);
            loss = loss == null ? term : loss.add(term);
        }
        return new Result(loss, dAp, dAn);
    }

    private static NDArray plus(NDArray sum, NDArray part, NDManager owner) {
        NDArray out = sum == null ? part : sum.add(part);
        out.attach(owner);
        return out;
    }

    /**
     * Adds {@code sum |a - x|} per level to {@code sums} (device scalars of {@code owner}, no gradient) and
     * {@code sign(a - x)} to {@code signs} (arrays of {@code scope}); the temporaries are released on return.
     */
    private static void accumulate(List<NDArray> features, List<NDArray> anchorFeatures, NDArray[] sums,
            NDArray[] signs, NDManager scope, NDManager owner) {
        try (NDManager inner = scope.newSubManager()) {
            for (int l = 0; l < features.size(); l++) {
                NDArray diff = anchorFeatures.get(l).sub(features.get(l)); // a - x, in the scope
                diff.attach(inner);
                sums[l] = plus(sums[l], diff.abs().sum(), owner);
                NDArray sign = diff.signi();
                if (signs[l] == null) {
                    signs[l] = sign;
                    signs[l].attach(scope);
                } else {
                    signs[l].addi(sign);
                }
            }
        }
    }
}
