package org.dckd.losses.pixel;

import java.util.Objects;

import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.LossTermConfig;

/**
 * The builder part every pixel term shares ({@link L1Term}, {@link L2Term}, {@link CharbonnierTerm}): the target is
 * given by the factory that creates the builder ({@code toHr()}, {@code toTeacher()}); {@code reduction} (mean),
 * {@code weight} (1) and {@code name} ({@code l_pix} / {@code l_kd}) are optional. The YAML reader of the same
 * {@code type} fills its missing keys from this builder, so Java and YAML share one set of defaults.
 *
 * @param <B> the concrete builder
 * @param <C> the config record it makes
 */
public abstract class PixelTermBuilder<B extends PixelTermBuilder<B, C>, C extends LossTermConfig> {

    /** The default weight of a pixel term. */
    public static final float DEFAULT_WEIGHT = 1f;

    final PixelTarget target;
    Reduction reduction = Reduction.MEAN;
    float weight = DEFAULT_WEIGHT;
    String name;

    PixelTermBuilder(PixelTarget target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /** This builder, typed. */
    abstract B self();

    /**
     * Sets how per-pixel values are reduced (default {@link Reduction#MEAN}).
     *
     * @param value mean or sum
     * @return this builder
     */
    public B optReduction(Reduction value) {
        reduction = value;
        return self();
    }

    /**
     * Sets the weight in the total loss (default 1; &gt;= 0, checked by {@link #config()}).
     *
     * @param value the weight
     * @return this builder
     */
    public B optWeight(float value) {
        weight = value;
        return self();
    }

    /**
     * Sets the logged name (default {@code l_pix} for HR, {@code l_kd} for the teacher).
     *
     * @param value letters, digits and '_', starting with a letter
     * @return this builder
     */
    public B optName(String value) {
        name = value;
        return self();
    }

    /**
     * The config record, the same one the YAML reader makes for the same keys.
     *
     * @return the validated config
     * @throws IllegalArgumentException naming the offending field (weight, name, ...)
     */
    public abstract C config();

    /**
     * The term, ready for {@code Distiller.builder().addTerm(...)}.
     *
     * @return {@code config().build()}
     * @throws IllegalArgumentException naming the offending field
     */
    public PixelTerm build() {
        return (PixelTerm) config().build();
    }
}
