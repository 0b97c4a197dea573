package org.dckd.losses.dckd;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

/**
 * Where the DMM codebook comes from (the {@code codebook} key of a {@code dmm} term).
 *
 * <p>Keys (defaults in brackets): {@code source} [{@code auto}: the encoder's own codebook when it has one (VQGAN),
 * else {@code kmeans}; {@code encoder}; {@code kmeans}; {@code file}]; {@code size} [256]: K for k-means;
 * {@code kmeans_batches} [4]: the number of training steps whose teacher outputs are collected before k-means runs
 * (it also waits until at least {@code size} vectors are collected); {@code kmeans_iterations} [30];
 * {@code seed} [the run's seed]: the k-means initialisation; {@code file}: a {@code .npz}, {@code .safetensors} or
 * {@code .pth} holding a {@code (K, D)} tensor, {@code file_key} [the only tensor, else {@code codebook}];
 * {@code calibrate_tau} [false]: with a k-means codebook, multiply {@code tau} by the mean squared distance of the
 * collected vectors to their nearest centre (for encoders whose raw squared distances are far from order one); false
 * keeps the paper's {@code tau}. Codebooks from the encoder or a file always use the paper's {@code tau}.
 *
 * <p>From Java: {@link #builder()} or {@link #fromFile}, with the same defaults (the YAML reader takes its defaults
 * from that builder).
 *
 * @param source the source
 * @param size the number of k-means centres
 * @param kmeansBatches training batches to collect before k-means
 * @param kmeansIterations the maximum number of Lloyd iterations
 * @param seed the k-means seed, or {@code null} for one derived from the run's seed
 * @param file the codebook file (for {@code source: file})
 * @param fileKey the tensor's key in {@code file}, or {@code null}
 * @param calibrateTau whether a k-means codebook's {@code tau} is scaled to the feature scale
 */
public record CodebookConfig(
        Source source,
        int size,
        int kmeansBatches,
        int kmeansIterations,
        Long seed,
        @JsonSerialize(using = ToStringSerializer.class) Path file,
        String fileKey,
        boolean calibrateTau) {

    /** Where the codebook comes from. */
    public enum Source {
        /** The encoder's codebook if it has one, else k-means. */
        @JsonProperty("auto") AUTO,
        /** The encoder's codebook (a VQGAN's {@code quantize.embedding.weight}). */
        @JsonProperty("encoder") ENCODER,
        /** k-means over the encoder's encodings of the first training batches' teacher outputs. */
        @JsonProperty("kmeans") KMEANS,
        /** A tensor in a file. */
        @JsonProperty("file") FILE
    }

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public CodebookConfig {
        if (source == null) {
            throw new IllegalArgumentException("codebook: source must be one of auto, encoder, kmeans, file");
        }
        if (size < 2) {
            throw new IllegalArgumentException("codebook: size must be at least 2, got " + size);
        }
        if (kmeansBatches < 1) {
            throw new IllegalArgumentException("codebook: kmeans_batches must be at least 1, got " + kmeansBatches);
        }
        if (kmeansIterations < 1) {
            throw new IllegalArgumentException("codebook: kmeans_iterations must be at least 1, got "
                    + kmeansIterations);
        }
        if (source == Source.FILE) {
            if (file == null) {
                throw new IllegalArgumentException("codebook: file is required for source 'file'");
            }
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("codebook: file not found: " + file.toAbsolutePath());
            }
        } else if (file != null) {
            throw new IllegalArgumentException("codebook: file is only read with source 'file' (source is '"
                    + source.name().toLowerCase(java.util.Locale.ROOT) + "')");
        }
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both).
     */
    @JsonCreator
    private static CodebookConfig fromJson(
            @JsonProperty("source") Source source,
            @JsonProperty("size") Integer size,
            @JsonProperty("kmeans_batches") Integer kmeansBatches,
            @JsonProperty("kmeans_iterations") Integer kmeansIterations,
            @JsonProperty("seed") Long seed,
            @JsonProperty("file") String file,
            @JsonProperty("file_key") String fileKey,
            @JsonProperty("calibrate_tau") Boolean calibrateTau) {
        Builder builder = builder();
        builder.file = file == null ? null : Path.of(file);
        if (source != null) {
            builder.optSource(source);
        }
        if (size != null) {
            builder.optSize(size);
        }
        if (kmeansBatches != null) {
            builder.optKmeansBatches(kmeansBatches);
        }
        if (kmeansIterations != null) {
            builder.optKmeansIterations(kmeansIterations);
        }
        if (seed != null) {
            builder.optSeed(seed);
        }
        if (fileKey != null) {
            builder.optFileKey(fileKey);
        }
        if (calibrateTau != null) {
            builder.optCalibrateTau(calibrateTau);
        }
        return builder.build();
    }

    /** The defaults. */
    public static CodebookConfig defaults() {
        return builder().build();
    }

    /**
     * Starts a codebook config from the defaults (source auto: the encoder's codebook, else k-means with K 256).
     *
     * @return a builder; every value is optional
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A codebook read from a tensor file ({@code source: file}).
     *
     * @param file a {@code .npz}, {@code .safetensors} or {@code .pth} holding a {@code (K, D)} tensor
     * @return a builder with the source and the file set
     */
    public static Builder fromFile(Path file) {
        Builder builder = new Builder().optSource(Source.FILE);
        builder.file = java.util.Objects.requireNonNull(file, "file");
        return builder;
    }

    /**
     * Builds a {@link CodebookConfig}: {@code source} ({@link Source#AUTO}), {@code size} (256),
     * {@code kmeansBatches} (4), {@code kmeansIterations} (30), {@code seed} (derived from the run's seed),
     * {@code fileKey} (the only tensor, else {@code codebook}), {@code calibrateTau} (false). A file codebook starts
     * from {@link CodebookConfig#fromFile}.
     */
    public static final class Builder {

        private Source source = Source.AUTO;
        private int size = 256;
        private int kmeansBatches = 4;
        private int kmeansIterations = 30;
        private Long seed;
        private Path file;
        private String fileKey;
        private boolean calibrateTau;

        private Builder() {}

        /**
         * Sets where the codebook comes from (default {@link Source#AUTO}); a file codebook starts from
         * {@link CodebookConfig#fromFile}.
         *
         * @param value the source
         * @return this builder
         */
        public Builder optSource(Source value) {
            source = value;
            return this;
        }

        /**
         * Sets the number of k-means centres K (default 256).
         *
         * @param value at least 2
         * @return this builder
         */
        public Builder optSize(int value) {
            size = value;
            return this;
        }

        /**
         * Sets the training batches collected before k-means runs (default 4).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optKmeansBatches(int value) {
            kmeansBatches = value;
            return this;
        }

        /**
         * Sets the maximum number of Lloyd iterations (default 30).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optKmeansIterations(int value) {
            kmeansIterations = value;
            return this;
        }

        /**
         * Sets the k-means seed (default: derived from the run's seed).
         *
         * @param value the seed
         * @return this builder
         */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /**
         * Sets the tensor's key in the file (default: the only tensor, else {@code codebook}).
         *
         * @param value the key
         * @return this builder
         */
        public Builder optFileKey(String value) {
            fileKey = value;
            return this;
        }

        /**
         * Sets whether a k-means codebook's {@code tau} is scaled to the feature scale (default false: the paper's
         * {@code tau}).
         *
         * @param value whether to calibrate
         * @return this builder
         */
        public Builder optCalibrateTau(boolean value) {
            calibrateTau = value;
            return this;
        }

        /**
         * The config.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the offending field
         */
        public CodebookConfig build() {
            return new CodebookConfig(source, size, kmeansBatches, kmeansIterations, seed, file, fileKey, calibrateTau);
        }
    }

    /**
     * A k-means codebook.
     *
     * @param size K
     * @param batches training batches to collect
     * @param seed the seed
     * @return the config
     */
    public static CodebookConfig kmeans(int size, int batches, long seed) {
        return builder().optSource(Source.KMEANS).optSize(size).optKmeansBatches(batches).optSeed(seed).build();
    }
}
