package org.dckd.losses.baselines;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

import org.dckd.losses.LossContext;
import org.dckd.losses.pixel.PixelDistance;
import org.dckd.losses.WeightedTerm;

/**
 * Label consistency ({@code lcr} in the released DCKD configs; the DUKD "label consistency regularisation"): each
 * sample's LR input is transformed by a random {@link SampleTransform} (each operation with probability {@code p},
 * default 0.5), the frozen teacher runs on the transformed input, its output is transformed back, and the student
 * output is pulled towards it: {@code L1(S(x), T_back)}. Only the student output gets gradients.
 *
 * <p>The random choices come from {@link LossContext#sampleSeed()} through a {@link Sampler} (injectable, so tests can
 * fix them). When all transformed inputs have the same shape (square patches, or no transposes) the teacher runs
 * once on the whole batch; otherwise once per sample.
 */
public final class LabelConsistencyTerm extends WeightedTerm {

    /** Chooses the transform of each sample of a step. */
    @FunctionalInterface
    public interface Sampler {
        /**
         * The transforms of one step.
         *
         * @param batchSize the number of samples
         * @param seed the step's {@link LossContext#sampleSeed()}
         * @return one transform per sample
         */
        List<SampleTransform> draw(int batchSize, long seed);
    }

    /** Salt that separates this term's random stream from other terms' streams of the same step. */
    private static final long SALT = 0x4c4352L; // "LCR"

    private final double probability;
    private final Sampler sampler;

    /**
     * Creates the term with random transforms drawn from the step seed.
     *
     * @param name the logged name
     * @param weight the weight
     * @param reduction mean or sum of the L1 distance
     * @param probability the probability of each of the four operations, in [0, 1]
     */
    public LabelConsistencyTerm(String name, float weight, Reduction reduction, double probability) {
        this(name, weight, reduction, probability,
                (batch, seed) -> SampleTransform.draw(batch, probability, new SplittableRandom(seed ^ SALT)));
    }

    /**
     * Creates the term with an explicit sampler (tests, or a custom augmentation policy).
     *
     * @param name the logged name
     * @param weight the weight
     * @param reduction mean or sum
     * @param probability the probability reported by {@link #probability()}
     * @param sampler chooses the transforms
     */
    public LabelConsistencyTerm(String name, float weight, Reduction reduction, double probability, Sampler sampler) {
        super(name, weight, reduction);
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("lcr: probability must be in [0, 1], got " + probability);
        }
        this.probability = probability;
        this.sampler = Objects.requireNonNull(sampler, "sampler");
    }

    /** The probability of each operation. */
    public double probability() {
        return probability;
    }

    @Override
    public Set<Requirement> requirements() {
        return EnumSet.of(Requirement.STUDENT_OUTPUT, Requirement.NETWORKS);
    }

    @Override
    public boolean needsTeacher() {
        return true;
    }

    @Override
    public NDArray compute(LossContext context) {
        UnaryOperator<NDArray> teacher = context.requireTeacher(name());
        NDArray lr = context.lr();
        int batch = Math.toIntExact(lr.getShape().get(0));
        List<SampleTransform> transforms = sampler.draw(batch, context.sampleSeed());
        if (transforms.size() != batch) {
            throw new IllegalStateException("loss term '" + name() + "': the sampler drew " + transforms.size()
                    + " transforms for a batch of " + batch);
        }
        NDArray target = teacherBack(teacher, lr, transforms).stopGradient();
        try {
            return PixelDistance.l1().compute(context.studentOutput(), target, reduction());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("loss term '" + name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * {@code T_back}: the teacher's output on the transformed inputs, transformed back.
     *
     * @param teacher the frozen teacher
     * @param lr the LR batch
     * @param transforms one transform per sample
     * @return the teacher outputs in the original orientation and colours
     */
    static NDArray teacherBack(UnaryOperator<NDArray> teacher, NDArray lr, List<SampleTransform> transforms) {
        NDList inputs = new NDList();
        boolean sameShape = true;
        for (int b = 0; b < transforms.size(); b++) {
            NDArray x = transforms.get(b).apply(lr.get(new NDIndex("{}:{}", b, b + 1)));
            sameShape &= inputs.isEmpty() || inputs.get(0).getShape().equals(x.getShape());
            inputs.add(x);
        }
        List<NDArray> outputs = new ArrayList<>(transforms.size());
        if (sameShape) {
            NDArray all = teacher.apply(NDArrays.concat(inputs, 0));
            for (int b = 0; b < transforms.size(); b++) {
                outputs.add(all.get(new NDIndex("{}:{}", b, b + 1)));
            }
        } else {
            for (NDArray x : inputs) {
                outputs.add(teacher.apply(x));
            }
        }
        NDList back = new NDList();
        for (int b = 0; b < transforms.size(); b++) {
            back.add(transforms.get(b).revert(outputs.get(b)));
        }
        return NDArrays.concat(back, 0);
    }

    @Override
    public String toString() {
        return name() + " = lcr(p " + probability + ", " + reduction().configName() + "), weight " + weight();
    }

    /**
     * Starts building this term from Java: the same values and defaults as its YAML keys
     * ({@link LabelConsistencyConfig}).
     *
     * @return a builder; {@code build()} gives the term, {@code config()} the config record
     */
    public static LabelConsistencyConfig.Builder builder() {
        return new LabelConsistencyConfig.Builder();
    }
}
