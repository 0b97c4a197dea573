package org.dckd.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;

import ai.djl.ndarray.NDArray;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.config.ConfigException;
import org.dckd.config.ConfigReader;
import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.baselines.CsdTerm;
import org.dckd.losses.baselines.DukdZoomInTerm;
import org.dckd.losses.baselines.DukdZoomOutTerm;
import org.dckd.losses.baselines.FakdTerm;
import org.dckd.losses.baselines.LabelConsistencyTerm;
import org.dckd.losses.catalog.LossTerms;
import org.dckd.losses.pixel.L1TermConfig;
import org.dckd.losses.pixel.L2TermConfig;
import org.dckd.losses.pixel.PixelDistance;
import org.dckd.losses.pixel.PixelTarget;
import org.dckd.losses.pixel.PixelTerm;
import org.dckd.losses.testing.LossesYaml;
import org.dckd.losses.testing.LossesYaml.Losses;
import org.junit.jupiter.api.Test;

/**
 * The term registry with the strict config reader: every registered type parses with its documented defaults, and bad
 * configs fail with the key path and the offending key (unknown type, unknown key, negative weight, bad enum values,
 * FAKD lists of different lengths). Also a user-defined term registered from outside the library.
 */
class LossTermsConfigTest {

    private static List<LossTermConfig> parse(String yaml) {
        return LossesYaml.parse(yaml, "run.yaml");
    }

    private static String error(String yaml) {
        String msg = assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
        System.out.println("config error: " + msg);
        return msg;
    }

    @Test
    void registryListsEveryBaselineType() {
        assertTrue(LossTerms.types().containsAll(List.of("l1", "l2", "charbonnier", "fakd", "csd", "lcr",
                "dukd_zoom_in", "dukd_zoom_out")), LossTerms.types().toString());
    }

    @Test
    void everyTypeParsesWithDefaults() {
        List<LossTermConfig> configs = parse("""
                losses:
                  - type: l1
                  - type: l1
                    target: teacher
                  - type: l2
                    reduction: sum
                    name: l_mse
                  - type: charbonnier
                    weight: 0.5
                    name: l_cb
                  - type: fakd
                    student_taps: [block_1, block_3, block_6]
                    teacher_taps: [block_1, block_3, block_6]
                  - type: csd
                  - type: lcr
                  - type: dukd_zoom_in
                    tiles: 2
                  - type: dukd_zoom_out
                """);
        List<LossTerm> terms = configs.stream().map(LossTermConfig::build).toList();
        assertEquals(List.of("l_pix", "l_kd", "l_mse", "l_cb", "l_fakd", "l_csd", "l_lcr", "l_zoom_in", "l_zoom_out"),
                terms.stream().map(LossTerm::name).toList());
        assertEquals(List.of(1f, 1f, 1f, 0.5f, 10f, 1f, 1f, 1f, 1f), terms.stream().map(LossTerm::weight).toList());

        PixelTerm kd = assertInstanceOf(PixelTerm.class, terms.get(1));
        assertEquals(PixelTarget.TEACHER, kd.target());
        assertEquals(PixelDistance.l1(), kd.distance());
        assertEquals(Reduction.SUM, terms.get(2).reduction());
        assertEquals(PixelDistance.charbonnier(1e-3), ((PixelTerm) terms.get(3)).distance());
        FakdTerm fakd = assertInstanceOf(FakdTerm.class, terms.get(4));
        assertEquals(List.of("block_1", "block_3", "block_6"), fakd.studentTaps());
        assertEquals(1, fakd.pool());
        assertEquals(FakdTerm.Connector.NONE, fakd.connectorMode());
        assertInstanceOf(CsdTerm.class, terms.get(5));
        assertEquals(0.5, assertInstanceOf(LabelConsistencyTerm.class, terms.get(6)).probability());
        assertEquals(2, assertInstanceOf(DukdZoomInTerm.class, terms.get(7)).tiles());
        assertInstanceOf(DukdZoomOutTerm.class, terms.get(8));

        try (DistillationLoss loss = new DistillationLoss(terms)) {
            assertTrue(loss.needsTeacher());
            assertEquals(List.of("block_1", "block_3", "block_6"), loss.studentTaps());
            assertTrue(loss.requirements().containsAll(Set.of(LossTerm.Requirement.NETWORKS,
                    LossTerm.Requirement.STUDENT_FEATURES, LossTerm.Requirement.HR)));
        }
    }

    /** Configs serialize with every default filled in, in the config spelling, and read back to equal configs. */
    @Test
    void configsRoundTripWithDefaultsFilledIn() throws IOException {
        List<LossTermConfig> configs = parse("""
                losses:
                  - type: l1
                    target: teacher
                  - {type: l2, reduction: sum}
                  - {type: charbonnier, eps: 1.0e-6}
                  - {type: fakd, student_taps: [head, body], teacher_taps: [block_1, block_2], connector: mismatched}
                  - {type: csd, negatives: batch, positive: hr}
                  - {type: lcr, probability: 0.25}
                  - {type: dukd_zoom_in, tiles: 3}
                  - {type: dukd_zoom_out, reduction: sum}
                """);
        String json = LossTerms.registerWith(ConfigReader.jsonMapper()).writerWithDefaultPrettyPrinter()
                .writeValueAsString(new Losses(configs));
        System.out.println(json);
        assertTrue(json.contains("\"type\" : \"l1\"") && json.contains("\"target\" : \"teacher\"")
                && json.contains("\"connector\" : \"mismatched\"") && json.contains("\"student_taps\"")
                && json.contains("\"negatives\" : \"batch\""), json);
        assertEquals(configs, parse(json)); // JSON is YAML
    }

    @Test
    void networkOnlyTermsStillNeedTheTeacher() {
        List<LossTermConfig> configs = parse("""
                losses:
                  - type: l1
                  - type: lcr
                """);
        try (DistillationLoss loss = new DistillationLoss(configs.stream().map(LossTermConfig::build).toList())) {
            assertTrue(loss.needsTeacher(), "lcr runs the teacher although it does not read T(x)");
        }
        try (DistillationLoss loss = new DistillationLoss(List.of(parse("losses: [{type: l1}]").get(0).build()))) {
            assertTrue(!loss.needsTeacher());
        }
    }

    @Test
    void unknownTypeNamesThePath() {
        String msg = error("""
                losses:
                  - type: l1
                  - type: l2
                  - type: l3
                """);
        assertTrue(msg.contains("at 'losses[2].type'") && msg.contains("unknown type 'l3'"), msg);
        // the message lists what is registered
        assertTrue(msg.contains("known types: [charbonnier, csd, dcr, dmm, dukd_zoom_in, dukd_zoom_out, fakd, l1, l2,"
                + " lcr"), msg); // (a test registers one more type)
    }

    @Test
    void negativeWeightNamesTheKey() {
        String msg = error("""
                losses:
                  - type: l1
                    weight: -1
                """);
        assertTrue(msg.contains("losses[0]") && msg.contains("weight must be >= 0"), msg);
        String fakd = error("""
                losses:
                  - {type: fakd, student_taps: [a], teacher_taps: [b], weight: -0.5}
                """);
        assertTrue(fakd.contains("fakd: weight"), fakd);
    }

    @Test
    void unknownKeyIsNamed() {
        String msg = error("""
                losses:
                  - type: charbonnier
                    epsilon: 0.001
                """);
        assertTrue(msg.contains("losses[0].epsilon") && msg.contains("unknown key 'epsilon'"), msg);
    }

    @Test
    void fakdListsMustHaveEqualLength() {
        String msg = error("""
                losses:
                  - type: fakd
                    student_taps: [block_1, block_3, block_6]
                    teacher_taps: [block_1, block_6]
                """);
        assertTrue(msg.contains("losses[0]") && msg.contains("student_taps and teacher_taps must have the same length"),
                msg);
        String missing = error("""
                losses:
                  - type: fakd
                    teacher_taps: [block_1]
                """);
        assertTrue(missing.contains("student_taps is required"), missing);
    }

    @Test
    void badValuesAreNamed() {
        assertTrue(error("losses: [{type: l1, target: student}]").contains("target must be 'hr' or 'teacher'"));
        assertTrue(error("losses: [{type: l1, reduction: none}]").contains("reduction must be 'mean' or 'sum'"));
        assertTrue(error("losses: [{type: charbonnier, eps: 0}]").contains("eps must be positive"));
        assertTrue(error("losses: [{type: fakd, student_taps: [a], teacher_taps: [b], pool: 0}]")
                .contains("pool must be at least 1"));
        assertTrue(error("losses: [{type: fakd, student_taps: [a], teacher_taps: [b], connector: yes}]")
                .contains("connector must be 'none', 'mismatched' or 'always'"));
        assertTrue(error("losses: [{type: csd, negatives: batch, num_negatives: 2}]")
                .contains("num_negatives 2 applies only to negatives: rolled"));
        assertTrue(error("losses: [{type: csd, positive: student}]").contains("positive must be one of"));
        assertTrue(error("losses: [{type: lcr, probability: 1.5}]").contains("probability must be in [0, 1]"));
        assertTrue(error("losses: [{type: dukd_zoom_in, tiles: 0}]").contains("tiles must be at least 1"));
        assertTrue(error("losses: [{type: l1, name: 'l pix'}]").contains("name must be"));
        assertTrue(error("losses: [{type: l1, weight: 1.0e40}]").contains("weight"));
    }

    @Test
    void duplicateNamesAreRejectedByTheLoss() {
        List<LossTerm> terms = parse("""
                losses:
                  - type: l1
                  - type: charbonnier
                """).stream().map(LossTermConfig::build).toList();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DistillationLoss(terms));
        assertTrue(e.getMessage().contains("'l_pix'"), e.getMessage());
    }

    // ------------------------------------------------------------------ a user's own term, outside the library

    /** A total-variation term on the student output, as a user would write it. */
    record TvConfig(float weight) implements LossTermConfig {
        @JsonCreator
        static TvConfig of(@JsonProperty("weight") Float weight) {
            return new TvConfig(LossTermConfig.checkWeight("tv", weight, 1f));
        }

        @Override
        public LossTerm build() {
            float w = weight;
            return new LossTerm() {
                @Override
                public String name() {
                    return "l_tv";
                }

                @Override
                public float weight() {
                    return w;
                }

                @Override
                public Set<Requirement> requirements() {
                    return Set.of(Requirement.STUDENT_OUTPUT);
                }

                @Override
                public NDArray compute(LossContext context) {
                    NDArray s = context.studentOutput();
                    long h = s.getShape().get(2);
                    return s.get(":, :, 1:, :").sub(s.get(":, :, :{}, :", h - 1)).abs().mean();
                }
            };
        }
    }

    @Test
    void usersRegisterTheirOwnTerms() {
        LossTerms.register("test_tv", TvConfig.class);
        List<LossTermConfig> configs = parse("""
                losses:
                  - type: l1
                  - type: test_tv
                    weight: 0.01
                """);
        LossTerm tv = configs.get(1).build();
        assertEquals("l_tv", tv.name());
        assertEquals(0.01f, tv.weight());
        assertTrue(error("losses: [{type: test_tv, weight: -2}]").contains("tv: weight must be >= 0"));
    }

    @Test
    void aTermTypeRegisteredTwiceIsRefusedNamingBothRegistrations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossTerms.register("l1", L2TermConfig.class));
        String m = e.getMessage();
        assertTrue(m.contains("loss-term type 'l1' is already registered"), m);
        assertTrue(m.contains(L1TermConfig.class.getName()) && m.contains(L2TermConfig.class.getName()), m);
        assertTrue(m.contains(LossTerms.class.getName() + ".<clinit>") && m.contains("LossTermsConfigTest."), m);
        assertInstanceOf(PixelTerm.class, parse("losses: [{type: l1}]").get(0).build(), "l1 stays");
    }

    @Test
    void theConfigReaderKnowsTheTermTypesThroughTheServiceLoader() throws IOException {
        ObjectMapper plain = ConfigReader.yamlMapper();
        LossTermConfig config = ConfigReader.convert(plain, plain.readTree("{type: l2, weight: 0.5}"),
                LossTermConfig.class, "test");
        assertInstanceOf(L2TermConfig.class, config);
        assertEquals(0.5f, config.build().weight());
    }
}
