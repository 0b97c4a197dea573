package org.dckd.data.training;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which random flips a training patch may get; LR and HR patches always get the same ones. Each enabled flip is
 * applied with probability 1/2, in the order horizontal flip, vertical flip, transpose (BasicSR's {@code augment}),
 * so with all three on the eight flips and 90-degree rotations are equally likely.
 *
 * <p>JSON keys (defaults in brackets): {@code hflip} [true], {@code vflip} [true], {@code rot90} [true] (the
 * transpose, which together with the flips gives the rotations by 90, 180 and 270 degrees).
 *
 * @param hflip whether to flip left-right
 * @param vflip whether to flip top-bottom
 * @param rot90 whether to transpose (swap rows and columns)
 */
public record AugmentConfig(@JsonProperty("hflip") boolean hflip, @JsonProperty("vflip") boolean vflip,
                            @JsonProperty("rot90") boolean rot90) {

    /** All flips and rotations (the default). */
    public static final AugmentConfig ALL = new AugmentConfig(true, true, true);
    /** No augmentation. */
    public static final AugmentConfig NONE = new AugmentConfig(false, false, false);

    /**
     * The JSON creator: missing keys default to {@code true}.
     *
     * @param hflip default true
     * @param vflip default true
     * @param rot90 default true
     * @return the config
     */
    @JsonCreator
    private static AugmentConfig fromJson(@JsonProperty("hflip") Boolean hflip, @JsonProperty("vflip") Boolean vflip,
                                   @JsonProperty("rot90") Boolean rot90) {
        return new AugmentConfig(hflip == null || hflip, vflip == null || vflip, rot90 == null || rot90);
    }
}
