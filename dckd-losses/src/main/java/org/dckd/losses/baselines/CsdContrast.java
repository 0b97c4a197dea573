package org.dckd.losses.baselines;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import org.dckd.nn.OwnedArrays;

/**
 * The feature-space part of CSD's contrastive loss ({@code ContrastLoss.L1_forward} of Booooooooooo/CSD), which DCKD's
 * {@code ContrasLoss} shares: per level {@code i},
 * <pre>
 *   d_ts = mean |t_i - s_i|                       (positive distance; t detached)
 *   d_sn = mean( sum_j |n_ij - s_i| )             (sum over negatives, then mean over B, C, H, W; n detached)
 *   loss = sum_i w_i * d_ts / (d_sn + 1e-7)       (w = 1/32, 1/16, 1/8, 1/4, 1)
 * </pre>
 * Negatives come in one of two layouts per level: {@code (Nneg, C, H, W)}, the official layout, where the same
 * negatives serve every sample of the batch; or {@code (Nneg, B, C, H, W)}, one set per sample (DCKD's layout).
 * Only the student features receive gradients.
 */
public final class CsdContrast {

    /** The level weights of CSD and DCKD: 1/32, 1/16, 1/8, 1/4, 1. */
    public static final List<Float> DEFAULT_WEIGHTS = List.of(1f / 32, 1f / 16, 1f / 8, 1f / 4, 1f);
    /** The constant added to the denominator. */
    public static final float EPS = 1e-7f;

    private CsdContrast() {}

    /**
     * The values of one level.
     *
     * @param positiveDistance {@code d_ts}
     * @param negativeDistance {@code d_sn}
     * @param ratio {@code d_ts / (d_sn + 1e-7)}
     */
    public record Level(NDArray positiveDistance, NDArray negativeDistance, NDArray ratio) {}

    /**
     * {@code ContrastLoss.L1_forward} with the default weights.
     *
     * @param teacher positive features per level, {@code (B, C, H, W)}
     * @param student anchor features per level, same shapes
     * @param neg negative features per level, {@code (Nneg, C, H, W)} (shared) or {@code (Nneg, B, C, H, W)}
     * @return the scalar loss, in the manager of the first student feature
     */
    public static NDArray l1Forward(List<NDArray> teacher, List<NDArray> student, List<NDArray> neg) {
        return l1Forward(teacher, student, neg, DEFAULT_WEIGHTS);
    }

    /**
     * {@code ContrastLoss.L1_forward} with explicit level weights.
     *
     * @param teacher positive features per level
     * @param student anchor features per level
     * @param neg negative features per level
     * @param weights one weight per level
     * @return the scalar loss
     * @throws IllegalArgumentException if the numbers of levels or the shapes do not match
     */
    public static NDArray l1Forward(List<NDArray> teacher, List<NDArray> student, List<NDArray> neg,
                                    List<Float> weights) {
        List<Level> levels = levels(teacher, student, neg);
        if (weights.size() != levels.size()) {
            throw new IllegalArgumentException("csd: " + weights.size() + " level weights for " + levels.size()
                    + " feature levels");
        }
        NDArray loss = null;
        for (int i = 0; i < levels.size(); i++) {
            NDArray w = OwnedArrays.mul(levels.get(i).ratio(), weights.get(i));
            loss = loss == null ? w : loss.add(w);
        }
        return loss;
    }

    /**
     * The per-level distances and ratios.
     *
     * @param teacher positive features per level
     * @param student anchor features per level
     * @param neg negative features per level
     * @return one {@link Level} per level
     */
    public static List<Level> levels(List<NDArray> teacher, List<NDArray> student, List<NDArray> neg) {
        if (student.isEmpty() || teacher.size() != student.size() || neg.size() != student.size()) {
            throw new IllegalArgumentException("csd: need as many teacher, student and negative levels, got "
                    + teacher.size() + ", " + student.size() + ", " + neg.size());
        }
        List<Level> out = new ArrayList<>(student.size());
        for (int i = 0; i < student.size(); i++) {
            out.add(level(i, teacher.get(i), student.get(i), neg.get(i)));
        }
        return out;
    }

    private static Level level(int index, NDArray teacher, NDArray student, NDArray neg) {
        Shape s = student.getShape();
        if (s.dimension() != 4 || !teacher.getShape().equals(s)) {
            throw new IllegalArgumentException("csd level " + index + ": student " + s + " and teacher "
                    + teacher.getShape() + " must be equal (B, C, H, W) shapes");
        }
        Shape n = neg.getShape();
        NDArray negatives;
        if (n.dimension() == 4 && n.slice(1).equals(s.slice(1))) {
            negatives = neg.stopGradient().expandDims(1); // (Nneg, 1, C, H, W): the same for every sample
        } else if (n.dimension() == 5 && n.slice(1).equals(s)) {
            negatives = neg.stopGradient();
        } else {
            throw new IllegalArgumentException("csd level " + index + ": negatives " + n + " must be (Nneg, "
                    + s.slice(1) + ") or (Nneg, " + s + ")");
        }
        NDArray dTs = student.sub(teacher.stopGradient()).abs().mean();
        NDArray dSn = student.sub(negatives).abs().sum(new int[] {0}).mean();
        return new Level(dTs, dSn, dTs.div(dSn.add(EPS)));
    }
}
