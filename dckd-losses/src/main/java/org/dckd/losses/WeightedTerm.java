package org.dckd.losses;

import java.util.Objects;

/**
 * The part every loss term has: its logged name, its weight in the total loss and its reduction. Terms extend this
 * and implement {@link #requirements()} and {@link #compute}.
 */
public abstract class WeightedTerm implements LossTerm {

    private final String name;
    private final float weight;
    private final Reduction reduction;

    /**
     * Creates the term.
     *
     * @param name the logged name
     * @param weight the weight in the total loss
     * @param reduction how per-element values are reduced ({@link Reduction#MEAN} for terms whose formula fixes it)
     */
    protected WeightedTerm(String name, float weight, Reduction reduction) {
        this.name = Objects.requireNonNull(name, "name");
        this.weight = weight;
        this.reduction = Objects.requireNonNull(reduction, "reduction");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final float weight() {
        return weight;
    }

    @Override
    public final Reduction reduction() {
        return reduction;
    }
}
