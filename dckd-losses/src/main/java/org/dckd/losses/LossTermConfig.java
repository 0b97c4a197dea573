package org.dckd.losses;

import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The typed config of one loss term, Jackson-polymorphic on {@code type} (registered in
 * {@link org.dckd.losses.catalog.LossTerms}). Every implementation is immutable and validates in its constructor,
 * throwing {@link IllegalArgumentException} naming the field (negative weight, unknown target, missing checkpoint file,
 * ...), so a bad config fails before training starts. Common keys: {@code weight} (default 1), {@code name} (the
 * logged name; each type has a default such as {@code l_pix}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public interface LossTermConfig {

    /** Builds the term (cheap: heavy state such as encoders is created in {@link LossTerm#attach}). */
    LossTerm build();

    /** What a logged term name may look like: letters, digits and underscores, starting with a letter. */
    Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    /**
     * Validates the common {@code weight} key.
     *
     * @param type the term type, for the message
     * @param weight the configured weight, or {@code null} for the default
     * @param defaultWeight the type's default weight
     * @return the weight
     * @throws IllegalArgumentException naming {@code weight} if it is negative, NaN or infinite
     */
    static float checkWeight(String type, Float weight, float defaultWeight) {
        float w = weight == null ? defaultWeight : weight;
        if (!(w >= 0) || Float.isInfinite(w)) {
            throw new IllegalArgumentException(type + ": weight must be >= 0 and finite, got " + w);
        }
        return w;
    }

    /**
     * Validates the common {@code name} key.
     *
     * @param type the term type, for the message
     * @param name the configured name, or {@code null} for the default
     * @param defaultName the type's default name
     * @return the name
     * @throws IllegalArgumentException naming {@code name} if it is not a simple identifier
     */
    static String checkName(String type, String name, String defaultName) {
        String n = name == null ? defaultName : name;
        if (!NAME.matcher(n).matches()) {
            throw new IllegalArgumentException(type + ": name must be letters, digits and '_' starting with a letter, "
                    + "got '" + n + "'");
        }
        return n;
    }
}
