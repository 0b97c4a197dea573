package org.dckd.data.loader;

import java.util.Objects;

/**
 * Where one patch of a {@link PatchBatch} came from.
 *
 * @param id the pair's sample id ({@code SOURCE/NAME})
 * @param pairIndex the pair's index in the training set
 * @param epoch the epoch
 * @param index the sample's index within the epoch (its RNG is derived from seed, epoch and this index)
 * @param x the LR patch's left column in the LR image (the HR patch starts at {@code x * scale})
 * @param y the LR patch's top row in the LR image
 * @param augmentation the flips applied to both patches
 */
public record PatchSample(String id, int pairIndex, long epoch, long index, int x, int y, Augmentation augmentation) {

    /**
     * Checks that nothing is null.
     *
     * @param id the sample id
     * @param pairIndex the pair index
     * @param epoch the epoch
     * @param index the index within the epoch
     * @param x LR column
     * @param y LR row
     * @param augmentation the flips
     */
    public PatchSample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(augmentation, "augmentation");
    }
}
