package org.dckd.losses.pixel;

/**
 * Java construction of the L1 pixel term ({@code type: l1}): {@code |S - target|}. The factories name the target;
 * the builder they return takes the optional {@code reduction}, {@code weight} and {@code name}:
 *
 * <pre>{@code
 * LossTerm lPix = L1Term.toHr().build();                          // - {type: l1}
 * LossTerm lKd = L1Term.toTeacher().optWeight(0.5f).build();      // - {type: l1, target: teacher, weight: 0.5}
 * L1TermConfig config = L1Term.toHr().config();                 // the record a YAML config reads
 * }</pre>
 */
public final class L1Term {

    private L1Term() {}

    /**
     * L1 to the HR ground truth, logged as {@code l_pix}.
     *
     * @return a builder with the target set
     */
    public static Builder toHr() {
        return to(PixelTarget.HR);
    }

    /**
     * L1 to the frozen teacher's output ("Logits KD"), logged as {@code l_kd}.
     *
     * @return a builder with the target set
     */
    public static Builder toTeacher() {
        return to(PixelTarget.TEACHER);
    }

    /**
     * L1 to the given target.
     *
     * @param target HR or teacher
     * @return a builder with the target set
     */
    public static Builder to(PixelTarget target) {
        return new Builder(target);
    }

    /** Builds an L1 term; see {@link PixelTermBuilder} for the optional values and their defaults. */
    public static final class Builder extends PixelTermBuilder<Builder, L1TermConfig> {

        Builder(PixelTarget target) {
            super(target);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        public L1TermConfig config() {
            return new L1TermConfig(target, reduction, weight, name);
        }
    }
}
