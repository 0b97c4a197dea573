package org.dckd.data.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The training-data part of an experiment (the {@code data:} key): where the LR/HR pairs come from and how patches
 * are sampled, augmented, batched and prefetched. Plain Jackson annotations, snake_case keys; the record validates in
 * its constructor and throws {@link IllegalArgumentException} naming the key.
 *
 * <p>Keys (defaults in brackets):
 * <ul>
 *   <li>{@code sources} (required): a list of {@link SourceConfig}s ({@code type: div2k | flickr2k | paired |
 *       hr_only}), mixed by concatenation;</li>
 *   <li>{@code scale} (required): the super-resolution factor;</li>
 *   <li>{@code patch_size} [48]: the LR patch size; the HR patch is {@code patch_size * scale};</li>
 *   <li>{@code batch_size} [16];</li>
 *   <li>{@code augment} [all on]: {@link AugmentConfig} ({@code hflip}, {@code vflip}, {@code rot90});</li>
 *   <li>{@code enlarge_ratio} [1]: an epoch visits every pair this many times (BasicSR's
 *       {@code dataset_enlarge_ratio});</li>
 *   <li>{@code workers} [2]: loader threads (0 loads on the calling thread);</li>
 *   <li>{@code prefetch} [4]: batches prepared ahead of the trainer (the bound of the queue);</li>
 *   <li>{@code seed} [10]: the data seed (epoch shuffles and per-sample crops and flips);</li>
 *   <li>{@code use_subimages} [true]: use a source's prepared sub-image folders ({@code <hr>_sub} and
 *       {@code <lr>_sub}, each with its {@code meta_info.txt}) when both exist and the source names no
 *       {@code meta_info}.</li>
 * </ul>
 *
 * @param sources the sources, at least one
 * @param scale the scale factor
 * @param patchSize the LR patch size
 * @param batchSize the number of patches per batch
 * @param augment the flips
 * @param enlargeRatio visits of every pair per epoch
 * @param workers loader threads
 * @param prefetch batches prepared ahead
 * @param seed the data seed
 * @param useSubimages whether prepared sub-images replace the original images
 */
public record TrainingDataConfig(
        @JsonProperty("sources") List<SourceConfig> sources,
        @JsonProperty("scale") int scale,
        @JsonProperty("patch_size") int patchSize,
        @JsonProperty("batch_size") int batchSize,
        @JsonProperty("augment") AugmentConfig augment,
        @JsonProperty("enlarge_ratio") int enlargeRatio,
        @JsonProperty("workers") int workers,
        @JsonProperty("prefetch") int prefetch,
        @JsonProperty("seed") long seed,
        @JsonProperty("use_subimages") boolean useSubimages) {

    /** Default LR patch size (the DCKD / BasicSR recipe). */
    public static final int DEFAULT_PATCH_SIZE = 48;
    /** Default batch size. */
    public static final int DEFAULT_BATCH_SIZE = 16;
    /** Default number of loader threads. */
    public static final int DEFAULT_WORKERS = 2;
    /** Default number of batches prepared ahead. */
    public static final int DEFAULT_PREFETCH = 4;
    /** Default data seed (the DCKD recipe's seed). */
    public static final long DEFAULT_SEED = 10;

    /**
     * Validates the fields.
     *
     * @param sources at least one source
     * @param scale at least 1
     * @param patchSize at least 1
     * @param batchSize at least 1
     * @param augment not null
     * @param enlargeRatio at least 1
     * @param workers at least 0
     * @param prefetch at least 1
     * @param seed any value
     * @param useSubimages whether prepared sub-images are used
     * @throws IllegalArgumentException naming the offending key
     */
    public TrainingDataConfig {
        if (sources == null || sources.isEmpty()) {
            throw new IllegalArgumentException("data config: sources must list at least one source");
        }
        for (int i = 0; i < sources.size(); i++) {
            if (sources.get(i) == null) {
                throw new IllegalArgumentException("data config: sources[" + i + "] is null");
            }
        }
        sources = List.copyOf(sources);
        atLeast("scale", scale, 1);
        atLeast("patch_size", patchSize, 1);
        atLeast("batch_size", batchSize, 1);
        Objects.requireNonNull(augment, "augment");
        atLeast("enlarge_ratio", enlargeRatio, 1);
        atLeast("workers", workers, 0);
        atLeast("prefetch", prefetch, 1);
    }

    private static void atLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("data config: " + key + " must be at least " + min + ", got " + value);
        }
    }

    /**
     * The JSON creator: fills in the documented defaults.
     *
     * @param sources required
     * @param scale required
     * @param patchSize default 48
     * @param batchSize default 16
     * @param augment default all flips
     * @param enlargeRatio default 1
     * @param workers default 2
     * @param prefetch default 4
     * @param seed default 10
     * @param useSubimages default true
     * @return the config
     * @throws IllegalArgumentException if a required key is missing or a value is invalid
     */
    @JsonCreator
    private static TrainingDataConfig fromJson(
            @JsonProperty("sources") List<SourceConfig> sources,
            @JsonProperty("scale") Integer scale,
            @JsonProperty("patch_size") Integer patchSize,
            @JsonProperty("batch_size") Integer batchSize,
            @JsonProperty("augment") AugmentConfig augment,
            @JsonProperty("enlarge_ratio") Integer enlargeRatio,
            @JsonProperty("workers") Integer workers,
            @JsonProperty("prefetch") Integer prefetch,
            @JsonProperty("seed") Long seed,
            @JsonProperty("use_subimages") Boolean useSubimages) {
        if (scale == null) {
            throw new IllegalArgumentException("data config: scale is required");
        }
        return new TrainingDataConfig(sources, scale, or(patchSize, DEFAULT_PATCH_SIZE), or(batchSize,
                DEFAULT_BATCH_SIZE), augment == null ? AugmentConfig.ALL : augment, or(enlargeRatio, 1),
                or(workers, DEFAULT_WORKERS), or(prefetch, DEFAULT_PREFETCH), seed == null ? DEFAULT_SEED : seed,
                useSubimages == null || useSubimages);
    }

    private static int or(Integer v, int d) {
        return v == null ? d : v;
    }

    /**
     * A builder with every default set.
     *
     * @param scale the scale factor
     * @return the builder
     */
    public static Builder builder(int scale) {
        return new Builder(scale);
    }

    /** @return a builder holding this config's values */
    public Builder toBuilder() {
        Builder b = new Builder(scale);
        b.sources.addAll(sources);
        b.patchSize = patchSize;
        b.batchSize = batchSize;
        b.augment = augment;
        b.enlargeRatio = enlargeRatio;
        b.workers = workers;
        b.prefetch = prefetch;
        b.seed = seed;
        b.useSubimages = useSubimages;
        return b;
    }

    /** Builds a {@link TrainingDataConfig} in code; every value but the sources has its documented default. */
    public static final class Builder {
        private final List<SourceConfig> sources = new ArrayList<>();
        private final int scale;
        private int patchSize = DEFAULT_PATCH_SIZE;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private AugmentConfig augment = AugmentConfig.ALL;
        private int enlargeRatio = 1;
        private int workers = DEFAULT_WORKERS;
        private int prefetch = DEFAULT_PREFETCH;
        private long seed = DEFAULT_SEED;
        private boolean useSubimages = true;

        private Builder(int scale) {
            this.scale = scale;
        }

        /**
         * Adds a source.
         *
         * @param source the source
         * @return this builder
         */
        public Builder addSource(SourceConfig source) {
            sources.add(Objects.requireNonNull(source, "source"));
            return this;
        }

        /**
         * Replaces the sources.
         *
         * @param newSources the sources
         * @return this builder
         */
        public Builder setSources(List<SourceConfig> newSources) {
            sources.clear();
            sources.addAll(newSources);
            return this;
        }

        /**
         * Sets the LR patch size.
         *
         * @param patchSize the size
         * @return this builder
         */
        public Builder optPatchSize(int patchSize) {
            this.patchSize = patchSize;
            return this;
        }

        /**
         * Sets the batch size.
         *
         * @param batchSize the size
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the flips.
         *
         * @param augment the flips
         * @return this builder
         */
        public Builder optAugment(AugmentConfig augment) {
            this.augment = augment;
            return this;
        }

        /**
         * Sets the enlarge ratio.
         *
         * @param enlargeRatio visits of every pair per epoch
         * @return this builder
         */
        public Builder optEnlargeRatio(int enlargeRatio) {
            this.enlargeRatio = enlargeRatio;
            return this;
        }

        /**
         * Sets the number of loader threads.
         *
         * @param workers threads (0: load on the calling thread)
         * @return this builder
         */
        public Builder optWorkers(int workers) {
            this.workers = workers;
            return this;
        }

        /**
         * Sets the number of batches prepared ahead.
         *
         * @param prefetch batches
         * @return this builder
         */
        public Builder optPrefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /**
         * Sets the data seed.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets whether prepared sub-image folders are used.
         *
         * @param useSubimages whether to use them
         * @return this builder
         */
        public Builder optUseSubimages(boolean useSubimages) {
            this.useSubimages = useSubimages;
            return this;
        }

        /**
         * Validates and builds the config.
         *
         * @return the config
         * @throws IllegalArgumentException naming the offending key
         */
        public TrainingDataConfig build() {
            return new TrainingDataConfig(sources, scale, patchSize, batchSize, augment, enlargeRatio, workers,
                    prefetch, seed, useSubimages);
        }
    }
}
