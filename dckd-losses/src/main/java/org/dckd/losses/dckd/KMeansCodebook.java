package org.dckd.losses.dckd;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Seeded k-means (k-means++ initialisation, then Lloyd iterations) in plain Java, for building a DMM codebook from
 * frozen-encoder features when the encoder has none. Deterministic: the same points, {@code k}, iterations and seed give
 * a bit-identical codebook on every machine (assignments are computed per point, in parallel but independently; sums
 * are accumulated sequentially in double precision).
 *
 * <p>Empty clusters are re-seeded with the point farthest from its centre. Iterations stop early when no assignment
 * changes.
 */
public final class KMeansCodebook {

    private KMeansCodebook() {}

    /**
     * Clusters {@code n} points of dimension {@code d}.
     *
     * @param points {@code n * d} values, row-major
     * @param d the dimension
     * @param k the number of centres (at most the number of points)
     * @param iterations the maximum number of Lloyd iterations
     * @param seed the seed of the initialisation
     * @return {@code k * d} values, row-major
     * @throws IllegalArgumentException if there are fewer points than centres or the sizes do not fit
     */
    public static float[] fit(float[] points, int d, int k, int iterations, long seed) {
        if (d < 1 || points.length % d != 0) {
            throw new IllegalArgumentException("k-means: " + points.length + " values are not rows of dimension " + d);
        }
        int n = points.length / d;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k-means: " + k + " centres need at least as many points, got " + n);
        }
        float[] centres = initialise(points, n, d, k, new Random(seed));
        int[] assignment = new int[n];
        Arrays.fill(assignment, -1);
        for (int it = 0; it < iterations; it++) {
            if (!assign(points, n, d, centres, k, assignment)) {
                break;
            }
            update(points, n, d, centres, k, assignment);
        }
        return centres;
    }

    /** k-means++: the first centre uniformly, each next one with probability proportional to D(x)^2. */
    private static float[] initialise(float[] points, int n, int d, int k, Random random) {
        float[] centres = new float[k * d];
        double[] nearest = new double[n];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        int chosen = random.nextInt(n);
        for (int c = 0; c < k; c++) {
            System.arraycopy(points, chosen * d, centres, c * d, d);
            int centre = c;
            IntStream.range(0, n).parallel().forEach(i -> {
                double dist = squaredDistance(points, i * d, centres, centre * d, d);
                if (dist < nearest[i]) {
                    nearest[i] = dist;
                }
            });
            if (c + 1 == k) {
                break;
            }
            double total = 0;
            for (double v : nearest) {
                total += v;
            }
            if (total <= 0) {
                chosen = random.nextInt(n); // all points coincide with centres: any point
                continue;
            }
            double target = random.nextDouble() * total;
            double cumulative = 0;
            chosen = n - 1;
            for (int i = 0; i < n; i++) {
                cumulative += nearest[i];
                if (cumulative > target) {
                    chosen = i;
                    break;
                }
            }
        }
        return centres;
    }

    /** Assigns every point to its nearest centre; returns whether any assignment changed. */
    private static boolean assign(float[] points, int n, int d, float[] centres, int k, int[] assignment) {
        boolean[] changed = new boolean[1];
        int[] next = new int[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            int best = 0;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double dist = squaredDistance(points, i * d, centres, c * d, d);
                if (dist < bestDistance) {
                    bestDistance = dist;
                    best = c;
                }
            }
            next[i] = best;
        });
        for (int i = 0; i < n; i++) {
            if (next[i] != assignment[i]) {
                changed[0] = true;
                assignment[i] = next[i];
            }
        }
        return changed[0];
    }

    /** Moves every centre to the mean of its points; re-seeds empty ones with the farthest points. */
    private static void update(float[] points, int n, int d, float[] centres, int k, int[] assignment) {
        double[] sums = new double[k * d];
        int[] counts = new int[k];
        for (int i = 0; i < n; i++) {
            int c = assignment[i];
            counts[c]++;
            for (int j = 0; j < d; j++) {
                sums[c * d + j] += points[i * d + j];
            }
        }
        boolean[] taken = new boolean[n];
        for (int c = 0; c < k; c++) {
            if (counts[c] > 0) {
                for (int j = 0; j < d; j++) {
                    centres[c * d + j] = (float) (sums[c * d + j] / counts[c]);
                }
            }
        }
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                int far = -1;
                double farDistance = -1;
                for (int i = 0; i < n; i++) {
                    if (taken[i]) {
                        continue;
                    }
                    double dist = squaredDistance(points, i * d, centres, assignment[i] * d, d);
                    if (dist > farDistance) {
                        farDistance = dist;
                        far = i;
                    }
                }
                taken[far] = true;
                System.arraycopy(points, far * d, centres, c * d, d);
            }
        }
    }

    private static double squaredDistance(float[] a, int offsetA, float[] b, int offsetB, int d) {
        double sum = 0;
        for (int j = 0; j < d; j++) {
            double diff = a[offsetA + j] - b[offsetB + j];
            sum += diff * diff;
        }
        return sum;
    }
}
