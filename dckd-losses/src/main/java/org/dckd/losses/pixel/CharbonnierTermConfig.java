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
 * <p>From Java: {@link CharbonnierTerm#toHr()} / {@link CharbonnierTerm#toTeacher()}, with the same defaults (the YAML
 * reader takes its defaults from that builder).
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
        weight = LossTermConfig.checkWeight(TYPE, weight, PixelTermBuilder.DEFAULT_WEIGHT);
        name = LossTermConfig.checkName(TYPE, name, target.defaultName());
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link CharbonnierTerm}'s builder (one place for both).
     * Java code uses {@link CharbonnierTerm#toHr()} or {@link CharbonnierTerm#toTeacher()}.
     */
    @JsonCreator
    private static CharbonnierTermConfig fromJson(
            @JsonProperty("eps") Double eps,
            @JsonProperty("target") String target,
            @JsonProperty("reduction") String reduction,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        CharbonnierTerm.Builder builder = CharbonnierTerm.to(PixelTarget.parse(target, TYPE));
        if (eps != null) {
            builder.optEps(eps);
        }
        if (reduction != null) {
            builder.optReduction(Reduction.parse(reduction, TYPE, Reduction.MEAN));
        }
        if (weight != null) {
            builder.optWeight(weight);
        }
        return builder.optName(name).config();
    }

    @Override
    public PixelTerm build() {
        return new PixelTerm(name, weight, PixelDistance.charbonnier(eps), target, reduction);
    }
}
