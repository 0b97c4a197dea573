package org.dckd.losses;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;

import org.dckd.nn.OwnedArrays;

/**
 * A weighted sum of named {@link LossTerm}s: {@code L = sum_i w_i * term_i}. Each term's unweighted value is reported
 * separately for logging.
 */
public final class DistillationLoss implements AutoCloseable {

    private final List<LossTerm> terms;

    /**
     * Creates the loss.
     *
     * @param terms the terms (at least one; names must be unique)
     */
    public DistillationLoss(List<LossTerm> terms) {
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("a loss needs at least one term");
        }
        Set<String> names = new HashSet<>();
        for (LossTerm t : terms) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("two loss terms are named '" + t.name() + "'; set a distinct 'name'");
            }
            if (!(t.weight() >= 0) || Float.isInfinite(t.weight())) {
                throw new IllegalArgumentException("loss term '" + t.name() + "': weight must be >= 0, got " + t.weight());
            }
        }
        this.terms = List.copyOf(terms);
    }

    /** The terms in order. */
    public List<LossTerm> terms() {
        return terms;
    }

    /** The union of the terms' requirements. */
    public Set<LossTerm.Requirement> requirements() {
        Set<LossTerm.Requirement> out = EnumSet.of(LossTerm.Requirement.STUDENT_OUTPUT);
        terms.forEach(t -> out.addAll(t.requirements()));
        return Collections.unmodifiableSet(out);
    }

    /** The student taps any term reads. */
    public List<String> studentTaps() {
        Set<String> out = new LinkedHashSet<>();
        terms.forEach(t -> out.addAll(t.studentTaps()));
        return List.copyOf(out);
    }

    /** The teacher taps any term reads. */
    public List<String> teacherTaps() {
        Set<String> out = new LinkedHashSet<>();
        terms.forEach(t -> out.addAll(t.teacherTaps()));
        return List.copyOf(out);
    }

    /** Whether any term needs the teacher ({@link LossTerm#needsTeacher()}). */
    public boolean needsTeacher() {
        return terms.stream().anyMatch(LossTerm::needsTeacher);
    }

    /**
     * The loss of one batch.
     *
     * @param total the weighted sum (a scalar in the step's manager, part of the autograd graph)
     * @param terms each term's UNWEIGHTED scalar by name, in term order
     */
    public record Value(NDArray total, Map<String, NDArray> terms) {}

    /** Computes every term and the weighted total. */
    public Value compute(LossContext context) {
        Map<String, NDArray> values = new LinkedHashMap<>();
        NDArray total = null;
        for (LossTerm t : terms) {
            NDArray v = t.compute(context);
            values.put(t.name(), v);
            NDArray weighted = t.weight() == 1f ? v : OwnedArrays.mul(v, t.weight());
            total = total == null ? weighted : total.add(weighted);
        }
        return new Value(total, Collections.unmodifiableMap(values));
    }

    /** Every trainable parameter the terms own (connectors). */
    public List<ai.djl.nn.Parameter> trainableParameters() {
        List<ai.djl.nn.Parameter> out = new ArrayList<>();
        terms.forEach(t -> out.addAll(t.trainableParameters()));
        return out;
    }

    @Override
    public void close() {
        terms.forEach(LossTerm::close);
    }
}
