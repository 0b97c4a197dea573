package org.dckd.losses.baselines;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.LossTermConfig;
import org.dckd.losses.ReducedTermBuilder;

/**
 * Config of the DUKD zoom-in term ({@code type: dukd_zoom_in}; see {@link DukdZoomInTerm}).
 *
 * <p>Keys (defaults in brackets): {@code tiles} [1] (LR-sized HR tiles per step, the official {@code n_gt_sub};
 * at most {@code scale^2}, checked at the first step), {@code reduction} [mean], {@code weight} [1],
 * {@code name} [{@code l_zoom_in}].
 *
 * <p>From Java: {@link DukdZoomInTerm#builder()}, with the same defaults (the YAML reader takes its defaults from that
 * builder).
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
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both). Java code uses
     * {@link DukdZoomInTerm#builder()}.
     */
    @JsonCreator
    private static DukdZoomInConfig fromJson(
            @JsonProperty("tiles") Integer tiles,
            @JsonProperty("reduction") String reduction,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        Builder builder = new Builder();
        if (tiles != null) {
            builder.optTiles(tiles);
        }
        if (reduction != null) {
            builder.optReduction(Reduction.parse(reduction, TYPE, Reduction.MEAN));
        }
        if (weight != null) {
            builder.optWeight(weight);
        }
        return builder.optName(name).config();
    }

    /**
     * Builds a DUKD zoom-in term; every value is optional: {@code tiles} (1), {@code reduction} (mean),
     * {@code weight} (1), {@code name}.
     */
    public static final class Builder extends ReducedTermBuilder<Builder, DukdZoomInConfig> {

        private int tiles = 1;

        Builder() {
            super(1f, null);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the LR-sized HR tiles per step (default 1, the official {@code n_gt_sub}; at most {@code scale^2}).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optTiles(int value) {
            tiles = value;
            return this;
        }

        /**
         * The config record, the same one the YAML reader makes for the same keys.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the offending field
         */
        @Override
        public DukdZoomInConfig config() {
            return new DukdZoomInConfig(tiles, reduction, weight, name);
        }

        /**
         * The term, ready for {@code Distiller.builder().addTerm(...)}.
         *
         * @return {@code config().build()}
         */
        @Override
        public DukdZoomInTerm build() {
            return config().build();
        }
    }

    @Override
    public DukdZoomInTerm build() {
        return new DukdZoomInTerm(name, weight, reduction, tiles);
    }
}
