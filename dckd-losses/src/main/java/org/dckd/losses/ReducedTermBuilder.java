package org.dckd.losses;

import org.dckd.losses.LossTerm.Reduction;

/**
 * A {@link TermBuilder} for terms with a {@code reduction} key (pixel terms, label consistency, DUKD): adds
 * {@link #optReduction}, default {@link Reduction#MEAN}.
 *
 * @param <B> the concrete builder
 * @param <C> the config record it makes
 */
public abstract class ReducedTermBuilder<B extends ReducedTermBuilder<B, C>, C extends LossTermConfig>
        extends TermBuilder<B, C> {

    /** How per-element values are reduced. */
    protected Reduction reduction = Reduction.MEAN;

    /**
     * Creates the builder.
     *
     * @param defaultWeight the type's default weight
     * @param defaultName the type's default name, or {@code null} when the config record fills it in
     */
    protected ReducedTermBuilder(float defaultWeight, String defaultName) {
        super(defaultWeight, defaultName);
    }

    /**
     * Sets how per-element values are reduced (default {@link Reduction#MEAN}).
     *
     * @param value mean or sum
     * @return this builder
     */
    public B optReduction(Reduction value) {
        reduction = value;
        return self();
    }
}
