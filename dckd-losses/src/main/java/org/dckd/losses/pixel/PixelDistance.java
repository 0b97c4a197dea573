package org.dckd.losses.pixel;

import java.util.Arrays;
import java.util.Locale;

import ai.djl.ndarray.NDArray;

import org.dckd.losses.LossTerm.Reduction;

/**
 * An element-wise distance between two images of the same shape, reduced to a scalar: L1 {@code |d|}, L2
 * {@code d^2} or Charbonnier {@code sqrt(d^2 + eps^2)}, with {@code d = prediction - target}. Written with plain
 * NDArray operations (DJL's own {@code L1Loss} is wrong for weights other than 1, see docs/dependencies.md).
 */
public final class PixelDistance {

    /** The kind of distance. */
    public enum Kind {
        /** {@code |d|}. */
        L1,
        /** {@code d^2} (mean squared error with {@code mean}). */
        L2,
        /** {@code sqrt(d^2 + eps^2)}: a differentiable L1. */
        CHARBONNIER
    }

    private static final PixelDistance L1 = new PixelDistance(Kind.L1, 0);
    private static final PixelDistance L2 = new PixelDistance(Kind.L2, 0);

    private final Kind kind;
    private final double eps;

    private PixelDistance(Kind kind, double eps) {
        this.kind = kind;
        this.eps = eps;
    }

    /** The L1 distance {@code |d|}. */
    public static PixelDistance l1() {
        return L1;
    }

    /** The squared distance {@code d^2}. */
    public static PixelDistance l2() {
        return L2;
    }

    /**
     * The Charbonnier distance {@code sqrt(d^2 + eps^2)}.
     *
     * @param eps the smoothing constant (positive and finite); {@code 1e-3} is the usual choice
     * @return the distance
     * @throws IllegalArgumentException if {@code eps} is not positive and finite
     */
    public static PixelDistance charbonnier(double eps) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("charbonnier eps must be positive and finite, got " + eps);
        }
        return new PixelDistance(Kind.CHARBONNIER, eps);
    }

    /** The kind of distance. */
    public Kind kind() {
        return kind;
    }

    /** The Charbonnier constant ({@code 0} for L1 and L2). */
    public double eps() {
        return eps;
    }

    /**
     * The per-element distance.
     *
     * @param prediction the prediction (the student side; gradients flow through it)
     * @param target the target, of the same shape
     * @return the per-element distance, in the manager of {@code prediction}
     * @throws IllegalArgumentException if the shapes differ
     */
    public NDArray elementwise(NDArray prediction, NDArray target) {
        if (!prediction.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException("pixel distance: prediction " + prediction.getShape()
                    + " and target " + target.getShape() + " differ in shape");
        }
        NDArray d = prediction.sub(target);
        return switch (kind) {
            case L1 -> d.abs();
            case L2 -> d.square();
            case CHARBONNIER -> d.square().add((float) (eps * eps)).sqrt();
        };
    }

    /**
     * The reduced distance.
     *
     * @param prediction the prediction
     * @param target the target, of the same shape
     * @param reduction mean or sum over all elements
     * @return a scalar in the manager of {@code prediction}
     */
    public NDArray compute(NDArray prediction, NDArray target, Reduction reduction) {
        return reduction.apply(elementwise(prediction, target));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelDistance p && p.kind == kind && p.eps == eps;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {kind, eps});
    }

    @Override
    public String toString() {
        return kind == Kind.CHARBONNIER ? "charbonnier(eps=" + eps + ")" : kind.name().toLowerCase(Locale.ROOT);
    }
}
