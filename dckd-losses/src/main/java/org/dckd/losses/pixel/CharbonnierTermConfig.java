package org.dckd.losses.pixel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.LossTermConfig;

/**
 * Config of a Charbonnier pixel term {@code sqrt((S - target)^2 + eps^2)} ({@code type: charbonnier}).
 *
 * <p>Keys (defaults in brackets): {@code eps} [1e-3], {@code target} [hr] ({@code hr} or {@code teacher}),
 * {@code reduction} [mean] ({@code mean} or {@code sum}), {@code weight} [1], {@code name} [{@code l_pix} for hr,
 * {@code l_kd} for teacher]. Note that BasicSR's {@code CharbonnierLoss} adds {@code eps} unsquared
 * ({@code sqrt(d^2 + eps)}, default {@code 1e-12}); its behaviour is this term with {@code eps = 1e-6}.
 *
 * @param eps the smoothing constant (positive)
 * @param target HR or teacher
 * @param reduction mean or sum
 * @param weight the weight (&gt;= 0)
 * @param name the logged name
 */
@JsonTypeName("charbonnier")
public record CharbonnierTermConfig(double eps, PixelTarget target, Reduction reduction, float weight, String name)
        implements LossTermConfig {

    /** The {@code type} name. */
    public static final String TYPE = "charbonnier";
    /** The default {@code eps}. */
    public static final double DEFAULT_EPS = 1e-3;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public CharbonnierTermConfig {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(TYPE + ": eps must be positive and finite, got " + eps);
        }
        if (target == null || reduction == null) {
            throw new IllegalArgumentException(TYPE + ": target and reduction are required");
        }
        weight = LossTermConfig.checkWeight(TYPE, weight, 1f);
        name = LossTermConfig.checkName(TYPE, name, target.defaultName());
    }

    /**
     * The JSON creator: fills in the documented defaults.
     *
     * @param eps default 1e-3
     * @param target {@code hr} (default) or {@code teacher}
     * @param reduction {@code mean} (default) or {@code sum}
     * @param weight default 1
     * @param name default {@code l_pix} / {@code l_kd}
     * @return the config
     * @throws IllegalArgumentException naming the offending key
     */
    @JsonCreator
    public static CharbonnierTermConfig of(
            @JsonProperty("eps") Double eps,
            @JsonProperty("target") String target,
            @JsonProperty("reduction") String reduction,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        return new CharbonnierTermConfig(eps == null ? DEFAULT_EPS : eps, PixelTarget.parse(target, TYPE),
                Reduction.parse(reduction, TYPE, Reduction.MEAN), LossTermConfig.checkWeight(TYPE, weight, 1f), name);
    }

    @Override
    public PixelTerm build() {
        return new PixelTerm(name, weight, PixelDistance.charbonnier(eps), target, reduction);
    }
}
