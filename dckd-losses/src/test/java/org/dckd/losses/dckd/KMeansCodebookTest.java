package org.dckd.losses.dckd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** k-means: deterministic in the seed, different seeds give different codebooks, separated clusters are found. */
class KMeansCodebookTest {

    private static float[] uniformPoints(int n, int d, long seed) {
        Random r = new Random(seed);
        float[] p = new float[n * d];
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextFloat();
        }
        return p;
    }

    @Test
    void sameSeedIdenticalCodebookOtherSeedDifferent() {
        float[] points = uniformPoints(2000, 16, 1);
        float[] a = KMeansCodebook.fit(points, 16, 32, 20, 5);
        float[] b = KMeansCodebook.fit(points, 16, 32, 20, 5);
        float[] c = KMeansCodebook.fit(points, 16, 32, 20, 6);
        assertEquals(32 * 16, a.length);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void findsWellSeparatedClusters() {
        float[][] centres = {{0, 0}, {10, 0}, {0, 10}, {10, 10}};
        Random r = new Random(3);
        int n = 400;
        float[] points = new float[n * 2];
        for (int i = 0; i < n; i++) {
            float[] c = centres[i % 4];
            points[2 * i] = c[0] + (float) r.nextGaussian() * 0.3f;
            points[2 * i + 1] = c[1] + (float) r.nextGaussian() * 0.3f;
        }
        float[] found = KMeansCodebook.fit(points, 2, 4, 50, 11);
        for (float[] c : centres) {
            double best = Double.MAX_VALUE;
            for (int k = 0; k < 4; k++) {
                best = Math.min(best, Math.hypot(found[2 * k] - c[0], found[2 * k + 1] - c[1]));
            }
            assertTrue(best < 0.1, "centre " + Arrays.toString(c) + " found within " + best);
        }
    }

    @Test
    void tooFewPointsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> KMeansCodebook.fit(new float[6], 2, 4, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> KMeansCodebook.fit(new float[7], 2, 2, 5, 0));
    }
}
