package org.dckd.core.distill;

import java.util.EnumSet;
import java.util.Set;

import ai.djl.ndarray.NDArray;

import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm;

/** Test-only loss terms for core tests, until the library's pixel terms are used. */
public final class TestTerms {

    private TestTerms() {}

    /** L1 to the HR batch, named {@code l_pix}. */
    public static LossTerm l1ToHr() {
        return new TestL1("l_pix", 1f, false);
    }

    /** L1 to the teacher output, named {@code l_kd}. */
    public static LossTerm l1ToTeacher() {
        return new TestL1("l_kd", 1f, true);
    }

    /** A term whose value is NaN ({@code 0 * (L1 / 0)}): the non-finite guard's input. */
    public static LossTerm nanLoss(String name) {
        return new LossTerm() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public float weight() {
                return 1f;
            }

            @Override
            public Set<Requirement> requirements() {
                return EnumSet.of(Requirement.HR);
            }

            @Override
            public NDArray compute(LossContext c) {
                return c.studentOutput().sub(c.hr()).abs().mean().div(0f).mul(0f);
            }
        };
    }
}
