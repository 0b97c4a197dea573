package org.dckd.core.distill;

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
}
