package org.dckd.losses.pixel;

/**
 * Java construction of the L2 pixel term ({@code type: l2}): {@code (S - target)^2, MSE with mean reduction}. The
 * factories name the target;
 * the builder they return takes the optional {@code reduction}, {@code weight} and {@code name}:
 *
 * <pre>{@code
 * LossTerm lPix = L2Term.toHr().build();                          // - {type: l2}
 * LossTerm lKd = L2Term.toTeacher().optWeight(0.5f).build();      // - {type: l2, target: teacher, weight: 0.5}
 * L2TermConfig config = L2Term.toHr().config();                 // the record a YAML config reads
 * }</pre>
 */
public final class L2Term {

    private L2Term() {}

    /**
     * L2 to the HR ground truth, logged as {@code l_pix}.
     *
     * @return a builder with the target set
     */
    public static Builder toHr() {
        return to(PixelTarget.HR);
    }

    /**
     * L2 to the frozen teacher's output ("Logits KD"), logged as {@code l_kd}.
     *
     * @return a builder with the target set
     */
    public static Builder toTeacher() {
        return to(PixelTarget.TEACHER);
    }

    /**
     * L2 to the given target.
     *
     * @param target HR or teacher
     * @return a builder with the target set
     */
    public static Builder to(PixelTarget target) {
        return new Builder(target);
    }

    /** Builds an L2 term; see {@link PixelTermBuilder} for the optional values and their defaults. */
    public static final class Builder extends PixelTermBuilder<Builder, L2TermConfig> {

        Builder(PixelTarget target) {
            super(target);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        public L2TermConfig config() {
            return new L2TermConfig(target, reduction, weight, name);
        }
    }
}
