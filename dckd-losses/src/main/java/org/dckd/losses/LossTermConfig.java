package org.dckd.losses;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The typed config of one loss term, Jackson-polymorphic on {@code type} (registered in {@link LossTerms}). Every
 * implementation is immutable and validates in its constructor, throwing {@link IllegalArgumentException} naming the
 * field (negative weight, unknown target, missing checkpoint file, ...), so a bad config fails before training starts.
 * Common keys: {@code weight} (default 1), {@code name} (the logged name; each type has a default such as
 * {@code l_pix}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public interface LossTermConfig {

    /** Builds the term (cheap: heavy state such as encoders is created in {@link LossTerm#attach}). */
    LossTerm build();
}
