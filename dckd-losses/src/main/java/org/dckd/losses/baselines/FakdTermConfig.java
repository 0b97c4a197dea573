package org.dckd.losses.baselines;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTermConfig;
import org.dckd.losses.baselines.FakdTerm.Connector;

/**
 * Config of the FAKD feature-affinity term ({@code type: fakd}; see {@link FakdTerm}).
 *
 * <p>Keys (defaults in brackets): {@code student_taps} (required, e.g. {@code [block_1, block_3, block_6]}),
 * {@code teacher_taps} (required, as many), {@code pool} [1] (average pooling before the affinity; 1 = off),
 * {@code connector} [none] ({@code none}, {@code mismatched} or {@code always}), {@code weight} [10, the official SA
 * scripts' {@code 10*SA}], {@code name} [{@code l_fakd}].
 *
 * @param studentTaps student tap names
 * @param teacherTaps teacher tap names, one per student tap
 * @param pool the pooling factor (at least 1)
 * @param connector when to add a student-side 1x1 convolution
 * @param weight the weight (&gt;= 0)
 * @param name the logged name
 */
@JsonTypeName("fakd")
public record FakdTermConfig(List<String> studentTaps, List<String> teacherTaps, int pool, Connector connector,
                             float weight, String name) implements LossTermConfig {

    /** The {@code type} name. */
    public static final String TYPE = "fakd";
    /** The default weight (the official scripts use {@code --feature_distilation_type 10*SA}). */
    public static final float DEFAULT_WEIGHT = 10f;
    /** The default name. */
    public static final String DEFAULT_NAME = "l_fakd";

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the offending key
     */
    public FakdTermConfig {
        if (studentTaps == null || studentTaps.isEmpty()) {
            throw new IllegalArgumentException(TYPE + ": student_taps is required (a non-empty list of tap names)");
        }
        if (teacherTaps == null || teacherTaps.isEmpty()) {
            throw new IllegalArgumentException(TYPE + ": teacher_taps is required (a non-empty list of tap names)");
        }
        if (studentTaps.size() != teacherTaps.size()) {
            throw new IllegalArgumentException(TYPE + ": student_taps and teacher_taps must have the same length, got "
                    + studentTaps.size() + " " + studentTaps + " and " + teacherTaps.size() + " " + teacherTaps);
        }
        for (String t : studentTaps) {
            checkTap("student_taps", t);
        }
        for (String t : teacherTaps) {
            checkTap("teacher_taps", t);
        }
        studentTaps = List.copyOf(studentTaps);
        teacherTaps = List.copyOf(teacherTaps);
        if (pool < 1) {
            throw new IllegalArgumentException(TYPE + ": pool must be at least 1, got " + pool);
        }
        if (connector == null) {
            throw new IllegalArgumentException(TYPE + ": connector is required");
        }
        weight = LossTermConfig.checkWeight(TYPE, weight, DEFAULT_WEIGHT);
        name = LossTermConfig.checkName(TYPE, name, DEFAULT_NAME);
    }

    private static void checkTap(String key, String tap) {
        if (tap == null || tap.isBlank()) {
            throw new IllegalArgumentException(TYPE + ": " + key + " contains an empty tap name");
        }
    }

    /**
     * The JSON creator: fills in the documented defaults.
     *
     * @param studentTaps required
     * @param teacherTaps required
     * @param pool default 1
     * @param connector {@code none} (default), {@code mismatched} or {@code always}
     * @param weight default 10
     * @param name default {@code l_fakd}
     * @return the config
     * @throws IllegalArgumentException naming the offending key
     */
    @JsonCreator
    public static FakdTermConfig of(
            @JsonProperty("student_taps") List<String> studentTaps,
            @JsonProperty("teacher_taps") List<String> teacherTaps,
            @JsonProperty("pool") Integer pool,
            @JsonProperty("connector") String connector,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        return new FakdTermConfig(studentTaps, teacherTaps, pool == null ? 1 : pool, parseConnector(connector),
                LossTermConfig.checkWeight(TYPE, weight, DEFAULT_WEIGHT), name);
    }

    private static Connector parseConnector(String value) {
        if (value == null) {
            return Connector.NONE;
        }
        for (Connector c : Connector.values()) {
            if (c.configName().equals(value)) {
                return c;
            }
        }
        throw new IllegalArgumentException(TYPE + ": connector must be 'none', 'mismatched' or 'always', got '"
                + value + "'");
    }

    @Override
    public FakdTerm build() {
        return new FakdTerm(name, weight, studentTaps, teacherTaps, pool, connector);
    }
}
