package org.dckd.backbones.imdn;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.SrBackbone;

/**
 * What the builders of the two IMDN configs share ({@link ImdnConfig#builder()}, {@link ImdnBaselineConfig#builder()}):
 * {@code setScale} is required; {@code optFeatures} (64), {@code optBlocks} (per network), {@code optDistilled}
 * (features / 4) and {@code optInputRange} (1) are optional, as in DJL.
 *
 * @param <B> the concrete builder
 * @param <C> the config record it makes
 */
public abstract class ImdnFamilyBuilder<B extends ImdnFamilyBuilder<B, C>, C extends BackboneConfig> {

    /** The {@code type} name, for error messages. */
    private final String type;
    /** The upscaling factor; {@code null} until set. */
    protected Integer scale;
    /** The feature width. */
    protected int features;
    /** The number of blocks. */
    protected int blocks;
    /** The distilled channels; {@code null} for {@code features / 4}. */
    protected Integer distilled;
    /** The value range. */
    protected float inputRange;

    /**
     * Creates the builder.
     *
     * @param type the config's {@code type} name
     * @param defaultFeatures the default feature width
     * @param defaultBlocks the default number of blocks
     * @param defaultInputRange the default value range
     */
    protected ImdnFamilyBuilder(String type, int defaultFeatures, int defaultBlocks, float defaultInputRange) {
        this.type = type;
        this.features = defaultFeatures;
        this.blocks = defaultBlocks;
        this.inputRange = defaultInputRange;
    }

    /**
     * This builder, typed.
     *
     * @return {@code this}
     */
    protected abstract B self();

    /**
     * The config record from the builder's values (all set).
     *
     * @param distilledChannels the distilled channels, default already applied
     * @return the validated config
     */
    protected abstract C newConfig(int distilledChannels);

    /**
     * Sets the upscaling factor (required).
     *
     * @param value at least 1
     * @return this builder
     */
    public B setScale(int value) {
        scale = value;
        return self();
    }

    /**
     * Sets the feature width between blocks (default 64).
     *
     * @param value at least 2
     * @return this builder
     */
    public B optFeatures(int value) {
        features = value;
        return self();
    }

    /**
     * Sets the number of information multi-distillation blocks (default 6 for IMDN, 8 for the NTIRE baseline).
     *
     * @param value 1 .. 64
     * @return this builder
     */
    public B optBlocks(int value) {
        blocks = value;
        return self();
    }

    /**
     * Sets the channels each distillation step keeps (default: features / 4).
     *
     * @param value 1 .. features - 1 (IMDN: at least 4, for the channel attention)
     * @return this builder
     */
    public B optDistilled(int value) {
        distilled = value;
        return self();
    }

    /**
     * Sets the value range of input and output (default 1, what the official weights expect).
     *
     * @param value positive and finite
     * @return this builder
     */
    public B optInputRange(float value) {
        inputRange = value;
        return self();
    }

    /**
     * The config record, equal to the one the YAML reader makes for the same keys.
     *
     * @return the validated config
     * @throws IllegalArgumentException naming the missing setter or the offending field
     */
    public C build() {
        if (scale == null) {
            throw new IllegalArgumentException(type + " config: setScale is required (the upscaling factor)");
        }
        return newConfig(distilled == null ? features / 4 : distilled);
    }

    /**
     * A new, uninitialised network.
     *
     * @return {@code build().build()}
     * @throws IllegalArgumentException naming the missing setter or the offending field
     */
    public SrBackbone buildNetwork() {
        return build().build();
    }

    /**
     * Applies the values that are given (the YAML reader's keys, or a config's values for {@code toBuilder()}) over
     * this builder's defaults.
     *
     * @throws IllegalArgumentException naming the {@code scale} key when it is missing
     */
    B withValues(Integer scaleKey, Integer featuresKey, Integer blocksKey, Integer distilledKey, Float inputRangeKey) {
        if (scaleKey == null) {
            throw new IllegalArgumentException(type + " config: scale is required");
        }
        setScale(scaleKey);
        if (featuresKey != null) {
            optFeatures(featuresKey);
        }
        if (blocksKey != null) {
            optBlocks(blocksKey);
        }
        if (distilledKey != null) {
            optDistilled(distilledKey);
        }
        if (inputRangeKey != null) {
            optInputRange(inputRangeKey);
        }
        return self();
    }
}
