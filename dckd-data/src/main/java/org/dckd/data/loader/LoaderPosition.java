package org.dckd.data.loader;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a {@link PatchLoader} is in its infinite sequence of samples: the epoch and the index of the next sample
 * within that epoch's shuffled order. Batches are pure functions of (training set, config, position), so a loader
 * started at a saved position continues exactly where the original left off. JSON: {@code {"epoch": 3, "index":
 * 128}}.
 *
 * @param epoch the epoch, from 0
 * @param index the index of the next sample in the epoch's order, from 0
 */
public record LoaderPosition(@JsonProperty("epoch") long epoch, @JsonProperty("index") long index) {

    /** The start of the first epoch. */
    public static final LoaderPosition START = new LoaderPosition(0, 0);

    /**
     * Checks the fields.
     *
     * @param epoch at least 0
     * @param index at least 0
     * @throws IllegalArgumentException if either is negative
     */
    @JsonCreator
    public LoaderPosition {
        if (epoch < 0 || index < 0) {
            throw new IllegalArgumentException("loader position must not be negative, got epoch " + epoch
                    + ", index " + index);
        }
    }

    /** @return e.g. {@code epoch 3, index 128} */
    @Override
    public String toString() {
        return "epoch " + epoch + ", index " + index;
    }
}
