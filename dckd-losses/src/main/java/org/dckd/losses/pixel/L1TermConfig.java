package org.dckd.losses.pixel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.LossTermConfig;

/**
 * Config of an L1 ({@code |S - target|}) pixel term ({@code type: l1}).
 *
 * <p>Keys (defaults in brackets): {@code target} [hr] ({@code hr} or {@code teacher}), {@code reduction} [mean]
 * ({@code mean} or {@code sum}), {@code weight} [1], {@code name} [{@code l_pix} for hr, {@code l_kd} for teacher].
 *
 * @param target HR or teacher
 * @param reduction mean or sum
 * @param weight the weight (&gt;= 0)
 * @param name the logged name
 */
@JsonTypeName("l1")
public record L1TermConfig(PixelTarget target, Reduction reduction, float weight, String name) implements LossTermConfig {

    /** The {@code type} name. */
    public static final String TYPE = "l1";

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public L1TermConfig {
        if (target == null || reduction == null) {
            throw new IllegalArgumentException(TYPE + ": target and reduction are required");
        }
        weight = LossTermConfig.checkWeight(TYPE, weight, 1f);
        name = LossTermConfig.checkName(TYPE, name, target.defaultName());
    }

    /**
     * The JSON creator: fills in the documented defaults.
     *
     * @param target {@code hr} (default) or {@code teacher}
     * @param reduction {@code mean} (default) or {@code sum}
     * @param weight default 1
     * @param name default {@code l_pix} / {@code l_kd}
     * @return the config
     * @throws IllegalArgumentException naming the offending key
     */
    @JsonCreator
    public static L1TermConfig of(
            @JsonProperty("target") String target,
            @JsonProperty("reduction") String reduction,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        return new L1TermConfig(PixelTarget.parse(target, TYPE), Reduction.parse(reduction, TYPE, Reduction.MEAN),
                LossTermConfig.checkWeight(TYPE, weight, 1f), name);
    }

    @Override
    public PixelTerm build() {
        return new PixelTerm(name, weight, PixelDistance.l1(), target, reduction);
    }
}
