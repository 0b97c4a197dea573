package org.dckd.losses.baselines;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;

import org.dckd.losses.LossTermConfig;
import org.dckd.losses.TermBuilder;
import org.dckd.losses.baselines.FakdTerm.Connector;

/**
 * Config of the FAKD feature-affinity term ({@code type: fakd}; see {@link FakdTerm}).
 *
 * <p>Keys (defaults in brackets): {@code student_taps} (required, e.g. {@code [block_1, block_3, block_6]}),
 * {@code teacher_taps} (required, as many), {@code pool} [1] (average pooling before the affinity; 1 = off),
 * {@code connector} [none] ({@code none}, {@code mismatched} or {@code always}), {@code weight} [10, the official SA
 * scripts' {@code 10*SA}], {@code name} [{@code l_fakd}].
 *
 * <p>From Java: {@link FakdTerm#builder()}, with the same defaults (the YAML reader takes its defaults from that
 * builder).
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
     * The YAML/JSON reader: missing keys keep the defaults of {@link Builder} (one place for both). Java code uses
     * {@link FakdTerm#builder()}.
     */
    @JsonCreator
    private static FakdTermConfig fromJson(
            @JsonProperty("student_taps") List<String> studentTaps,
            @JsonProperty("teacher_taps") List<String> teacherTaps,
            @JsonProperty("pool") Integer pool,
            @JsonProperty("connector") String connector,
            @JsonProperty("weight") Float weight,
            @JsonProperty("name") String name) {
        Builder builder = new Builder();
        builder.studentTaps = studentTaps;
        builder.teacherTaps = teacherTaps;
        if (pool != null) {
            builder.optPool(pool);
        }
        if (connector != null) {
            builder.optConnector(parseConnector(connector));
        }
        if (weight != null) {
            builder.optWeight(weight);
        }
        return builder.optName(name).newConfig();
    }

    /**
     * Builds a FAKD term: {@code setStudentTaps} and {@code setTeacherTaps} are required; {@code pool} (1),
     * {@code connector} ({@link Connector#NONE}), {@code weight} ({@value #DEFAULT_WEIGHT}) and {@code name}
     * ({@code l_fakd}) are optional.
     */
    public static final class Builder extends TermBuilder<Builder, FakdTermConfig> {

        private List<String> studentTaps;
        private List<String> teacherTaps;
        private int pool = 1;
        private Connector connector = Connector.NONE;

        Builder() {
            super(DEFAULT_WEIGHT, null);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the student feature taps (required; names from the student's {@code tapNames()}).
         *
         * @param taps e.g. {@code List.of("block_1", "block_3", "block_6")}
         * @return this builder
         */
        public Builder setStudentTaps(List<String> taps) {
            studentTaps = taps;
            return this;
        }

        /**
         * Sets the teacher feature taps (required; one per student tap).
         *
         * @param taps the teacher's tap names
         * @return this builder
         */
        public Builder setTeacherTaps(List<String> taps) {
            teacherTaps = taps;
            return this;
        }

        /**
         * Sets the average-pooling factor applied before the affinity (default 1: off).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optPool(int value) {
            pool = value;
            return this;
        }

        /**
         * Sets when a trainable student-side 1x1 convolution is added (default {@link Connector#NONE}).
         *
         * @param value none, mismatched or always
         * @return this builder
         */
        public Builder optConnector(Connector value) {
            connector = value;
            return this;
        }

        /**
         * The config record, the same one the YAML reader makes for the same keys.
         *
         * @return the validated config
         * @throws IllegalArgumentException naming the missing setter or the offending field
         */
        @Override
        public FakdTermConfig config() {
            if (studentTaps == null) {
                throw new IllegalArgumentException(TYPE + ": setStudentTaps is required (the student tap names)");
            }
            if (teacherTaps == null) {
                throw new IllegalArgumentException(TYPE + ": setTeacherTaps is required (the teacher tap names)");
            }
            return newConfig();
        }

        /**
         * The term, ready for {@code Distiller.builder().addTerm(...)}.
         *
         * @return {@code config().build()}
         */
        @Override
        public FakdTerm build() {
            return config().build();
        }

        private FakdTermConfig newConfig() {
            return new FakdTermConfig(studentTaps, teacherTaps, pool, connector, weight, name);
        }
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
