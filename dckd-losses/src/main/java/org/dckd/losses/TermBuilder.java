package org.dckd.losses;

/**
 * What every loss-term builder shares: the optional {@code weight} and {@code name}, {@link #config()} giving the
 * config record (the one a YAML entry with the same keys reads) and {@link #build()} giving the term. Each term's
 * builder ({@code L1Term.toHr()}, {@code FakdTerm.builder()}, ...) adds its own values; required ones are {@code setX},
 * optional ones {@code optX}, as in DJL.
 *
 * @param <B> the concrete builder
 * @param <C> the config record it makes
 */
public abstract class TermBuilder<B extends TermBuilder<B, C>, C extends LossTermConfig> {

    /** The weight; starts at the type's default. */
    protected float weight;
    /** The logged name; {@code null} for the type's default. */
    protected String name;

    /**
     * Creates the builder.
     *
     * @param defaultWeight the type's default weight
     * @param defaultName the type's default name, or {@code null} when the config record fills it in
     */
    protected TermBuilder(float defaultWeight, String defaultName) {
        this.weight = defaultWeight;
        this.name = defaultName;
    }

    /**
     * This builder, typed.
     *
     * @return {@code this}
     */
    protected abstract B self();

    /**
     * Sets the weight in the total loss (default per type; &gt;= 0 and finite, checked by {@link #config()}).
     *
     * @param value the weight
     * @return this builder
     */
    public B optWeight(float value) {
        weight = value;
        return self();
    }

    /**
     * Sets the logged name (default per type, e.g. {@code l_pix}).
     *
     * @param value letters, digits and '_', starting with a letter
     * @return this builder
     */
    public B optName(String value) {
        name = value;
        return self();
    }

    /**
     * The config record, equal to the one the YAML reader makes for the same keys.
     *
     * @return the validated config
     * @throws IllegalArgumentException naming a missing setter or the offending field
     */
    public abstract C config();

    /**
     * The term, ready for {@code Distiller.builder().addTerm(...)}.
     *
     * @return {@code config().build()}
     * @throws IllegalArgumentException naming a missing setter or the offending field
     */
    public LossTerm build() {
        return config().build();
    }
}
