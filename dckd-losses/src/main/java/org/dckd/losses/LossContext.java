package org.dckd.losses;

import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * What loss terms read during one training step. All images are NCHW float32 on the [0, 1] scale (the trainer converts
 * from and to each network's own input range), so terms never deal with ranges.
 *
 * @param manager the step's manager; everything a term creates must belong to it (closed after the step)
 * @param iteration the 1-based iteration
 * @param lr the LR input batch
 * @param hr the HR batch
 * @param studentOutput {@code S(lr)}, recorded for gradients
 * @param teacherOutput {@code T(lr)}, no gradient; {@code null} when no term needs it
 * @param studentFeatures requested student taps (recorded for gradients), empty when none
 * @param teacherFeatures requested teacher taps (no gradient), empty when none
 * @param student runs the student on another [0,1] batch WITH gradients (for DUKD and label consistency)
 * @param teacher runs the frozen teacher on another [0,1] batch without gradients; {@code null} without a teacher
 * @param sampleSeed a per-step seed for the term's random choices (degradations, flips), derived from the run seed
 *     and the iteration so that a resumed run draws the same values
 * @param shared results several terms of this step need, computed once (for example DCR's and DMM's encoder passes
 *     over the student and teacher outputs)
 */
public record LossContext(
        NDManager manager,
        long iteration,
        NDArray lr,
        NDArray hr,
        NDArray studentOutput,
        NDArray teacherOutput,
        Map<String, NDArray> studentFeatures,
        Map<String, NDArray> teacherFeatures,
        UnaryOperator<NDArray> student,
        UnaryOperator<NDArray> teacher,
        long sampleSeed,
        SharedComputations shared) {

    /**
     * A context with a new, empty {@link SharedComputations} store (one step's).
     *
     * @param manager the step's manager
     * @param iteration the 1-based iteration
     * @param lr the LR input batch
     * @param hr the HR batch
     * @param studentOutput {@code S(lr)}, recorded for gradients
     * @param teacherOutput {@code T(lr)}, or {@code null}
     * @param studentFeatures requested student taps
     * @param teacherFeatures requested teacher taps
     * @param student the student operator, or {@code null}
     * @param teacher the teacher operator, or {@code null}
     * @param sampleSeed the step's sample seed
     */
    public LossContext(NDManager manager, long iteration, NDArray lr, NDArray hr, NDArray studentOutput,
            NDArray teacherOutput, Map<String, NDArray> studentFeatures, Map<String, NDArray> teacherFeatures,
            UnaryOperator<NDArray> student, UnaryOperator<NDArray> teacher, long sampleSeed) {
        this(manager, iteration, lr, hr, studentOutput, teacherOutput, studentFeatures, teacherFeatures, student,
                teacher, sampleSeed, new SharedComputations());
    }

    /** Checks the shared store. */
    public LossContext {
        Objects.requireNonNull(shared, "shared");
    }

    /**
     * The teacher network, or an error naming the term that needs it when the run has no teacher.
     *
     * @param term the name of the term, for the message
     * @return the frozen teacher as a [0,1]-in, [0,1]-out operator (no gradients)
     */
    public UnaryOperator<NDArray> requireTeacher(String term) {
        if (teacher == null) {
            throw new IllegalStateException("loss term '" + term + "' needs a teacher, but this run has none");
        }
        return teacher;
    }

    /**
     * The student network for extra forward passes, or an error naming the term when the trainer did not provide it.
     *
     * @param term the name of the term, for the message
     * @return the student as a [0,1]-in, [0,1]-out operator, recorded for gradients
     */
    public UnaryOperator<NDArray> requireStudent(String term) {
        if (student == null) {
            throw new IllegalStateException("loss term '" + term + "' runs the student on extra inputs, but the "
                    + "trainer provided no student operator (declare Requirement.NETWORKS)");
        }
        return student;
    }

    /**
     * One requested student feature.
     *
     * @param tap the tap name
     * @param term the name of the term, for the message
     * @return the feature (recorded for gradients)
     * @throws IllegalStateException naming the tap and the available taps if it was not computed
     */
    public NDArray studentFeature(String tap, String term) {
        return feature(studentFeatures, "student", tap, term);
    }

    /**
     * One requested teacher feature.
     *
     * @param tap the tap name
     * @param term the name of the term, for the message
     * @return the feature (no gradient)
     * @throws IllegalStateException naming the tap and the available taps if it was not computed
     */
    public NDArray teacherFeature(String tap, String term) {
        return feature(teacherFeatures, "teacher", tap, term);
    }

    private static NDArray feature(Map<String, NDArray> features, String role, String tap, String term) {
        NDArray f = features == null ? null : features.get(tap);
        if (f == null) {
            throw new IllegalStateException("loss term '" + term + "' needs the " + role + " feature '" + tap
                    + "', which this step did not compute; available: "
                    + (features == null ? "[]" : features.keySet()));
        }
        return f;
    }

    /** The teacher output, or an error naming the term that needs it when the run has no teacher. */
    public NDArray requireTeacherOutput(String term) {
        if (teacherOutput == null) {
            throw new IllegalStateException("loss term '" + term + "' needs a teacher, but this run has none");
        }
        return teacherOutput;
    }
}
