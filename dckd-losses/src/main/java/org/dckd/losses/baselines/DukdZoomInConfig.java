package org.dckd.losses.baselines;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.LossTermConfig;

/**
 * Config of the DUKD zoom-in term ({@code type: dukd_zoom_in}; see {@link DukdZoomInTerm}).
 *
 * <p>Keys (defaults in brackets): {@code tiles} [1] (LR-sized HR tiles per step, the official {@code n_gt_sub};
 * at most {@code scale^2}, checked at the first step), {@code reduction} [mean], {@code weight} [1],
 * {@code name} [{@code l_zoom_in}].
 *
 * @param tiles tiles per step
 * @param reduction mean or sum
 * @param weight the weight
 * @param name the logged name
 */
@JsonTypeName("dukd_zoom_in")
public record DukdZoomInConfig(int tiles, Reduction reduction, float weight, String name) implements LossTermConfig {

    /** The {@code type} name. */
    public static final String TYPE = "dukd_zoom_in";
    /** The default name. */
    public static final String DEFAULT_NAME = "l_zoom_in";

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public DukdZoomInConfig {
        if (tiles < 1) {
            throw new IllegalArgumentException(TYPE + ": tiles must be at least 1, got " + tiles);
        }
        if (reduction == null) {
            throw new IllegalArgumentException(TYPE + ": reduction is required");
        }
        weight = LossTermConfig.checkWeight(TYPE, weight, 1f);
        name = LossTermConfig.checkName(TYPE, name, DEFAULT_NAME);
    }

    /**
     * The JSON creator: fills in the documented defaults.
     *
     * @param tiles default 1
     * @param reduction {@code mean} (default) or {@code sum}
     * @param weight default 1
     * @param name default {@code l_zoom_in}
     * @return the config
     * @throws IllegalArgumentException naming the offending key
     */
    @JsonCreator
    public static DukdZoomInConfig of(
            @JsonProperty("tiles") Integer tiles,
            @JsonProperty("reduction") String reduction,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        return new DukdZoomInConfig(tiles == null ? 1 : tiles, Reduction.parse(reduction, TYPE, Reduction.MEAN),
                LossTermConfig.checkWeight(TYPE, weight, 1f), name);
    }

    @Override
    public DukdZoomInTerm build() {
        return new DukdZoomInTerm(name, weight, reduction, tiles);
    }
}
