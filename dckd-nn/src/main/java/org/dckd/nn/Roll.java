package org.dckd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * PyTorch's {@code torch.roll} along one axis, built from two slices and a concatenation (DJL has no roll op).
 *
 * <p>{@code out[i] = x[(i - shift) mod n]}: a positive shift moves elements towards higher indices and wraps the last
 * {@code shift} elements around to the front. The result is differentiable and belongs to the manager of {@code x}.
 */
public final class Roll {

    private Roll() {}

    /**
     * Rolls {@code x} by {@code shift} positions along {@code axis}.
     *
     * @param x the array
     * @param shift the number of positions (any sign; taken modulo the axis length)
     * @param axis the axis (negative counts from the end)
     * @return the rolled array ({@code x} itself when the effective shift is 0)
     */
    public static NDArray roll(NDArray x, long shift, int axis) {
        int rank = x.getShape().dimension();
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 0 || ax >= rank) {
            throw new IllegalArgumentException("roll axis " + axis + " out of range for shape " + x.getShape());
        }
        long n = x.getShape().get(ax);
        if (n == 0) {
            return x;
        }
        long s = Math.floorMod(shift, n);
        if (s == 0) {
            return x;
        }
        NDArray tail = x.get(NDIndex.sliceAxis(ax, n - s, n));
        NDArray head = x.get(NDIndex.sliceAxis(ax, 0, n - s));
        return NDArrays.concat(new NDList(tail, head), ax);
    }

    /**
     * Rolls {@code x} along two axes, as {@code torch.roll(x, shifts=(s0, s1), dims=(a0, a1))}.
     *
     * @param x the array
     * @param shift0 the shift along {@code axis0}
     * @param axis0 the first axis
     * @param shift1 the shift along {@code axis1}
     * @param axis1 the second axis
     * @return the rolled array
     */
    public static NDArray roll(NDArray x, long shift0, int axis0, long shift1, int axis1) {
        return roll(roll(x, shift0, axis0), shift1, axis1);
    }
}
