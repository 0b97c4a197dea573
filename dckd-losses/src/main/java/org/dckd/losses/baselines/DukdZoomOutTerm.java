package org.dckd.losses.baselines;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;

import ai.djl.ndarray.NDArray;

import org.dckd.losses.LossContext;
import org.dckd.losses.TrainingRoles;
import org.dckd.losses.WeightedTerm;
import org.dckd.losses.pixel.PixelDistance;

/**
 * DUKD zoom-out (data upcycling; {@code DUKD.optimize_parameters} with {@code zoom_out: true}): the LR batch is
 * downscaled once more by the scale with MATLAB's antialiased bicubic ({@link BicubicResize#matlabDownscale}, BasicSR's
 * {@code imresize(lq, 1/scale)}), and the student's output on it is pulled towards both the LR batch (the
 * ground truth of that smaller problem) and the teacher's output on it:
 * {@code L1(S(lr_down), lr) + L1(S(lr_down), T(lr_down))}. The value is the sum of the two (the official code logs
 * them as {@code l_zoom_out_pix} and {@code l_zoom_out_kd}).
 *
 * <p>The downscaled input is small: an LR patch of 48 at x4 gives 12x12, below RLFN's minimum input of 15 (its ESA
 * pooling); {@link #attach} records the networks' minimum sizes so that such a run fails with a clear message.
 */
public final class DukdZoomOutTerm extends WeightedTerm {

    private int minInputSize = 1;

    /**
     * Creates the term.
     *
     * @param name the logged name
     * @param weight the weight
     * @param reduction mean or sum of each L1 distance
     */
    public DukdZoomOutTerm(String name, float weight, Reduction reduction) {
        super(name, weight, reduction);
    }

    @Override
    public Set<Requirement> requirements() {
        return EnumSet.of(Requirement.STUDENT_OUTPUT, Requirement.NETWORKS);
    }

    @Override
    public boolean needsTeacher() {
        return true;
    }

    /** Records the smallest input both networks accept. */
    @Override
    public void attach(TrainingRoles roles) {
        if (roles.teacher() == null) {
            throw new IllegalStateException("loss term '" + name() + "' (dukd_zoom_out) needs a teacher, but this run "
                    + "has none");
        }
        minInputSize = Math.max(roles.student().minInputSize(), roles.teacher().minInputSize());
    }

    @Override
    public NDArray compute(LossContext context) {
        UnaryOperator<NDArray> teacher = context.requireTeacher(name());
        UnaryOperator<NDArray> student = context.requireStudent(name());
        NDArray lr = context.lr();
        NDArray sr = context.studentOutput();
        long h = lr.getShape().get(2);
        long w = lr.getShape().get(3);
        long sh = sr.getShape().get(2);
        if (sh % h != 0 || sr.getShape().get(3) != w * (sh / h)) {
            throw new IllegalArgumentException("loss term '" + name() + "' (dukd_zoom_out): the output "
                    + sr.getShape() + " is not an integer multiple of the LR input " + lr.getShape());
        }
        int scale = Math.toIntExact(sh / h);
        if (h % scale != 0 || w % scale != 0) {
            throw new IllegalArgumentException("loss term '" + name() + "' (dukd_zoom_out): the LR patch " + h + "x" + w
                    + " is not divisible by the scale " + scale + ", so S(LR / " + scale + ") cannot match the LR");
        }
        if (h / scale < minInputSize || w / scale < minInputSize) {
            throw new IllegalArgumentException("loss term '" + name() + "' (dukd_zoom_out): the LR patch " + h + "x" + w
                    + " downscaled x" + scale + " is " + h / scale + "x" + w / scale + ", smaller than the networks' "
                    + "minimum input " + minInputSize + "; use LR patches of at least " + minInputSize * scale
                    + " or remove this term");
        }
        NDArray down = BicubicResize.matlabDownscale(lr, scale);
        NDArray out = student.apply(down);
        NDArray teacherOut = teacher.apply(down).stopGradient();
        NDArray pix = PixelDistance.l1().compute(out, lr, reduction());
        NDArray kd = PixelDistance.l1().compute(out, teacherOut, reduction());
        return pix.add(kd);
    }

    @Override
    public String toString() {
        return name() + " = dukd_zoom_out(" + reduction().configName() + "), weight " + weight();
    }

    /**
     * Starts building this term from Java: the same values and defaults as its YAML keys ({@link DukdZoomOutConfig}).
     *
     * @return a builder; {@code build()} gives the term, {@code config()} the config record
     */
    public static DukdZoomOutConfig.Builder builder() {
        return new DukdZoomOutConfig.Builder();
    }
}
