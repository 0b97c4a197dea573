package org.dckd.backbones.swinir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

import org.dckd.backbones.BackboneConfig;

/**
 * The configuration of a {@link SwinIr} network: the constructor arguments of the official {@code SwinIR} class
 * ({@code models/network_swinir.py}, JingyunLiang/SwinIR) plus the padding convention used for inputs whose size is
 * not a multiple of the window.
 *
 * <p>JSON/YAML keys are snake_case ({@code type: swinir}). Required: {@code scale} (alias {@code upscale}),
 * {@code embed_dim}, {@code depths}, {@code num_heads}, {@code upsampler}. Defaults of the optional keys (those of the
 * official constructor unless noted): {@code in_chans} 3, {@code img_size} 64, {@code window_size} 8 (official: 7;
 * every released SR model uses 8), {@code img_range} 1.0, {@code mlp_ratio} 2 (official: 4; every released SR model
 * uses 2), {@code resi_connection} {@code 1conv}, {@code qkv_bias} true, {@code ape} false, {@code patch_norm} true,
 * {@code drop_path_rate} 0.1 (stochastic depth; only active in training), {@code padding} {@code reflect}.
 *
 * <p>From Java: {@link #builder()}, with the same defaults ({@code setX} for the required values, {@code optX} for
 * the others); {@link Builder#buildNetwork()} gives the network directly.
 *
 * <p>{@code img_size} matters beyond the stored {@code attn_mask} buffers: as in the official code, when
 * {@code img_size <= window_size} every Swin block uses {@code img_size} as its window and no shift (see
 * {@link #blockWindowSize()} and {@link #shiftSize()}).
 *
 * <p>Inputs and outputs are in {@code [0, 1]} for the released models ({@code img_range} 1); the network subtracts the
 * DIV2K RGB mean (0.4488, 0.4371, 0.4040) for 3-channel input and adds it back at the end.
 *
 * @param scale the upscaling factor ({@code upscale}); 1 for {@link Upsampler#NONE}
 * @param inChans input (and output) channels
 * @param imgSize the training patch size the network was built for ({@code img_size}, square)
 * @param windowSize the attention window side
 * @param imgRange the value the input range is scaled to after mean subtraction
 * @param depths Swin blocks per residual group (RSTB)
 * @param embedDim feature channels
 * @param numHeads attention heads per residual group
 * @param mlpRatio MLP hidden width relative to {@code embedDim} (hidden = {@code int(embed_dim * mlp_ratio)})
 * @param upsampler the reconstruction module
 * @param resiConnection the convolution at the end of each RSTB and after the body
 * @param qkvBias whether the qkv projection has a bias
 * @param ape whether an absolute position embedding is added (only valid for inputs padded to {@code img_size})
 * @param patchNorm whether a LayerNorm follows the patch embedding
 * @param dropPathRate the stochastic-depth rate of the last Swin block (linearly increasing from 0); training only
 * @param padding how inputs are padded to a multiple of {@code window_size}
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record SwinIrConfig(
        @JsonProperty("scale") int scale,
        @JsonProperty("in_chans") int inChans,
        @JsonProperty("img_size") int imgSize,
        @JsonProperty("window_size") int windowSize,
        @JsonProperty("img_range") double imgRange,
        @JsonProperty("depths") List<Integer> depths,
        @JsonProperty("embed_dim") int embedDim,
        @JsonProperty("num_heads") List<Integer> numHeads,
        @JsonProperty("mlp_ratio") double mlpRatio,
        @JsonProperty("upsampler") Upsampler upsampler,
        @JsonProperty("resi_connection") ResiConnection resiConnection,
        @JsonProperty("qkv_bias") boolean qkvBias,
        @JsonProperty("ape") boolean ape,
        @JsonProperty("patch_norm") boolean patchNorm,
        @JsonProperty("drop_path_rate") double dropPathRate,
        @JsonProperty("padding") Padding padding)
        implements BackboneConfig {

    /** Default {@code in_chans}. */
    public static final int DEFAULT_IN_CHANS = 3;
    /** Default {@code img_size}. */
    public static final int DEFAULT_IMG_SIZE = 64;
    /** Default {@code window_size}. */
    public static final int DEFAULT_WINDOW_SIZE = 8;
    /** Default {@code img_range}. */
    public static final double DEFAULT_IMG_RANGE = 1.0;
    /** Default {@code mlp_ratio}. */
    public static final double DEFAULT_MLP_RATIO = 2.0;
    /** Default {@code drop_path_rate} (the official constructor's). */
    public static final double DEFAULT_DROP_PATH_RATE = 0.1;

    /** The reconstruction module ({@code upsampler} argument of the official constructor). */
    public enum Upsampler {
        /** Classical SR: conv + LeakyReLU(0.01), (conv + PixelShuffle(2)) x log2(s) or conv + PixelShuffle(3), conv. */
        PIXEL_SHUFFLE("pixelshuffle"),
        /** Lightweight SR: one conv to {@code in_chans * s * s} channels + PixelShuffle(s). */
        PIXEL_SHUFFLE_DIRECT("pixelshuffledirect"),
        /** Real-world SR: conv + LeakyReLU(0.01), then nearest x2 + conv + LeakyReLU(0.2) once (x2) or twice (x4). */
        NEAREST_CONV("nearest+conv"),
        /** No upsampling (denoising / JPEG artefact removal): {@code x + conv_last(features)}; scale must be 1. */
        NONE("");

        private final String jsonName;

        Upsampler(String jsonName) {
            this.jsonName = jsonName;
        }

        /** The official name ({@code ""} for {@link #NONE}). */
        @JsonValue
        public String jsonName() {
            return jsonName;
        }

        /**
         * Parses an official name; {@code none} is accepted for {@link #NONE}.
         *
         * @throws IllegalArgumentException naming the field and the accepted values
         */
        @JsonCreator
        public static Upsampler parse(String name) {
            if (name != null && name.equalsIgnoreCase("none")) {
                return NONE;
            }
            for (Upsampler u : values()) {
                if (u.jsonName.equals(name)) {
                    return u;
                }
            }
            throw new IllegalArgumentException("swinir upsampler: unknown value '" + name
                    + "'; expected one of 'pixelshuffle', 'pixelshuffledirect', 'nearest+conv', '' (or 'none')");
        }
    }

    /** The convolution closing each residual group and the body ({@code resi_connection}). */
    public enum ResiConnection {
        /** One 3x3 conv. */
        ONE_CONV("1conv"),
        /** 3x3 conv to C/4, LeakyReLU(0.2), 1x1 conv, LeakyReLU(0.2), 3x3 conv back to C. */
        THREE_CONV("3conv");

        private final String jsonName;

        ResiConnection(String jsonName) {
            this.jsonName = jsonName;
        }

        /** The official name. */
        @JsonValue
        public String jsonName() {
            return jsonName;
        }

        /**
         * Parses an official name.
         *
         * @throws IllegalArgumentException naming the field and the accepted values
         */
        @JsonCreator
        public static ResiConnection parse(String name) {
            for (ResiConnection r : values()) {
                if (r.jsonName.equals(name)) {
                    return r;
                }
            }
            throw new IllegalArgumentException(
                    "swinir resi_connection: unknown value '" + name + "'; expected '1conv' or '3conv'");
        }
    }

    /** How an input whose height or width is not a multiple of the window is padded (the output is cropped back). */
    public enum Padding {
        /**
         * The model's own {@code check_image_size} (also BasicSR's and DCKD's test code): reflect-pad bottom/right to
         * the next multiple of {@code window_size}; nothing when already a multiple.
         */
        REFLECT("reflect"),
        /**
         * The official {@code main_test_swinir.py}: symmetric padding (edge repeated) of
         * {@code (h / window + 1) * window - h} rows at the bottom and the same rule for columns at the right, which
         * adds a whole extra window when the size is already a multiple. For sides shorter than the pad (below half a
         * window), where the official script fails, the mirrored pattern continues periodically.
         */
        MIRROR_TEST("mirror_test");

        private final String jsonName;

        Padding(String jsonName) {
            this.jsonName = jsonName;
        }

        /** The config name. */
        @JsonValue
        public String jsonName() {
            return jsonName;
        }

        /**
         * Parses a config name.
         *
         * @throws IllegalArgumentException naming the field and the accepted values
         */
        @JsonCreator
        public static Padding parse(String name) {
            for (Padding p : values()) {
                if (p.jsonName.equals(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException(
                    "swinir padding: unknown value '" + name + "'; expected 'reflect' or 'mirror_test'");
        }

        /**
         * The number of rows (or columns) added after an axis of length {@code size}.
         *
         * @param size the input height or width
         * @param window the window size
         * @return the pad
         */
        public int padFor(int size, int window) {
            return switch (this) {
                case REFLECT -> Math.floorMod(window - size % window, window);
                case MIRROR_TEST -> (size / window + 1) * window - size;
            };
        }
    }

    /**
     * Validates and creates a config.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public SwinIrConfig {
        if (depths == null) {
            throw new IllegalArgumentException("swinir depths: required");
        }
        if (numHeads == null) {
            throw new IllegalArgumentException("swinir num_heads: required");
        }
        if (upsampler == null) {
            throw new IllegalArgumentException("swinir upsampler: required");
        }
        if (resiConnection == null) {
            throw new IllegalArgumentException("swinir resi_connection: must not be null");
        }
        if (padding == null) {
            throw new IllegalArgumentException("swinir padding: must not be null");
        }
        if (scale < 1) {
            throw new IllegalArgumentException("swinir scale: must be >= 1, got " + scale);
        }
        if (inChans < 1) {
            throw new IllegalArgumentException("swinir in_chans: must be >= 1, got " + inChans);
        }
        if (imgSize < 1) {
            throw new IllegalArgumentException("swinir img_size: must be >= 1, got " + imgSize);
        }
        if (windowSize < 1) {
            throw new IllegalArgumentException("swinir window_size: must be > 0, got " + windowSize);
        }
        if (imgSize <= windowSize && windowSize % imgSize != 0) {
            throw new IllegalArgumentException("swinir img_size: " + imgSize + " <= window_size " + windowSize
                    + " makes the official network use img_size as its attention window, so window_size (the padding"
                    + " multiple) must be a multiple of img_size");
        }
        if (!(imgRange > 0) || Double.isInfinite(imgRange)) {
            throw new IllegalArgumentException("swinir img_range: must be a positive number, got " + imgRange);
        }
        if (depths.isEmpty()) {
            throw new IllegalArgumentException("swinir depths: must name at least one residual group");
        }
        for (int i = 0; i < depths.size(); i++) {
            if (depths.get(i) == null || depths.get(i) < 1) {
                throw new IllegalArgumentException("swinir depths[" + i + "]: must be >= 1, got " + depths.get(i));
            }
        }
        if (numHeads.size() != depths.size()) {
            throw new IllegalArgumentException("swinir num_heads: needs one entry per residual group (depths has "
                    + depths.size() + "), got " + numHeads.size());
        }
        if (embedDim < 1) {
            throw new IllegalArgumentException("swinir embed_dim: must be >= 1, got " + embedDim);
        }
        for (int i = 0; i < numHeads.size(); i++) {
            Integer h = numHeads.get(i);
            if (h == null || h < 1) {
                throw new IllegalArgumentException("swinir num_heads[" + i + "]: must be >= 1, got " + h);
            }
            if (embedDim % h != 0) {
                throw new IllegalArgumentException("swinir embed_dim: " + embedDim
                        + " is not divisible by num_heads[" + i + "] = " + h);
            }
        }
        if (!(mlpRatio > 0) || Double.isInfinite(mlpRatio) || (int) (embedDim * mlpRatio) < 1) {
            throw new IllegalArgumentException(
                    "swinir mlp_ratio: must be positive with int(embed_dim * mlp_ratio) >= 1, got " + mlpRatio);
        }
        depths = List.copyOf(depths);
        numHeads = List.copyOf(numHeads);
        if (resiConnection == ResiConnection.THREE_CONV && embedDim < 4) {
            throw new IllegalArgumentException("swinir resi_connection: '3conv' needs embed_dim >= 4, got " + embedDim);
        }
        if (!(dropPathRate >= 0 && dropPathRate < 1)) {
            throw new IllegalArgumentException("swinir drop_path_rate: must be in [0, 1), got " + dropPathRate);
        }
        switch (upsampler) {
            case PIXEL_SHUFFLE -> {
                if (scale != 3 && Integer.bitCount(scale) != 1) {
                    throw new IllegalArgumentException("swinir scale: upsampler 'pixelshuffle' supports 2^n and 3, got "
                            + scale);
                }
            }
            case NEAREST_CONV -> {
                if (scale != 2 && scale != 4) {
                    throw new IllegalArgumentException("swinir scale: upsampler 'nearest+conv' supports 2 and 4, got "
                            + scale);
                }
            }
            case NONE -> {
                if (scale != 1) {
                    throw new IllegalArgumentException("swinir scale: upsampler '' (none) keeps the size, so scale must"
                            + " be 1, got " + scale);
                }
            }
            case PIXEL_SHUFFLE_DIRECT -> {
                // any scale
            }
            default -> throw new IllegalStateException(upsampler.toString());
        }
    }

    /**
     * The YAML/JSON reader: absent optional keys keep the defaults of {@link Builder} (one place for both), absent
     * required keys are errors naming the key. Java code uses {@link #builder()}.
     *
     * @throws IllegalArgumentException naming a missing or invalid field
     */
    @JsonCreator
    private static SwinIrConfig fromJson(
            @JsonProperty("scale") @JsonAlias("upscale") Integer scale,
            @JsonProperty("in_chans") Integer inChans,
            @JsonProperty("img_size") Integer imgSize,
            @JsonProperty("window_size") Integer windowSize,
            @JsonProperty("img_range") Double imgRange,
            @JsonProperty("depths") List<Integer> depths,
            @JsonProperty("embed_dim") Integer embedDim,
            @JsonProperty("num_heads") List<Integer> numHeads,
            @JsonProperty("mlp_ratio") Double mlpRatio,
            @JsonProperty("upsampler") Upsampler upsampler,
            @JsonProperty("resi_connection") ResiConnection resiConnection,
            @JsonProperty("qkv_bias") Boolean qkvBias,
            @JsonProperty("ape") Boolean ape,
            @JsonProperty("patch_norm") Boolean patchNorm,
            @JsonProperty("drop_path_rate") Double dropPathRate,
            @JsonProperty("padding") Padding padding) {
        Builder b = builder();
        b.setScale(required(scale, "scale"));
        b.setEmbedDim(required(embedDim, "embed_dim"));
        b.setDepths(required(depths, "depths"));
        b.setNumHeads(required(numHeads, "num_heads"));
        b.setUpsampler(required(upsampler, "upsampler"));
        if (inChans != null) {
            b.optInChans(inChans);
        }
        if (imgSize != null) {
            b.optImgSize(imgSize);
        }
        if (windowSize != null) {
            b.optWindowSize(windowSize);
        }
        if (imgRange != null) {
            b.optImgRange(imgRange);
        }
        if (mlpRatio != null) {
            b.optMlpRatio(mlpRatio);
        }
        if (resiConnection != null) {
            b.optResiConnection(resiConnection);
        }
        if (qkvBias != null) {
            b.optQkvBias(qkvBias);
        }
        if (ape != null) {
            b.optApe(ape);
        }
        if (patchNorm != null) {
            b.optPatchNorm(patchNorm);
        }
        if (dropPathRate != null) {
            b.optDropPathRate(dropPathRate);
        }
        if (padding != null) {
            b.optPadding(padding);
        }
        return b.build();
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("swinir " + field + ": required");
        }
        return value;
    }

    /**
     * SwinIR-S, the official lightweight SR model ({@code main_test_swinir.py}, task {@code lightweight_sr}):
     * embed_dim 60, depths [6, 6, 6, 6], num_heads [6, 6, 6, 6], mlp_ratio 2, window 8, img_size 64,
     * {@code pixelshuffledirect}, {@code 1conv}. About 0.9M parameters (x4: 929,628 with the relative position bias
     * tables, 897,228 without).
     *
     * @param scale the upscaling factor
     * @return the config
     */
    public static SwinIrConfig lightweight(int scale) {
        return builder().setScale(scale).setEmbedDim(60).setDepths(List.of(6, 6, 6, 6)).setNumHeads(List.of(6, 6, 6, 6))
                .setUpsampler(Upsampler.PIXEL_SHUFFLE_DIRECT).optImgSize(64).build();
    }

    /**
     * SwinIR-M, the official classical SR model ({@code main_test_swinir.py}, task {@code classical_sr}):
     * embed_dim 180, depths [6] x 6, num_heads [6] x 6, mlp_ratio 2, window 8, {@code pixelshuffle}, {@code 1conv}.
     * {@code img_size} is 48, the training patch size of the DIV2K-trained release ({@code s48w8}) and of DCKD's
     * teacher configs; the DF2K release ({@code s64w8}) used 64. It only changes the stored {@code attn_mask}
     * buffers.
     *
     * @param scale the upscaling factor (2^n or 3)
     * @return the config
     */
    public static SwinIrConfig classicalM(int scale) {
        List<Integer> six = Collections.nCopies(6, 6);
        return builder().setScale(scale).setEmbedDim(180).setDepths(six).setNumHeads(six)
                .setUpsampler(Upsampler.PIXEL_SHUFFLE).optImgSize(48).build();
    }

    /**
     * A builder with every optional field at its default; the YAML reader takes its defaults from it.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this config's values (to change some of them).
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The number of residual groups (RSTBs). */
    @JsonIgnore
    public int numLayers() {
        return depths.size();
    }

    /**
     * The window used by every Swin block: {@code img_size} when {@code img_size <= window_size} (the official rule,
     * decided from the construction-time resolution, not from the actual input), otherwise {@code window_size}.
     */
    @JsonIgnore
    public int blockWindowSize() {
        return imgSize <= windowSize ? imgSize : windowSize;
    }

    /** The cyclic shift of the odd Swin blocks: {@code window_size / 2}, or 0 when {@code img_size <= window_size}. */
    @JsonIgnore
    public int shiftSize() {
        return imgSize <= windowSize ? 0 : windowSize / 2;
    }

    /** The MLP hidden width, {@code int(embed_dim * mlp_ratio)}. */
    @JsonIgnore
    public int mlpHiddenDim() {
        return (int) (embedDim * mlpRatio);
    }

    /**
     * The smallest input height/width every larger size is accepted from: with {@code reflect} padding the pad must be
     * smaller than the side ({@code window_size / 2 + 1}); {@code mirror_test} accepts any size.
     */
    @JsonIgnore
    public int minInputSize() {
        return padding == Padding.REFLECT ? windowSize / 2 + 1 : 1;
    }

    @Override
    public SwinIr build() {
        return new SwinIr(this);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SwinIrConfig[scale=%d, in_chans=%d, img_size=%d, window_size=%d, "
                        + "img_range=%s, depths=%s, embed_dim=%d, num_heads=%s, mlp_ratio=%s, upsampler='%s', "
                        + "resi_connection=%s, qkv_bias=%s, ape=%s, patch_norm=%s, drop_path_rate=%s, padding=%s]",
                scale, inChans, imgSize, windowSize, imgRange, depths, embedDim, numHeads, mlpRatio,
                upsampler.jsonName(), resiConnection.jsonName(), qkvBias, ape, patchNorm, dropPathRate,
                padding.jsonName());
    }

    /** Builds a {@link SwinIrConfig}: {@code setX} for required fields, {@code optX} for those with a default. */
    public static final class Builder {
        private Integer scale;
        private int inChans = DEFAULT_IN_CHANS;
        private int imgSize = DEFAULT_IMG_SIZE;
        private int windowSize = DEFAULT_WINDOW_SIZE;
        private double imgRange = DEFAULT_IMG_RANGE;
        private List<Integer> depths;
        private Integer embedDim;
        private List<Integer> numHeads;
        private double mlpRatio = DEFAULT_MLP_RATIO;
        private Upsampler upsampler;
        private ResiConnection resiConnection = ResiConnection.ONE_CONV;
        private boolean qkvBias = true;
        private boolean ape;
        private boolean patchNorm = true;
        private double dropPathRate = DEFAULT_DROP_PATH_RATE;
        private Padding padding = Padding.REFLECT;

        Builder() {}

        Builder(SwinIrConfig c) {
            scale = c.scale;
            inChans = c.inChans;
            imgSize = c.imgSize;
            windowSize = c.windowSize;
            imgRange = c.imgRange;
            depths = c.depths;
            embedDim = c.embedDim;
            numHeads = c.numHeads;
            mlpRatio = c.mlpRatio;
            upsampler = c.upsampler;
            resiConnection = c.resiConnection;
            qkvBias = c.qkvBias;
            ape = c.ape;
            patchNorm = c.patchNorm;
            dropPathRate = c.dropPathRate;
            padding = c.padding;
        }

        /**
         * Sets the upscaling factor (required).
         *
         * @param scale the value
         * @return this builder
         */
        public Builder setScale(int scale) {
            this.scale = scale;
            return this;
        }

        /**
         * Sets the feature channels (required).
         *
         * @param embedDim the value
         * @return this builder
         */
        public Builder setEmbedDim(int embedDim) {
            this.embedDim = embedDim;
            return this;
        }

        /**
         * Sets the Swin blocks per residual group (required).
         *
         * @param depths the value
         * @return this builder
         */
        public Builder setDepths(List<Integer> depths) {
            this.depths = depths == null ? null : new ArrayList<>(depths);
            return this;
        }

        /**
         * Sets the Swin blocks per residual group (required).
         *
         * @param depths the value
         * @return this builder
         */
        public Builder setDepths(int... depths) {
            return setDepths(Arrays.stream(depths).boxed().toList());
        }

        /**
         * Sets the attention heads per residual group (required).
         *
         * @param numHeads the value
         * @return this builder
         */
        public Builder setNumHeads(List<Integer> numHeads) {
            this.numHeads = numHeads == null ? null : new ArrayList<>(numHeads);
            return this;
        }

        /**
         * Sets the attention heads per residual group (required).
         *
         * @param numHeads the value
         * @return this builder
         */
        public Builder setNumHeads(int... numHeads) {
            return setNumHeads(Arrays.stream(numHeads).boxed().toList());
        }

        /**
         * Sets the reconstruction module (required).
         *
         * @param upsampler the value
         * @return this builder
         */
        public Builder setUpsampler(Upsampler upsampler) {
            this.upsampler = upsampler;
            return this;
        }

        /**
         * Sets the input channels (default 3).
         *
         * @param inChans the value
         * @return this builder
         */
        public Builder optInChans(int inChans) {
            this.inChans = inChans;
            return this;
        }

        /**
         * Sets the construction-time image size (default 64).
         *
         * @param imgSize the value
         * @return this builder
         */
        public Builder optImgSize(int imgSize) {
            this.imgSize = imgSize;
            return this;
        }

        /**
         * Sets the window size (default 8).
         *
         * @param windowSize the value
         * @return this builder
         */
        public Builder optWindowSize(int windowSize) {
            this.windowSize = windowSize;
            return this;
        }

        /**
         * Sets the image range (default 1.0).
         *
         * @param imgRange the value
         * @return this builder
         */
        public Builder optImgRange(double imgRange) {
            this.imgRange = imgRange;
            return this;
        }

        /**
         * Sets the MLP ratio (default 2).
         *
         * @param mlpRatio the value
         * @return this builder
         */
        public Builder optMlpRatio(double mlpRatio) {
            this.mlpRatio = mlpRatio;
            return this;
        }

        /**
         * Sets the residual connection (default {@code 1conv}).
         *
         * @param resiConnection the value
         * @return this builder
         */
        public Builder optResiConnection(ResiConnection resiConnection) {
            this.resiConnection = resiConnection;
            return this;
        }

        /**
         * Sets whether qkv has a bias (default true).
         *
         * @param qkvBias the value
         * @return this builder
         */
        public Builder optQkvBias(boolean qkvBias) {
            this.qkvBias = qkvBias;
            return this;
        }

        /**
         * Sets whether an absolute position embedding is used (default false).
         *
         * @param ape the value
         * @return this builder
         */
        public Builder optApe(boolean ape) {
            this.ape = ape;
            return this;
        }

        /**
         * Sets whether the patch embedding is normalised (default true).
         *
         * @param patchNorm the value
         * @return this builder
         */
        public Builder optPatchNorm(boolean patchNorm) {
            this.patchNorm = patchNorm;
            return this;
        }

        /**
         * Sets the stochastic-depth rate (default 0.1; training only).
         *
         * @param dropPathRate the value
         * @return this builder
         */
        public Builder optDropPathRate(double dropPathRate) {
            this.dropPathRate = dropPathRate;
            return this;
        }

        /**
         * Sets the padding convention (default {@code reflect}).
         *
         * @param padding the value
         * @return this builder
         */
        public Builder optPadding(Padding padding) {
            this.padding = padding;
            return this;
        }

        /**
         * The config record, equal to the one the YAML reader makes for the same keys.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming a missing setter or an invalid field
         */
        public SwinIrConfig build() {
            return new SwinIrConfig(set(scale, "setScale", "the upscaling factor"), inChans, imgSize, windowSize,
                    imgRange, set(depths, "setDepths", "Swin blocks per residual group"),
                    set(embedDim, "setEmbedDim", "the feature channels"), set(numHeads, "setNumHeads",
                            "attention heads per residual group"), mlpRatio,
                    set(upsampler, "setUpsampler", "the reconstruction module"), resiConnection, qkvBias, ape,
                    patchNorm, dropPathRate, padding);
        }

        /**
         * A new, uninitialised network.
         *
         * @return {@code build().build()}
         * @throws IllegalArgumentException naming a missing setter or an invalid field
         */
        public SwinIr buildNetwork() {
            return build().build();
        }

        private static <T> T set(T value, String setter, String what) {
            if (value == null) {
                throw new IllegalArgumentException("swinir: " + setter + " is required (" + what + ")");
            }
            return value;
        }
    }
}
