package org.dckd.losses;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

import com.fasterxml.jackson.annotation.JsonValue;

import org.dckd.checkpoint.Tensor;

/**
 * One named, weighted term of a distillation loss ({@code l_pix}, {@code l_kd}, {@code l_dcl}, {@code l_ce}, ...).
 *
 * <p>A term declares what it reads ({@link #requirements()}), computes its UNWEIGHTED scalar from a
 * {@link LossContext}, and is multiplied by {@link #weight()} by the {@link DistillationLoss} that holds it; each term's
 * value is logged on its own. Terms with state (the DCKD history model, a k-means codebook, FAKD connectors) use the
 * lifecycle hooks: {@link #attach} once before training, {@link #afterStep} after every optimizer step, and
 * {@link #state}/{@link #loadState} so a resumed run continues exactly. Users add their own term by implementing this
 * interface and registering a config type with {@link org.dckd.losses.catalog.LossTerms#register}.
 */
public interface LossTerm extends AutoCloseable {

    /** What a term reads from the {@link LossContext}; the trainer computes only what some term needs. */
    enum Requirement {
        /** The student output {@code S(x)} (always computed). */
        STUDENT_OUTPUT,
        /** The frozen teacher's output {@code T(x)}. */
        TEACHER_OUTPUT,
        /** Named intermediate features of the student ({@link #studentTaps()}). */
        STUDENT_FEATURES,
        /** Named intermediate features of the teacher ({@link #teacherTaps()}). */
        TEACHER_FEATURES,
        /** The ground-truth HR batch. */
        HR,
        /** Extra forward passes of student/teacher on other inputs ({@link LossContext#student()}, ...). */
        NETWORKS
    }

    /**
     * How a term reduces its per-element values to a scalar. Config value {@code mean} or {@code sum}.
     */
    enum Reduction {
        /** The mean over all elements (PyTorch's default {@code reduction='mean'}). */
        MEAN,
        /** The sum over all elements. */
        SUM;

        /** The config spelling: {@code mean} or {@code sum}. */
        @JsonValue
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Reduces an array of per-element values.
         *
         * @param values the per-element values
         * @return a scalar in the manager of {@code values}
         */
        public NDArray apply(NDArray values) {
            return this == MEAN ? values.mean() : values.sum();
        }

        /**
         * Parses a config value.
         *
         * @param value {@code mean} or {@code sum}; {@code null} gives {@code defaultValue}
         * @param type the term type, for the message
         * @param defaultValue the value when the key is missing
         * @return the reduction
         * @throws IllegalArgumentException naming {@code reduction} and the allowed values
         */
        public static Reduction parse(String value, String type, Reduction defaultValue) {
            if (value == null) {
                return defaultValue;
            }
            for (Reduction r : values()) {
                if (r.configName().equals(value)) {
                    return r;
                }
            }
            throw new IllegalArgumentException(
                    type + ": reduction must be 'mean' or 'sum', got '" + value + "'");
        }
    }

    /** The name this term is logged under, e.g. {@code l_dcl}. */
    String name();

    /** The weight the term is multiplied by in the total loss (&gt;= 0). */
    float weight();

    /**
     * How the term reduces per-element values (pixel terms: {@code reduction: mean|sum}); terms whose formula fixes the
     * reduction (ratios, affinity losses) report {@link Reduction#MEAN}.
     */
    default Reduction reduction() {
        return Reduction.MEAN;
    }

    /** What the term reads. */
    Set<Requirement> requirements();

    /**
     * Whether the term needs the frozen teacher: by default when it reads {@link Requirement#TEACHER_OUTPUT} or
     * {@link Requirement#TEACHER_FEATURES}. Terms that only run the teacher on other inputs ({@link Requirement#NETWORKS},
     * e.g. label consistency or DUKD) override this.
     */
    default boolean needsTeacher() {
        Set<Requirement> r = requirements();
        return r.contains(Requirement.TEACHER_OUTPUT) || r.contains(Requirement.TEACHER_FEATURES);
    }

    /** Student feature taps the term reads (names from {@code TappedNetwork#tapNames()}); default none. */
    default List<String> studentTaps() {
        return List.of();
    }

    /** Teacher feature taps the term reads; default none. */
    default List<String> teacherTaps() {
        return List.of();
    }

    /**
     * Called once before the first step, with the roles of the run (student, teacher, managers). Terms create their
     * frozen helpers (encoders, history model) and trainable connectors here.
     *
     * @param roles the networks of the run
     */
    default void attach(TrainingRoles roles) {}

    /**
     * Computes the unweighted term for one batch. Everything created belongs to {@code context.manager()}.
     *
     * @param context the batch, the outputs and the networks
     * @return a scalar NDArray, attached to the autograd graph of the student output where it depends on it
     */
    NDArray compute(LossContext context);

    /**
     * Called after every optimizer step (e.g. the history model's update every {@code s} iterations).
     *
     * @param iteration the 1-based iteration that just finished
     * @param roles the networks of the run
     */
    default void afterStep(long iteration, TrainingRoles roles) {}

    /** Trainable parameters the term owns (FAKD connectors); they are optimised with the student. Default none. */
    default List<Parameter> trainableParameters() {
        return List.of();
    }

    /** State to save with a checkpoint (history weights, codebook, connector weights); keys are term-local. */
    default Map<String, Tensor> state() {
        return Map.of();
    }

    /** Restores {@link #state()} from a checkpoint. */
    default void loadState(Map<String, Tensor> state) {}

    /** Releases native resources the term holds. */
    @Override
    default void close() {}
}
