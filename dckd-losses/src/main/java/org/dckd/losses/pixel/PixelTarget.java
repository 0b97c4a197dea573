package org.dckd.losses.pixel;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a pixel term compares the student output with. */
public enum PixelTarget {
    /** The ground-truth HR patch; default name {@code l_pix}. */
    HR("l_pix"),
    /** The frozen teacher's output ("Logits KD"); default name {@code l_kd}. */
    TEACHER("l_kd");

    private final String defaultName;

    PixelTarget(String defaultName) {
        this.defaultName = defaultName;
    }

    /** The name a term with this target is logged under unless the config sets {@code name}. */
    public String defaultName() {
        return defaultName;
    }

    /** The config spelling: {@code hr} or {@code teacher}. */
    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a config value.
     *
     * @param value {@code hr} or {@code teacher}; {@code null} means {@code hr}
     * @param type the term type, for the message
     * @return the target
     * @throws IllegalArgumentException naming {@code target} and the allowed values
     */
    public static PixelTarget parse(String value, String type) {
        if (value == null) {
            return HR;
        }
        for (PixelTarget t : values()) {
            if (t.configName().equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException(type + ": target must be 'hr' or 'teacher', got '" + value + "'");
    }
}
