package org.dckd.data.resize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BicubicContributionsTest {

    private static final double[] X4 = {-0.001709, -0.010986, -0.018311, -0.011963, 0.022705, 0.097412, 0.181885,
        0.240967, 0.240967, 0.181885, 0.097412, 0.022705, -0.011963, -0.018311, -0.010986, -0.001709};
    private static final double[] X2 = {-0.011719, -0.035156, 0.113281, 0.433594, 0.433594, 0.113281, -0.035156,
        -0.011719};
    private static final double[] X3 = {-0.012346, -0.024691, 0.111111, 0.259259, 0.333333, 0.259259, 0.111111,
        -0.024691, -0.012346};

    @Test
    void x4InteriorTapsMatchSpec() {
        assertInteriorTaps(BicubicContributions.of(64, 1.0 / 4), X4);
    }

    @Test
    void x2InteriorTapsMatchSpec() {
        assertInteriorTaps(BicubicContributions.of(64, 1.0 / 2), X2);
    }

    @Test
    void x3DropsTheExactlyZeroTapsAndMatchesSpec() {
        BicubicContributions t = BicubicContributions.of(63, 1.0 / 3);
        assertEquals(9, t.taps(), "14 candidate taps, 5 exactly zero for every output");
        assertInteriorTaps(t, X3);
    }

    private static void assertInteriorTaps(BicubicContributions t, double[] expected) {
        assertEquals(expected.length, t.taps());
        int mid = t.outLength() / 2;
        double sum = 0;
        for (int k = 0; k < t.taps(); k++) {
            assertEquals(expected[k], t.weight(mid, k), 5e-7, "tap " + k);
            sum += t.weight(mid, k);
            if (k > 0) {
                assertEquals(1, t.index(mid, k) - t.index(mid, k - 1) - (t.taps() == 9 && (k == 2 || k == 7)
                        ? 1 : 0), "consecutive interior taps, tap " + k);
            }
        }
        assertEquals(1.0, sum, 1e-12);
    }

    @Test
    void x4FirstOutputMirrorsAtTheLeftEdge() {
        BicubicContributions t = BicubicContributions.of(16, 1.0 / 4);
        assertEquals(4, t.outLength());
        int[] idx = new int[t.taps()];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = t.index(0, k);
        }
        assertArrayEquals(new int[] {5, 4, 3, 2, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, idx);
        // the last output (u = 14.5, 1-based) mirrors at the right edge
        for (int k = 0; k < idx.length; k++) {
            idx[k] = t.index(3, k);
        }
        assertArrayEquals(new int[] {6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15, 14, 13, 12, 11, 10}, idx);
    }

    @Test
    void upscalingUsesTheUnstretchedKernel() {
        BicubicContributions t = BicubicContributions.of(10, 4.0);
        assertEquals(40, t.outLength());
        assertEquals(4, t.taps(), "6 candidate taps, the outer two always zero when enlarging");
        // output 1 (0-based): u = 2/4 + 0.5 (1 - 1/4) = 0.875 (1-based); taps at 1-based -1, 0, 1, 2
        assertArrayEquals(new int[] {1, 0, 0, 1}, new int[] {t.index(1, 0), t.index(1, 1), t.index(1, 2),
            t.index(1, 3)});
        double[] expected = {-0.0068359375, 0.0908203125, 0.9638671875, -0.0478515625};
        for (int k = 0; k < 4; k++) {
            assertEquals(expected[k], t.weight(1, k), 1e-15, "tap " + k);
        }
        for (int o = 0; o < t.outLength(); o++) {
            double sum = 0;
            for (int k = 0; k < t.taps(); k++) {
                sum += t.weight(o, k);
                int i = t.index(o, k);
                assertTrue(i >= 0 && i < 10, "index in range");
            }
            assertEquals(1.0, sum, 1e-12);
        }
    }

    @Test
    void tablesAreCachedAndScaleIsValidated() {
        assertSame(BicubicContributions.of(100, 0.25), BicubicContributions.of(100, 0.25));
        assertThrows(IllegalArgumentException.class, () -> BicubicContributions.of(10, 0.0));
        assertThrows(IllegalArgumentException.class, () -> BicubicContributions.of(0, 0.5));
        assertEquals(85, BicubicContributions.outputLength(255, 1.0 / 3));
    }

    @Test
    void cubicKernelHasItsKnownValues() {
        assertEquals(1.0, BicubicContributions.cubic(0));
        assertEquals(0.0, BicubicContributions.cubic(1));
        assertEquals(0.0, BicubicContributions.cubic(-2));
        assertEquals(0.0, BicubicContributions.cubic(2.5));
        assertEquals(0.5625, BicubicContributions.cubic(0.5), 1e-15);
        assertEquals(-0.0625, BicubicContributions.cubic(1.5), 1e-15);
    }
}
