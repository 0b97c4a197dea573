package org.dckd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * Mirror padding along one axis, which DJL lacks: {@linkplain #reflect reflect} (PyTorch {@code F.pad(..., 'reflect')},
 * numpy {@code 'reflect'}: the edge element is not repeated) and {@linkplain #symmetric symmetric} (numpy
 * {@code 'symmetric'}: the edge element is repeated, as {@code cat([x, flip(x)])} does).
 *
 * <p>For a row sequence {@code a b c d}, padding 2 after gives {@code a b c d c b} (reflect) and {@code a b c d d c}
 * (symmetric). Results are differentiable and belong to the manager of {@code x}.
 */
public final class MirrorPad {

    private MirrorPad() {}

    /**
     * Reflect padding along {@code axis}. Like PyTorch, each pad must be smaller than the axis length.
     *
     * @param x the array
     * @param axis the axis (negative counts from the end)
     * @param before elements to add before index 0
     * @param after elements to add after the last index
     * @return the padded array ({@code x} itself when both pads are 0)
     * @throws IllegalArgumentException if a pad is negative or not smaller than the axis length
     */
    public static NDArray reflect(NDArray x, int axis, long before, long after) {
        int ax = checkAxis(x, axis);
        long n = x.getShape().get(ax);
        if (before < 0 || after < 0) {
            throw new IllegalArgumentException("reflect padding must be >= 0, got (" + before + ", " + after + ")");
        }
        if (before == 0 && after == 0) {
            return x;
        }
        if (before >= n || after >= n) {
            throw new IllegalArgumentException("reflect padding (" + before + ", " + after + ") along axis " + ax
                    + " needs an axis longer than the pad, but shape is " + x.getShape());
        }
        NDList parts = new NDList(3);
        if (before > 0) {
            parts.add(x.get(NDIndex.sliceAxis(ax, 1, before + 1)).flip(ax));
        }
        parts.add(x);
        if (after > 0) {
            parts.add(x.get(NDIndex.sliceAxis(ax, n - 1 - after, n - 1)).flip(ax));
        }
        return NDArrays.concat(parts, ax);
    }

    /**
     * Symmetric padding along {@code axis}. Pads longer than the axis continue periodically (the sequence
     * {@code x, flip(x), x, ...}), as numpy's {@code 'symmetric'} mode does.
     *
     * @param x the array
     * @param axis the axis (negative counts from the end)
     * @param before elements to add before index 0
     * @param after elements to add after the last index
     * @return the padded array ({@code x} itself when both pads are 0)
     * @throws IllegalArgumentException if a pad is negative or the axis is empty
     */
    public static NDArray symmetric(NDArray x, int axis, long before, long after) {
        int ax = checkAxis(x, axis);
        long n = x.getShape().get(ax);
        if (before < 0 || after < 0) {
            throw new IllegalArgumentException("symmetric padding must be >= 0, got (" + before + ", " + after + ")");
        }
        if (before == 0 && after == 0) {
            return x;
        }
        if (n == 0) {
            throw new IllegalArgumentException("cannot mirror-pad an empty axis " + ax + " of shape " + x.getShape());
        }
        NDArray out = x;
        if (after > 0) {
            NDArray period = x;
            while (out.getShape().get(ax) < n + after) {
                period = period.flip(ax);
                out = NDArrays.concat(new NDList(out, period), ax);
            }
            out = out.get(NDIndex.sliceAxis(ax, 0, n + after));
        }
        if (before > 0) {
            long len = out.getShape().get(ax);
            NDArray flipped = out.flip(ax);
            NDArray padded = symmetric(flipped, ax, 0, before);
            out = padded.flip(ax);
            if (out.getShape().get(ax) != len + before) {
                throw new IllegalStateException("symmetric padding produced " + out.getShape());
            }
        }
        return out;
    }

    private static int checkAxis(NDArray x, int axis) {
        int rank = x.getShape().dimension();
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 0 || ax >= rank) {
            throw new IllegalArgumentException("padding axis " + axis + " out of range for shape " + x.getShape());
        }
        return ax;
    }
}
