package org.dckd.losses.pixel;

/**
 * Java construction of the Charbonnier pixel term ({@code type: charbonnier}): {@code sqrt((S - target)^2 + eps^2)}.
 * The factories name the target; the builder they return takes the optional {@code eps}, {@code reduction},
 * {@code weight} and {@code name}:
 *
 * <pre>{@code
 * LossTerm lPix = CharbonnierTerm.toHr().optEps(1e-6).build();     // - {type: charbonnier, eps: 1.0e-6}
 * }</pre>
 */
public final class CharbonnierTerm {

    private CharbonnierTerm() {}

    /**
     * Charbonnier to the HR ground truth, logged as {@code l_pix}.
     *
     * @return a builder with the target set
     */
    public static Builder toHr() {
        return to(PixelTarget.HR);
    }

    /**
     * Charbonnier to the frozen teacher's output, logged as {@code l_kd}.
     *
     * @return a builder with the target set
     */
    public static Builder toTeacher() {
        return to(PixelTarget.TEACHER);
    }

    /**
     * Charbonnier to the given target.
     *
     * @param target HR or teacher
     * @return a builder with the target set
     */
    public static Builder to(PixelTarget target) {
        return new Builder(target);
    }

    /** Builds a Charbonnier term; see {@link PixelTermBuilder} for the optional values shared by pixel terms. */
    public static final class Builder extends PixelTermBuilder<Builder, CharbonnierTermConfig> {

        private double eps = CharbonnierTermConfig.DEFAULT_EPS;

        Builder(PixelTarget target) {
            super(target);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the smoothing constant (default {@link CharbonnierTermConfig#DEFAULT_EPS}; positive).
         *
         * @param value eps
         * @return this builder
         */
        public Builder optEps(double value) {
            eps = value;
            return this;
        }

        @Override
        public CharbonnierTermConfig config() {
            return new CharbonnierTermConfig(eps, target, reduction, weight, name);
        }
    }
}
