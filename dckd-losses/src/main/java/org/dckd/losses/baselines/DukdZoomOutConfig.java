package org.dckd.losses.baselines;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.LossTermConfig;
import org.dckd.losses.ReducedTermBuilder;

/**
 * Config of the DUKD zoom-out term ({@code type: dukd_zoom_out}; see {@link DukdZoomOutTerm}).
 *
 * <p>Keys (defaults in brackets): {@code reduction} [mean], {@code weight} [1], {@code name} [{@code l_zoom_out}].
 *
 * <p>From Java: {@link DukdZoomOutTerm#builder()}, with the same defaults (the YAML reader takes its defaults from that
 * builder).
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
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both). Java code uses
     * {@link DukdZoomOutTerm#builder()}.
     */
    @JsonCreator
    private static DukdZoomOutConfig fromJson(
            @JsonProperty("reduction") String reduction,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        Builder builder = new Builder();
        if (reduction != null) {
            builder.optReduction(Reduction.parse(reduction, TYPE, Reduction.MEAN));
        }
        if (weight != null) {
            builder.optWeight(weight);
        }
        return builder.optName(name).config();
    }

    /** Builds a DUKD zoom-out term; every value is optional: {@code reduction} (mean), {@code weight} (1), {@code name}. */
    public static final class Builder extends ReducedTermBuilder<Builder, DukdZoomOutConfig> {

        Builder() {
            super(1f, null);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The config record, the same one the YAML reader makes for the same keys.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the offending field
         */
        @Override
        public DukdZoomOutConfig config() {
            return new DukdZoomOutConfig(reduction, weight, name);
        }

        /**
         * The term, ready for {@code Distiller.builder().addTerm(...)}.
         *
         * @return {@code config().build()}
         */
        @Override
        public DukdZoomOutTerm build() {
            return config().build();
        }
    }

    @Override
    public DukdZoomOutTerm build() {
        return new DukdZoomOutTerm(name, weight, reduction);
    }
}
