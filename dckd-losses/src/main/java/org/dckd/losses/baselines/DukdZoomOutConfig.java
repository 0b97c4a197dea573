package org.dckd.losses.baselines;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.LossTermConfig;

/**
 * Config of the DUKD zoom-out term ({@code type: dukd_zoom_out}; see {@link DukdZoomOutTerm}).
 *
 * <p>Keys (defaults in brackets): {@code reduction} [mean], {@code weight} [1], {@code name} [{@code l_zoom_out}].
 *
 * @param reduction mean or sum
 * @param weight the weight
 * @param name the logged name
 */
@JsonTypeName("dukd_zoom_out")
public record DukdZoomOutConfig(Reduction reduction, float weight, String name) implements LossTermConfig {

    /** The {@code type} name. */
    public static final String TYPE = "dukd_zoom_out";
    /** The default name. */
    public static final String DEFAULT_NAME = "l_zoom_out";

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public DukdZoomOutConfig {
        if (reduction == null) {
            throw new IllegalArgumentException(TYPE + ": reduction is required");
        }
        weight = LossTermConfig.checkWeight(TYPE, weight, 1f);
        name = LossTermConfig.checkName(TYPE, name, DEFAULT_NAME);
    }

    /**
     * The JSON creator: fills in the documented defaults.
     *
     * @param reduction {@code mean} (default) or {@code sum}
     * @param weight default 1
     * @param name default {@code l_zoom_out}
     * @return the config
     * @throws IllegalArgumentException naming the offending key
     */
    @JsonCreator
    public static DukdZoomOutConfig of(
            @JsonProperty("reduction") String reduction,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        return new DukdZoomOutConfig(Reduction.parse(reduction, TYPE, Reduction.MEAN),
                LossTermConfig.checkWeight(TYPE, weight, 1f), name);
    }

    @Override
    public DukdZoomOutTerm build() {
        return new DukdZoomOutTerm(name, weight, reduction);
    }
}
