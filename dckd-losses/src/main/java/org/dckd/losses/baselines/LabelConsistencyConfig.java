package org.dckd.losses.baselines;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.LossTermConfig;

/**
 * Config of the label-consistency term ({@code type: lcr}; see {@link LabelConsistencyTerm}). Off unless configured.
 *
 * <p>Keys (defaults in brackets): {@code probability} [0.5] (of each of inversion, vertical flip, horizontal flip,
 * transpose), {@code reduction} [mean], {@code weight} [1.0, the released DCKD configs], {@code name} [{@code l_lcr}].
 *
 * @param probability the probability of each operation
 * @param reduction mean or sum
 * @param weight the weight
 * @param name the logged name
 */
@JsonTypeName("lcr")
public record LabelConsistencyConfig(double probability, Reduction reduction, float weight, String name)
        implements LossTermConfig {

    /** The {@code type} name. */
    public static final String TYPE = "lcr";
    /** The default name. */
    public static final String DEFAULT_NAME = "l_lcr";
    /** The default probability of each operation (DCKD code: {@code noisy.prob} 0.5). */
    public static final double DEFAULT_PROBABILITY = 0.5;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public LabelConsistencyConfig {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException(TYPE + ": probability must be in [0, 1], got " + probability);
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
     * @param probability default 0.5
     * @param reduction {@code mean} (default) or {@code sum}
     * @param weight default 1
     * @param name default {@code l_lcr}
     * @return the config
     * @throws IllegalArgumentException naming the offending key
     */
    @JsonCreator
    public static LabelConsistencyConfig of(
            @JsonProperty("probability") Double probability,
            @JsonProperty("reduction") String reduction,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        return new LabelConsistencyConfig(probability == null ? DEFAULT_PROBABILITY : probability,
                Reduction.parse(reduction, TYPE, Reduction.MEAN), LossTermConfig.checkWeight(TYPE, weight, 1f), name);
    }

    @Override
    public LabelConsistencyTerm build() {
        return new LabelConsistencyTerm(name, weight, reduction, probability);
    }
}
