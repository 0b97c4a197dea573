package org.dckd.losses.dckd;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.dckd.losses.SharedComputations;
import org.dckd.losses.dckd.EncodedOutputs.Operand;
import org.dckd.losses.encoders.FeatureEncoder;
import org.dckd.losses.encoders.FeatureEncoder.Pass;
import org.dckd.nn.OwnedArrays;

/**
 * The multi-level contrastive ratio of DCKD's {@code ContrasLoss} (and CSD's), in a frozen encoder's feature space:
 * <pre>
 * L = sum_l w_l * d(f_l(a), f_l(p)) / ( sum_j d(f_l(a), f_l(n_j)) + eps ),   d(u, v) = mean |u - v|
 * </pre>
 * Only the anchor {@code a} gets gradient; the positive and the negatives are constants (no gradient flows to them).
 *
 * <p><b>Streaming evaluation.</b> The batch is processed in chunks of {@link FeatureEncoder#chunkSize} images
 * (rows). Within a chunk, the positive and the negatives go through the encoder batched: each call holds as many
 * rows-sized groups as the memory budget allows for the call's features and their three same-sized temporaries
 * (with the default 16 MiB, the random encoder at HR 128 and 8 rows: one group per call; 4 rows or HR 64: two or
 * more), so no allocation outgrows the budget whatever the number of negatives. Per level only the
 * running sums {@code sum |a - p|}, {@code sum_j sum |a - n_j|} (numbers) and the sign sums {@code sign(a - p)},
 * {@code sum_j sign(a - n_j)} (one chunk-sized array each) are kept. The distances enter the graph as
 * {@code d = V + sum((f - stop_gradient(f)) * S) / numel}: {@code f - stop_gradient(f)} is exactly zero, so the value
 * is exactly {@code V}, and the gradient is {@code S / numel}, which is PyTorch's gradient of {@code mean|a - x|}
 * (torch's {@code abs} backward is {@code sign}, 0 at 0). Peak memory is thus independent of the number of negatives.
 * The anchor's and the positive's passes are shared with the step's other terms ({@link EncodedOutputs}).
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
     * Computes the ratio on its own (no pass shared with other terms).
     *
     * @param anchor {@code S(x)}, recorded for gradients, on [0, 1]
     * @param positive {@code T(x)}, no gradient
     * @param negatives the number of negatives
     * @param negative produces negative {@code j} ({@code (N, 3, H, W)} without gradient); the array it returns is
     *     closed after use, so it must be a new array
     * @return the loss and per-level distances
     */
    public Result compute(NDArray anchor, NDArray positive, int negatives, IntFunction<NDArray> negative) {
        return compute(anchor, positive, negatives, negative, new SharedComputations());
    }

    /**
     * Computes the ratio, sharing the anchor's and the positive's encoder passes with the other terms of the step
     * ({@link EncodedOutputs}).
     *
     * <p>Per chunk of rows, the anchor's pass is the shared one (with gradient). The positive, when no term has encoded
     * it yet and the encoder's encoding is its deepest level, goes through the encoder in one call together with the
     * negatives (and is then stored for the other terms); otherwise its shared pass is used and only the negatives are
     * batched. One encoder call holds as many (rows-sized) groups as the chunk budget allows, so no call's largest
     * feature map exceeds it.
     *
     * @param anchor {@code S(x)}, recorded for gradients, on [0, 1]
     * @param positive {@code T(x)}, no gradient
     * @param negatives the number of negatives
     * @param negative produces negative {@code j} ({@code (N, 3, H, W)} without gradient); closed after use
     * @param shared the step's shared computations
     * @return the loss and per-level distances
     */
    public Result compute(NDArray anchor, NDArray positive, int negatives, IntFunction<NDArray> negative,
            SharedComputations shared) {
        NDManager manager = anchor.getManager();
        int levels = encoder.levels();
        long n = anchor.getShape().get(0);
        int chunk = encoder.chunkSize((int) n, anchor.getShape().get(2), anchor.getShape().get(3), chunkBytes);
        // images per no-gradient encoder call: the call's largest feature map and its three same-sized temporaries
        // (a - x, |a - x|, sign) within the budget. Measured (docs/performance.md): two groups of 8 images at HR 128
        // per call raised the bench's resident memory from ~0.8 to ~1.2 GB, so the default budget keeps one group
        // per call there; smaller images or chunk_mb: 0 (no limit) batch several.
        int capacity = chunkBytes <= 0 ? Integer.MAX_VALUE
                : encoder.chunkSize(Integer.MAX_VALUE, anchor.getShape().get(2), anchor.getShape().get(3),
                        chunkBytes / 4);
        Sums sums = new Sums(levels, manager);
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
                try (NDManager scope = manager.newSubManager()) {
                    List<NDArray> fa = EncodedOutputs.pass(shared, encoder, Operand.STUDENT_OUTPUT, anchor, start,
                            end).features();
                    List<NDArray> detached = new ArrayList<>(levels);
                    for (NDArray f : fa) {
                        NDArray d = f.stopGradient();
                        d.attach(scope);
                        detached.add(d);
                    }
                    Pass positivePass = EncodedOutputs.find(shared, encoder, Operand.TEACHER_OUTPUT, start, end);
                    if (positivePass == null && !encoder.encodingIsDeepestLevel()) {
                        positivePass = EncodedOutputs.pass(shared, encoder, Operand.TEACHER_OUTPUT, positive, start,
                                end);
                    }
                    boolean positiveInBatch = positivePass == null;
                    if (!positiveInBatch) {
                        sums.accumulate(positivePass.features(), detached, 1, true, scope);
                    }
                    List<NDArray> groups = new ArrayList<>(negatives + 1);
                    if (positiveInBatch) {
                        groups.add(positive);
                    }
                    groups.addAll(negativeImages);
                    int perCall = Math.max(1, capacity / (int) (end - start));
                    for (int g0 = 0; g0 < groups.size(); g0 += perCall) {
                        int g1 = Math.min(groups.size(), g0 + perCall);
                        boolean withPositive = positiveInBatch && g0 == 0;
                        try (NDManager call = scope.newSubManager()) {
                            NDList images = new NDList(g1 - g0);
                            for (int g = g0; g < g1; g++) {
                                NDArray rows = groups.get(g).get(new NDIndex().addSliceDim(start, end));
                                rows.attach(call);
                                images.add(rows);
                            }
                            NDArray batch = images.size() == 1 ? images.head() : NDArrays.concat(images);
                            batch.attach(call);
                            List<NDArray> f = encoder.features(batch);
                            if (withPositive) {
                                sharePositive(shared, f, start, end, positive.getManager());
                            }
                            sums.accumulate(f, detached, g1 - g0, withPositive, scope);
                        }
                    }
                    for (int l = 0; l < levels; l++) {
                        NDArray zero = fa.get(l).sub(detached.get(l)); // exactly 0, gradient 1 w.r.t. the features
                        zero.attach(scope);
                        gradAp[l] = plus(gradAp[l], zero.mul(sums.signP[l]).sum(), manager);
                        gradAn[l] = plus(gradAn[l], zero.mul(sums.signN[l]).sum(), manager);
                        numel[l] += fa.get(l).size();
                    }
                    sums.resetSigns();
                }
            }
        }
        // the distances stay on the device: no host synchronisation in the loss
        NDArray loss = null;
        NDArray[] dAp = new NDArray[levels];
        NDArray[] dAn = new NDArray[levels];
        for (int l = 0; l < levels; l++) {
            dAp[l] = OwnedArrays.div(sums.sumAp[l], numel[l]);
            dAn[l] = OwnedArrays.div(sums.sumAn[l], numel[l]);
            NDArray ap = OwnedArrays.div(gradAp[l], numel[l]).add(dAp[l]);
            NDArray an = OwnedArrays.div(gradAn[l], numel[l]).add(dAn[l]);
            NDArray term = OwnedArrays.mul(ap.div(an.add(eps)), levelWeights[l]);
            loss = loss == null ? term : loss.add(term);
        }
        return new Result(loss, dAp, dAn);
    }

    /**
     * Stores the positive's part (group 0) of a batched features-only call as its shared pass (the encoding is the
     * deepest level), owned by the positive's manager.
     */
    private void sharePositive(SharedComputations shared, List<NDArray> batched, long start, long end,
            NDManager owner) {
        long rows = end - start;
        List<NDArray> features = new ArrayList<>(batched.size());
        for (NDArray f : batched) {
            NDArray part = f.get(new NDIndex().addSliceDim(0, rows));
            part.attach(owner);
            features.add(part);
        }
        EncodedOutputs.put(shared, encoder, Operand.TEACHER_OUTPUT, start, end,
                new Pass(features, features.get(features.size() - 1)));
    }

    /**
     * Per level: the running distance sums {@code sum |a - p|} and {@code sum_j sum |a - n_j|} (device scalars of the
     * loss's manager) and the current chunk's sign sums {@code sign(a - p)}, {@code sum_j sign(a - n_j)}.
     */
    private static final class Sums {
        final NDArray[] sumAp;
        final NDArray[] sumAn;
        final NDArray[] signP;
        final NDArray[] signN;
        private final NDManager owner;

        Sums(int levels, NDManager owner) {
            this.sumAp = new NDArray[levels];
            this.sumAn = new NDArray[levels];
            this.signP = new NDArray[levels];
            this.signN = new NDArray[levels];
            this.owner = owner;
        }

        /**
         * Adds {@code groups} images-sized groups of one encoder call (features {@code (groups * rows, C, h, w)});
         * group 0 is the positive when {@code firstIsPositive}, every other group a negative.
         */
        void accumulate(List<NDArray> features, List<NDArray> anchor, int groups, boolean firstIsPositive,
                NDManager scope) {
            try (NDManager inner = scope.newSubManager()) {
                for (int l = 0; l < features.size(); l++) {
                    NDArray a = anchor.get(l);
                    NDArray f = features.get(l);
                    if (groups > 1) {
                        f = f.reshape(new Shape(groups).addAll(a.getShape()));
                        f.attach(inner);
                    }
                    NDArray diff = a.sub(f); // a - x per group, broadcast over the groups
                    diff.attach(inner);
                    NDArray sign = diff.sign();
                    if (groups == 1) {
                        NDArray total = diff.abs().sum();
                        if (firstIsPositive) {
                            sumAp[l] = plus(sumAp[l], total, owner);
                            signP[l] = addSign(signP[l], sign, scope);
                        } else {
                            sumAn[l] = plus(sumAn[l], total, owner);
                            signN[l] = addSign(signN[l], sign, scope);
                        }
                        continue;
                    }
                    NDArray perGroup = diff.abs().sum(new int[] {1, 2, 3, 4}); // (groups)
                    if (firstIsPositive) {
                        sumAp[l] = plus(sumAp[l], perGroup.get(0), owner);
                        signP[l] = addSign(signP[l], sign.get(0), scope);
                        sumAn[l] = plus(sumAn[l], perGroup.get(new NDIndex("1:")).sum(), owner);
                        signN[l] = addSign(signN[l], sign.get(new NDIndex("1:")).sum(new int[] {0}), scope);
                    } else {
                        sumAn[l] = plus(sumAn[l], perGroup.sum(), owner);
                        signN[l] = addSign(signN[l], sign.sum(new int[] {0}), scope);
                    }
                }
            }
        }

        /** Forgets the sign sums (they are per chunk of rows). */
        void resetSigns() {
            java.util.Arrays.fill(signP, null);
            java.util.Arrays.fill(signN, null);
        }

        private static NDArray addSign(NDArray sum, NDArray part, NDManager scope) {
            if (sum == null) {
                part.attach(scope);
                return part;
            }
            sum.addi(part);
            return sum;
        }
    }

    private static NDArray plus(NDArray sum, NDArray part, NDManager owner) {
        NDArray out = sum == null ? part : sum.add(part);
        out.attach(owner);
        return out;
    }
}
