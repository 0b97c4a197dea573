package org.dckd.losses.baselines;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;

/**
 * The label-consistency transform of one sample: any combination of colour inversion {@code 1 - x}, vertical flip
 * (upside down, the height axis), horizontal flip (mirror, the width axis) and transpose (height and width swapped).
 * {@link #apply} runs them in that order, {@link #revert} undoes them in reverse order, as the DCKD code's
 * {@code noising(..., revert=True)} (whose {@code 'h'} flips the height axis and {@code 'v'} the width axis).
 *
 * @param invert colour inversion {@code 1 - x}
 * @param flipVertical flip the height axis
 * @param flipHorizontal flip the width axis
 * @param transpose swap height and width
 */
public record SampleTransform(boolean invert, boolean flipVertical, boolean flipHorizontal, boolean transpose) {

    /** The identity. */
    public static final SampleTransform IDENTITY = new SampleTransform(false, false, false, false);

    /** Whether this changes nothing. */
    public boolean isIdentity() {
        return !invert && !flipVertical && !flipHorizontal && !transpose;
    }

    /**
     * Applies the transform to an NCHW (or CHW) array on the [0, 1] scale.
     *
     * @param x the array
     * @return the transformed array (in the manager of {@code x}; {@code x} itself for the identity)
     */
    public NDArray apply(NDArray x) {
        int rank = x.getShape().dimension();
        NDArray y = x;
        if (invert) {
            y = y.neg().add(1f);
        }
        if (flipVertical) {
            y = y.flip(rank - 2);
        }
        if (flipHorizontal) {
            y = y.flip(rank - 1);
        }
        if (transpose) {
            y = y.swapAxes(rank - 2, rank - 1);
        }
        return y;
    }

    /**
     * Undoes {@link #apply}: transpose, horizontal flip, vertical flip, inversion.
     *
     * @param y a transformed array
     * @return the array in the original orientation and colours
     */
    public NDArray revert(NDArray y) {
        int rank = y.getShape().dimension();
        NDArray x = y;
        if (transpose) {
            x = x.swapAxes(rank - 2, rank - 1);
        }
        if (flipHorizontal) {
            x = x.flip(rank - 1);
        }
        if (flipVertical) {
            x = x.flip(rank - 2);
        }
        if (invert) {
            x = x.neg().add(1f);
        }
        return x;
    }

    /**
     * Draws one transform per sample, each of the four operations independently with probability {@code p}.
     *
     * @param batchSize the number of samples
     * @param p the probability of each operation
     * @param random the random source
     * @return the transforms
     */
    public static List<SampleTransform> draw(int batchSize, double p, SplittableRandom random) {
        List<SampleTransform> out = new ArrayList<>(batchSize);
        for (int b = 0; b < batchSize; b++) {
            out.add(new SampleTransform(random.nextDouble() < p, random.nextDouble() < p, random.nextDouble() < p,
                    random.nextDouble() < p));
        }
        return out;
    }
}
