package org.dckd.data.loader;

import java.util.SplittableRandom;

/**
 * The deterministic sample order of a {@link PatchLoader}: which pair each sample uses and which random numbers it
 * gets, as pure functions of the seed, the epoch and the sample's index, never of threads or timing.
 *
 * <ul>
 *   <li>An epoch has {@code L = pairs * enlarge_ratio} samples. Its order is a Fisher-Yates shuffle of
 *       {@code 0 .. L-1} drawn from a {@link SplittableRandom} seeded with {@link #shuffleSeed(long, long)
 *       shuffleSeed(seed, epoch)}, each value taken modulo {@code pairs} (BasicSR's {@code EnlargedSampler}), so every
 *       pair is visited exactly {@code enlarge_ratio} times per epoch.</li>
 *   <li>A batch takes {@code batch_size} consecutive samples of an epoch; the {@code L mod batch_size} samples left
 *       at the end of an epoch are skipped (drop-last), and the next batch starts the next epoch.</li>
 *   <li>Sample {@code index} of epoch {@code e} draws its crop position and flips from a {@link SplittableRandom}
 *       seeded with {@link #sampleSeed(long, long, long) sampleSeed(seed, e, index)}: first the LR column
 *       ({@code nextInt(lrWidth - P + 1)}), then the row, then three booleans (horizontal flip, vertical flip,
 *       transpose; each used only if enabled).</li>
 * </ul>
 * Seeds are mixed with the SplitMix64 finalizer, so nearby seeds, epochs and indices give unrelated streams.
 */
public final class SampleSchedule {

    /** The largest epoch supported ({@code pairs * enlarge_ratio}), about 268 million samples. */
    public static final int MAX_EPOCH_LENGTH = 1 << 28;

    private final long seed;
    private final int pairs;
    private final int epochLength;
    private final int batchSize;

    /**
     * Creates the schedule.
     *
     * @param seed the data seed
     * @param pairs the number of pairs in the training set
     * @param enlargeRatio visits of every pair per epoch
     * @param batchSize samples per batch
     * @throws IllegalArgumentException if an epoch would be shorter than one batch or too long
     */
    public SampleSchedule(long seed, int pairs, int enlargeRatio, int batchSize) {
        if (pairs < 1 || enlargeRatio < 1 || batchSize < 1) {
            throw new IllegalArgumentException("pairs, enlarge_ratio and batch_size must be at least 1, got " + pairs
                    + ", " + enlargeRatio + ", " + batchSize);
        }
        long l = (long) pairs * enlargeRatio;
        if (l > MAX_EPOCH_LENGTH) {
            throw new IllegalArgumentException("an epoch of " + pairs + " pairs x enlarge_ratio " + enlargeRatio
                    + " = " + l + " samples is longer than the supported " + MAX_EPOCH_LENGTH
                    + "; lower enlarge_ratio");
        }
        if (l < batchSize) {
            throw new IllegalArgumentException("an epoch of " + pairs + " pairs x enlarge_ratio " + enlargeRatio
                    + " = " + l + " samples is shorter than batch_size " + batchSize
                    + "; raise enlarge_ratio or lower batch_size");
        }
        this.seed = seed;
        this.pairs = pairs;
        this.epochLength = (int) l;
        this.batchSize = batchSize;
    }

    /** @return the number of samples in an epoch ({@code pairs * enlarge_ratio}) */
    public int samplesPerEpoch() {
        return epochLength;
    }

    /** @return the number of batches in an epoch ({@code floor(samplesPerEpoch / batch_size)}) */
    public int batchesPerEpoch() {
        return epochLength / batchSize;
    }

    /** @return the batch size */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The pair index of every sample of an epoch.
     *
     * @param epoch the epoch
     * @return {@code samplesPerEpoch()} pair indices
     */
    public int[] epochOrder(long epoch) {
        int[] order = new int[epochLength];
        for (int i = 0; i < epochLength; i++) {
            order[i] = i;
        }
        SplittableRandom r = new SplittableRandom(shuffleSeed(seed, epoch));
        for (int i = epochLength - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < epochLength; i++) {
            order[i] %= pairs;
        }
        return order;
    }

    /**
     * The position of the next batch that starts at or after {@code p}: {@code p} itself if a whole batch fits in
     * the rest of its epoch, else the start of the next epoch.
     *
     * @param p a position
     * @return the normalised position
     * @throws IllegalArgumentException if {@code p.index()} is beyond this schedule's epoch length (a position saved
     *     with another training set or enlarge ratio)
     */
    public LoaderPosition normalize(LoaderPosition p) {
        if (p.index() > epochLength) {
            throw new IllegalArgumentException("loader position (" + p + ") is beyond the epoch length "
                    + epochLength + " of this training set; was it saved with other data or another enlarge_ratio?");
        }
        if (p.index() + batchSize > epochLength) {
            return new LoaderPosition(p.epoch() + 1, 0);
        }
        return p;
    }

    /**
     * The position after the batch that starts at {@code p}.
     *
     * @param p a position
     * @return the normalised position of the following batch
     */
    public LoaderPosition after(LoaderPosition p) {
        LoaderPosition start = normalize(p);
        return normalize(new LoaderPosition(start.epoch(), start.index() + batchSize));
    }

    /**
     * The seed of one sample's random numbers.
     *
     * @param seed the data seed
     * @param epoch the epoch
     * @param index the sample's index in the epoch
     * @return the seed of its {@link SplittableRandom}
     */
    public static long sampleSeed(long seed, long epoch, long index) {
        long h = mix(seed ^ 0x5851F42D4C957F2DL);
        h = mix(h + 0x9E3779B97F4A7C15L * (epoch + 1));
        return mix(h ^ 0xD1B54A32D192ED03L * (index + 1));
    }

    /**
     * The seed of an epoch's shuffle.
     *
     * @param seed the data seed
     * @param epoch the epoch
     * @return the seed of its {@link SplittableRandom}
     */
    public static long shuffleSeed(long seed, long epoch) {
        long h = mix(seed ^ 0x2545F4914F6CDD1DL);
        return mix(h + 0x9E3779B97F4A7C15L * (epoch + 1));
    }

    /** SplitMix64's finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
