package org.dckd.losses.pixel;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import ai.djl.ndarray.NDArray;

import org.dckd.losses.LossContext;
import org.dckd.losses.WeightedTerm;

/**
 * A pixel term: {@code distance(S(x), target)} reduced by mean or sum, where the target is the HR patch
 * ({@code l_pix}) or the teacher output ({@code l_kd}, "Logits KD"). Unweighted; the {@link
 * org.dckd.losses.DistillationLoss} applies {@link #weight()}.
 */
public final class PixelTerm extends WeightedTerm {

    private final PixelDistance distance;
    private final PixelTarget target;

    /**
     * Creates the term.
     *
     * @param name the logged name
     * @param weight the weight (&gt;= 0)
     * @param distance the element-wise distance
     * @param target HR or teacher
     * @param reduction mean or sum
     */
    public PixelTerm(String name, float weight, PixelDistance distance, PixelTarget target, Reduction reduction) {
        super(name, weight, reduction);
        this.distance = Objects.requireNonNull(distance, "distance");
        this.target = Objects.requireNonNull(target, "target");
    }

    /** The element-wise distance. */
    public PixelDistance distance() {
        return distance;
    }

    /** HR or teacher. */
    public PixelTarget target() {
        return target;
    }

    @Override
    public Set<Requirement> requirements() {
        return EnumSet.of(Requirement.STUDENT_OUTPUT,
                target == PixelTarget.HR ? Requirement.HR : Requirement.TEACHER_OUTPUT);
    }

    @Override
    public NDArray compute(LossContext context) {
        NDArray reference = target == PixelTarget.HR
                ? context.hr()
                : context.requireTeacherOutput(name()).stopGradient(); // the teacher is frozen, whatever it records
        try {
            return distance.compute(context.studentOutput(), reference, reduction());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("loss term '" + name() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return name() + " = " + distance + "(student, " + target.configName() + "), " + reduction().configName()
                + ", weight " + weight();
    }
}
