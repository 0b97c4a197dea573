package org.dckd.losses.dckd;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.dckd.losses.encoders.FeatureEncoder;

/**
 * The multi-level contrastive ratio of DCKD's {@code ContrasLoss} (and CSD's), in a frozen encoder's feature space:
 * <pre>
 * L = sum_l w_l * d(f_l(a), f_l(p)) / ( sum_j d(f_l(a), f_l(n_j)) + eps ),   d(u, v) = mean |u - v|
 * </pre>
 * Only the anchor {@code a} gets gradient; the positive and the negatives are constants (no gradient flows to them).
 *
 * <p><b>Streaming evaluation.</b> The positive and every negative go through the encoder one batch at a time, inside a
 * scope that is closed right after: per level only two anchor-sized arrays are kept, {@code sign(a - p)} and
 * {@code sum_j sign(a - n_j)}, plus the two distances as numbers. The distances enter the graph through
 * {@code d = V + mean((f - stop_gradient(f)) * S)}: {@code f - stop_gradient(f)} is exactly zero, so the value is
 * exactly {@code V}, and the gradient is {@code S / numel}, which is PyTorch's gradient of {@code mean|a - x|}
 * (torch's {@code abs} backward is {@code sign}, 0 at 0). Peak memory is thus independent of the number of negatives.
 */
public final class ContrastRatio {

    private final FeatureEncoder encoder;
    private final float[] levelWeights;
    private final float eps;

    /**
     * Per-level distances of the last {@link #compute} (for logging and tests).
     *
     * @param loss the weighted sum, a scalar attached to the anchor's graph
     * @param positiveDistances {@code d(f_l(a), f_l(p))} per level
     * @param negativeDistances {@code sum_j d(f_l(a), f_l(n_j))} per level
     */
    public record Result(NDArray loss, double[] positiveDistances, double[] negativeDistances) {}

    /**
     * Creates the ratio.
     *
     * @param encoder the frozen encoder (its level count must equal the number of weights)
     * @param levelWeights one weight per level, shallow to deep
     * @param eps added to the negative distance
     * @throws IllegalArgumentException if the level counts differ
     */
    public ContrastRatio(FeatureEncoder encoder, List<? extends Number> levelWeights, float eps) {
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
        List<NDArray> fa = encoder.features(anchor);
        int levels = fa.size();
        List<NDArray> detached = new ArrayList<>(levels);
        for (NDArray f : fa) {
            detached.add(f.stopGradient());
        }
        double[] dAp = new double[levels];
        double[] dAn = new double[levels];
        NDArray[] signP = new NDArray[levels];
        NDArray[] signN = new NDArray[levels];
        accumulate(positive, false, detached, dAp, signP, manager);
        for (int j = 0; j < negatives; j++) {
            accumulate(negative.apply(j), true, detached, dAn, signN, manager);
        }
        NDArray loss = null;
        for (int l = 0; l < levels; l++) {
            long numel = fa.get(l).size();
            dAp[l] /= numel;
            dAn[l] /= numel;
            NDArray zero = fa.get(l).sub(detached.get(l)); // exactly 0, gradient 1 w.r.t. the anchor's features
            NDArray ap = zero.mul(signP[l]).mean().add((float) dAp[l]);
            NDArray an = zero.mul(signN[l]).mean().add((float) dAn[l]);
            NDArray term = ap.div(an.add(eps)).mul(levelWeights[l]);
            loss = loss == null ? term : loss.add(term);
        }
        return new Result(loss, dAp, dAn);
    }

    /**
     * Adds {@code sum |a - x|} per level to {@code sums} and {@code sign(a - x)} to {@code signs}; every array made
     * from {@code image} is released on return ({@code image} itself too when {@code owned}).
     */
    private void accumulate(NDArray image, boolean owned, List<NDArray> anchorFeatures, double[] sums,
            NDArray[] signs, NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            if (owned) {
                image.attach(scope);
            } else {
                image.tempAttach(scope);
            }
            List<NDArray> f = encoder.features(image);
            for (int l = 0; l < f.size(); l++) {
                NDArray diff = f.get(l).sub(anchorFeatures.get(l)); // x - a, in the scope
                sums[l] += diff.abs().sum().getFloat();
                if (signs[l] == null) {
                    signs[l] = diff.sign().negi();
                    signs[l].attach(manager);
                } else {
                    signs[l].subi(diff.sign());
                }
            }
        }
    }
}
