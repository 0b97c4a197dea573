package org.dckd.backbones.lipt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.dckd.nn.Roll;

/**
 * The non-volatile sparse mask of LIPT's NVSM-SA ({@code MASK('sparse', pad_type='sparse')} of the official code): a
 * fixed dilated resampling that lets an attention window of side {@code w} see a {@code 2w x 2w} area at no extra
 * cost.
 *
 * <p>For a map whose height H and width W are multiples of {@code w},
 * <pre>
 * out[w i + a, w j + b] = in[(w i + off[a]) mod H, (w j + off[b]) mod W]
 * off = [0, 2, ..., w - 2, w + 1, w + 3, ..., 2 w - 1]
 * </pre>
 * i.e. each output window holds the even rows/columns of its own window and the odd rows/columns of the next one,
 * wrapping cyclically at the bottom and right (the official code pads right and bottom by {@code w} with a copy of
 * the first {@code w} rows/columns, unfolds {@code 2w x 2w} patches with stride {@code w} and keeps the offsets of its
 * boolean {@code mask_1} ({@code w = 8}) or {@code mask_3} ({@code w = 16})). Nothing is scattered back: the attention
 * output stays at the resampled positions.
 *
 * <p>The implementation is two reshapes per axis (no gather), so it is differentiable and exact.
 */
public final class SparseWindowMask {

    private SparseWindowMask() {}

    /**
     * The offsets {@code off[a]} of one window side (see the class comment).
     *
     * @param window the window side (even, positive)
     * @return {@code window} offsets in {@code [0, 2 window)}
     * @throws IllegalArgumentException if the window is not even and positive
     */
    public static int[] offsets(int window) {
        checkWindow(window);
        int[] off = new int[window];
        for (int a = 0; a < window / 2; a++) {
            off[a] = 2 * a;
            off[window / 2 + a] = window + 2 * a + 1;
        }
        return off;
    }

    /**
     * Applies the mask to an NCHW map.
     *
     * @param x {@code (N, C, H, W)} with H and W multiples of {@code window}
     * @param window the window side (even)
     * @return the resampled map, same shape, in the manager of {@code x}
     * @throws IllegalArgumentException if the shape does not fit the window
     */
    public static NDArray apply(NDArray x, int window) {
        checkWindow(window);
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(2) % window != 0 || s.get(3) % window != 0) {
            throw new IllegalArgumentException("the sparse window mask needs an (N, C, H, W) map with H and W multiples "
                    + "of the window " + window + ", got " + s);
        }
        return along(along(x, 2, window), 3, window);
    }

    /** The resampling along one spatial axis: even entries of the own window, odd ones of the next window. */
    private static NDArray along(NDArray x, int axis, int window) {
        long[] s = x.getShape().getShape();
        long n = s[axis];
        long[] split = new long[s.length + 1];
        for (int k = 0, d = 0; k < s.length; k++) {
            if (k == axis) {
                split[d++] = n / window;
                split[d++] = window;
            } else {
                split[d++] = s[k];
            }
        }
        Shape windows = new Shape(split);
        NDArray own = x.reshape(windows).get(even(axis + 1, split.length));
        NDArray next = Roll.roll(x, -window, axis).reshape(windows).get(odd(axis + 1, split.length));
        return NDArrays.concat(new NDList(own, next), axis + 1).reshape(x.getShape());
    }

    private static NDIndex even(int axis, int rank) {
        return stepIndex(axis, rank, "0::2");
    }

    private static NDIndex odd(int axis, int rank) {
        return stepIndex(axis, rank, "1::2");
    }

    private static NDIndex stepIndex(int axis, int rank, String slice) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < rank; k++) {
            b.append(k == 0 ? "" : ",").append(k == axis ? slice : ":");
        }
        return new NDIndex(b.toString());
    }

    private static void checkWindow(int window) {
        if (window <= 0 || window % 2 != 0) {
            throw new IllegalArgumentException("the sparse window mask needs an even, positive window, got " + window);
        }
    }
}
