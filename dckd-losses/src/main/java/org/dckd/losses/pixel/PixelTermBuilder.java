package org.dckd.losses.pixel;

import java.util.Objects;

import org.dckd.losses.LossTermConfig;
import org.dckd.losses.ReducedTermBuilder;

/**
 * The builder part every pixel term shares ({@link L1Term}, {@link L2Term}, {@link CharbonnierTerm}): the target is
 * given by the factory that creates the builder ({@code toHr()}, {@code toTeacher()}); {@code reduction} (mean),
 * {@code weight} ({@value #DEFAULT_WEIGHT}) and {@code name} ({@code l_pix} / {@code l_kd}) are optional. The YAML
 * reader of the same {@code type} fills its missing keys from this builder, so Java and YAML share one set of defaults.
 *
 * @param <B> the concrete builder
 * @param <C> the config record it makes
 */
public abstract class PixelTermBuilder<B extends PixelTermBuilder<B, C>, C extends LossTermConfig>
        extends ReducedTermBuilder<B, C> {

    /** The default weight of a pixel term. */
    public static final float DEFAULT_WEIGHT = 1f;

    /** HR or teacher. */
    protected final PixelTarget target;

    PixelTermBuilder(PixelTarget target) {
        super(DEFAULT_WEIGHT, null);
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public PixelTerm build() {
        return (PixelTerm) config().build();
    }
}
