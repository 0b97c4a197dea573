package org.dckd.core.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import org.dckd.core.distill.TestTerms;
import org.dckd.losses.LossTerm;
import org.dckd.losses.LossTermConfig;

/** A test-registered term type ({@code test_l1}) for runner tests. */
public record TestL1Config(float weight) implements LossTermConfig {

    /** Reads the config. */
    @JsonCreator
    public static TestL1Config of(@JsonProperty("weight") Float weight) {
        if (weight != null && weight < 0) {
            throw new IllegalArgumentException("weight must be >= 0, got " + weight);
        }
        return new TestL1Config(weight == null ? 1f : weight);
    }

    @Override
    public LossTerm build() {
        return TestTerms.l1ToHr();
    }
}
