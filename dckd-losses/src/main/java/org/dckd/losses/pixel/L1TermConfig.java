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
 * <p>From Java: {@link L1Term#toHr()} / {@link L1Term#toTeacher()}, with the same defaults (the YAML reader takes its
 * defaults from that builder).
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
        weight = LossTermConfig.checkWeight(TYPE, weight, PixelTermBuilder.DEFAULT_WEIGHT);
        name = LossTermConfig.checkName(TYPE, name, target.defaultName());
    }

    /**
     * The YAML/JSON reader: missing keys keep the defaults of {@link L1Term}'s builder (one place for both).
     * Java code uses {@link L1Term#toHr()} or {@link L1Term#toTeacher()}.
     */
    @JsonCreator
    private static L1TermConfig fromJson(
            @JsonProperty("target") String target,
            @JsonProperty("reduction") String reduction,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        L1Term.Builder builder = L1Term.to(PixelTarget.parse(target, TYPE));
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
        return new PixelTerm(name, weight, PixelDistance.l1(), target, reduction);
    }
}
