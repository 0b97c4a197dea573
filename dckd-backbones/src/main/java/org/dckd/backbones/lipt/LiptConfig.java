package org.dckd.backbones.lipt;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.backbones.ReparameterizableConfig;

/**
 * Configuration of a {@link Lipt} (latency-aware image-processing transformer, Lucien66/LIPT).
 *
 * <p>JSON ({@code type: lipt}, snake_case keys, defaults in brackets, the official {@code args} names):
 * {@code scale} (required), {@code channels} [24, {@code c_elan}], {@code m_elan} [8], {@code n_share} [1],
 * {@code window_sizes} [[8, 8]], {@code r_expand} [1], {@code rgb_range} [255], {@code deploy} [false].
 * The network has {@code m_elan / (1 + n_share)} blocks; block {@code i} is shifted when {@code i} is odd.
 * {@code deploy: false} is the training form (every HRM convolution a {@link DiverseBranchBlock}, every
 * {@code project_inp} a convolution + BatchNorm), {@code deploy: true} the official {@code deploy=True} form (one
 * convolution each).
 *
 * <p>Presets: {@link #tiny} ({@code config/tinyx2.yml}: 24 channels, m_elan 8, 4 blocks; 273,096 deploy parameters
 * at x4) and {@link #small} ({@code config/lightx2.yml}: 64 channels, m_elan 10, 5 blocks; 2,349,192 at x4). The
 * official configs exist for x2 only; x3/x4 are the same hyper-parameters with another scale.
 *
 * <p>From Java: {@link #builder()}, e.g.
 * {@code LiptConfig.builder().setScale(4).optChannels(16).optMElan(4).build()}.
 *
 * @param scale the upscaling factor (at least 1)
 * @param channels the feature width C ({@code c_elan}, even, and a multiple of 4 for the attention halves)
 * @param mElan the number of attention modules ({@code m_elan}); blocks = m_elan / (1 + n_share)
 * @param nShare the number of modules per block that share the first one's attention ({@code n_share})
 * @param windowSizes the window side of each attention half (two even values; the mask of half 1 needs 8 or 16)
 * @param rExpand the channel expansion inside the HRM ({@code r_expand})
 * @param rgbRange the input range (255: the official {@code rgb_range})
 * @param deploy whether to build the merged deploy form
 */
@JsonTypeName("lipt")
public record LiptConfig(
        @JsonProperty("scale") int scale,
        @JsonProperty("channels") int channels,
        @JsonProperty("m_elan") int mElan,
        @JsonProperty("n_share") int nShare,
        @JsonProperty("window_sizes") List<Integer> windowSizes,
        @JsonProperty("r_expand") int rExpand,
        @JsonProperty("rgb_range") int rgbRange,
        @JsonProperty("deploy") boolean deploy) implements ReparameterizableConfig {

    /** Default width (tinyx2.yml). */
    public static final int DEFAULT_CHANNELS = 24;
    /** Default m_elan (tinyx2.yml). */
    public static final int DEFAULT_M_ELAN = 8;
    /** Default n_share (both official configs). */
    public static final int DEFAULT_N_SHARE = 1;
    /** Default input range. */
    public static final int DEFAULT_RGB_RANGE = 255;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public LiptConfig {
        requireAtLeast("scale", scale, 1);
        requireAtLeast("channels", channels, 4);
        if (channels % 4 != 0) {
            throw new IllegalArgumentException("lipt config: channels must be a multiple of 4 (two attention halves of "
                    + "queries and values), got " + channels);
        }
        requireAtLeast("n_share", nShare, 0);
        requireAtLeast("m_elan", mElan, 1 + nShare);
        requireAtLeast("r_expand", rExpand, 1);
        requireAtLeast("rgb_range", rgbRange, 1);
        if (windowSizes == null || windowSizes.size() != 2) {
            throw new IllegalArgumentException("lipt config: window_sizes needs two values (one per attention half), "
                    + "got " + windowSizes);
        }
        for (Integer w : windowSizes) {
            if (w == null || w <= 0 || w % 2 != 0) {
                throw new IllegalArgumentException("lipt config: window_sizes must be even and positive, got "
                        + windowSizes);
            }
        }
        windowSizes = List.copyOf(windowSizes);
    }

    @JsonCreator
    private static LiptConfig fromJson(
            @JsonProperty("scale") Integer scale,
            @JsonProperty("channels") Integer channels,
            @JsonProperty("m_elan") Integer mElan,
            @JsonProperty("n_share") Integer nShare,
            @JsonProperty("window_sizes") List<Integer> windowSizes,
            @JsonProperty("r_expand") Integer rExpand,
            @JsonProperty("rgb_range") Integer rgbRange,
            @JsonProperty("deploy") Boolean deploy) {
        if (scale == null) {
            throw new IllegalArgumentException("lipt config: scale is required");
        }
        Builder b = builder().setScale(scale);
        if (channels != null) {
            b.optChannels(channels);
        }
        if (mElan != null) {
            b.optMElan(mElan);
        }
        if (nShare != null) {
            b.optNShare(nShare);
        }
        if (windowSizes != null) {
            b.optWindowSizes(windowSizes);
        }
        if (rExpand != null) {
            b.optRExpand(rExpand);
        }
        if (rgbRange != null) {
            b.optRgbRange(rgbRange);
        }
        if (deploy != null) {
            b.optDeploy(deploy);
        }
        return b.build();
    }

    /**
     * A builder: {@code setScale} is required, everything else optional (tinyx2.yml values).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * LIPT-Tiny as {@code config/tinyx2.yml} gives it: 24 channels, m_elan 8, n_share 1 (4 blocks), windows 8,
     * training form. Parameters at x4: 701,064 (training form, PyTorch's count) and 273,096 (deploy form); the paper
     * says 0.36 M, which no repository config reproduces.
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static LiptConfig tiny(int scale) {
        return builder().setScale(scale).build();
    }

    /**
     * LIPT-Small as {@code config/lightx2.yml} gives it: 64 channels, m_elan 10, n_share 1 (5 blocks), windows 8,
     * training form. Parameters at x4: 5,926,152 (training) and 2,349,192 (deploy); x2 2,328,420 deploy, the paper's
     * 2.33 M.
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static LiptConfig small(int scale) {
        return builder().setScale(scale).optChannels(64).optMElan(10).build();
    }

    /** The number of LIPT blocks, {@code m_elan / (1 + n_share)}. */
    public int blocks() {
        return mElan / (1 + nShare);
    }

    /** The multiple the input is reflect-padded to: the least common multiple of the window sizes. */
    public int paddingMultiple() {
        int a = windowSizes.get(0);
        int b = windowSizes.get(1);
        return a / gcd(a, b) * b;
    }

    /**
     * The same network in its deploy form.
     *
     * @return this config with {@code deploy = true}
     */
    @Override
    public LiptConfig deployForm() {
        return new LiptConfig(scale, channels, mElan, nShare, windowSizes, rExpand, rgbRange, true);
    }

    /**
     * The same network in its training form.
     *
     * @return this config with {@code deploy = false}
     */
    @Override
    public LiptConfig trainingForm() {
        return new LiptConfig(scale, channels, mElan, nShare, windowSizes, rExpand, rgbRange, false);
    }

    /** Whether this config builds the deploy form ({@link #deploy()}). */
    @Override
    public boolean isDeployForm() {
        return deploy;
    }

    /** false: the official {@code DiverseBranchBlock} runs its six branches until {@code switch_to_deploy()}. */
    @Override
    public boolean evaluatesMerged() {
        return false;
    }

    /**
     * A builder holding this config's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return builder().setScale(scale).optChannels(channels).optMElan(mElan).optNShare(nShare)
                .optWindowSizes(windowSizes).optRExpand(rExpand).optRgbRange(rgbRange).optDeploy(deploy);
    }

    @Override
    public Lipt build() {
        return new Lipt(this);
    }

    /** Builds a {@link LiptConfig}. */
    public static final class Builder {

        private Integer scale;
        private int channels = DEFAULT_CHANNELS;
        private int mElan = DEFAULT_M_ELAN;
        private int nShare = DEFAULT_N_SHARE;
        private List<Integer> windowSizes = List.of(8, 8);
        private int rExpand = 1;
        private int rgbRange = DEFAULT_RGB_RANGE;
        private boolean deploy;

        private Builder() {}

        /**
         * Sets the upscaling factor (required).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder setScale(int value) {
            scale = value;
            return this;
        }

        /**
         * Sets the feature width {@code c_elan} (default {@value LiptConfig#DEFAULT_CHANNELS}).
         *
         * @param value a positive multiple of 4
         * @return this builder
         */
        public Builder optChannels(int value) {
            channels = value;
            return this;
        }

        /**
         * Sets {@code m_elan} (default {@value LiptConfig#DEFAULT_M_ELAN}).
         *
         * @param value at least {@code 1 + n_share}
         * @return this builder
         */
        public Builder optMElan(int value) {
            mElan = value;
            return this;
        }

        /**
         * Sets {@code n_share} (default {@value LiptConfig#DEFAULT_N_SHARE}).
         *
         * @param value at least 0
         * @return this builder
         */
        public Builder optNShare(int value) {
            nShare = value;
            return this;
        }

        /**
         * Sets the window sizes of the two attention halves (default [8, 8]).
         *
         * @param value two even values
         * @return this builder
         */
        public Builder optWindowSizes(List<Integer> value) {
            windowSizes = value;
            return this;
        }

        /**
         * Sets the HRM expansion {@code r_expand} (default 1).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optRExpand(int value) {
            rExpand = value;
            return this;
        }

        /**
         * Sets the input range {@code rgb_range} (default {@value LiptConfig#DEFAULT_RGB_RANGE}).
         *
         * @param value 1 or 255 typically
         * @return this builder
         */
        public Builder optRgbRange(int value) {
            rgbRange = value;
            return this;
        }

        /**
         * Chooses the deploy form (default false: the training form).
         *
         * @param value whether to build the deploy form
         * @return this builder
         */
        public Builder optDeploy(boolean value) {
            deploy = value;
            return this;
        }

        /**
         * The config record.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the missing setter or the offending field
         */
        public LiptConfig build() {
            if (scale == null) {
                throw new IllegalArgumentException("lipt config: setScale is required (the upscaling factor)");
            }
            return new LiptConfig(scale, channels, mElan, nShare, windowSizes, rExpand, rgbRange, deploy);
        }

        /**
         * A new, uninitialised network.
         *
         * @return {@code build().build()}
         */
        public Lipt buildNetwork() {
            return build().build();
        }
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static void requireAtLeast(String field, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("lipt config: " + field + " must be at least " + min + ", got " + value);
        }
    }
}
