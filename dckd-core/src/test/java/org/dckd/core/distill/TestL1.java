package org.dckd.core.distill;

import java.util.EnumSet;
import java.util.Set;

import ai.djl.ndarray.NDArray;

import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm;

/** A minimal L1 term for core tests: to the HR batch or to the teacher output. */
record TestL1(String name, float weight, boolean toTeacher) implements LossTerm {

    @Override
    public Set<Requirement> requirements() {
        return toTeacher ? EnumSet.of(Requirement.TEACHER_OUTPUT) : EnumSet.of(Requirement.HR);
    }

    @Override
    public NDArray compute(LossContext c) {
        NDArray target = toTeacher ? c.requireTeacherOutput(name) : c.hr();
        return c.studentOutput().sub(target).abs().mean();
    }
}
