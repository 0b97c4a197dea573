package org.dckd.losses.dckd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;

import org.dckd.config.ConfigException;
import org.dckd.config.ConfigReader;
import org.dckd.losses.LossTermConfig;
import org.dckd.losses.dckd.CodebookDistribution.Mode;
import org.dckd.losses.encoders.RandomEncoderConfig;
import org.dckd.losses.encoders.VqganEncoderConfig;
import org.junit.jupiter.api.Test;

/** Reading {@code dcr}/{@code dmm} configs strictly: defaults, every key, and errors naming the key path. */
class DckdConfigTest {

    private static ObjectMapper mapper() {
        ObjectMapper m = ConfigReader.jsonMapper();
        m.registerSubtypes(new NamedType(ContrastiveRegularizationConfig.class, ContrastiveRegularizationConfig.TYPE),
                new NamedType(DistributionMappingConfig.class, DistributionMappingConfig.TYPE));
        return m;
    }

    private static LossTermConfig read(String json) {
        try {
            ObjectMapper m = mapper();
            return ConfigReader.convert(m, m.readTree(json), LossTermConfig.class, "test.json");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String error(String json) {
        return assertThrows(ConfigException.class, () -> read(json)).getMessage();
    }

    @Test
    void defaultsAreTheMethodsDefaults() {
        ContrastiveRegularizationConfig dcr = (ContrastiveRegularizationConfig) read("{\"type\": \"dcr\"}");
        assertEquals(ContrastiveRegularizationConfig.defaults(), dcr);
        assertEquals("l_dcl", dcr.name());
        assertEquals(0.1f, dcr.weight());
        assertEquals(List.of(1 / 32.0, 1 / 16.0, 1 / 8.0, 1 / 4.0, 1.0), dcr.levelWeights());
        assertEquals(5, dcr.negatives());
        assertTrue(dcr.cleanNegative());
        assertEquals(RandomEncoderConfig.defaults(), dcr.encoder());
        assertEquals(HistoryConfig.Source.EMA, dcr.history().source());
        assertEquals(0.1f, dcr.history().alpha());
        assertEquals(1.0, dcr.degradation().noiseProb());
        assertEquals(0.0, dcr.degradation().blurProb());
        DistributionMappingConfig dmm = (DistributionMappingConfig) read("{\"type\": \"dmm\"}");
        assertEquals(DistributionMappingConfig.defaults(), dmm);
        assertEquals(Mode.PAPER, dmm.mode());
        assertEquals(0.001f, dmm.weight());
        assertEquals(CodebookConfig.Source.AUTO, dmm.codebook().source());
    }

    @Test
    void everyKeyIsRead() {
        ContrastiveRegularizationConfig dcr = (ContrastiveRegularizationConfig) read("""
                {"type": "dcr", "name": "contrast", "weight": 0.5, "level_weights": [1, 2, 3], "eps": 0.001,
                 "negatives": 3, "clean_negative": false,
                 "encoder": {"type": "random", "channels": [4, 8, 16], "convs_per_level": 1, "seed": 9},
                 "history": {"source": "student", "alpha": 0.2, "steps": [10, 20], "stage_length": 50},
                 "degradation": {"noise_prob": 0.5, "noise_sigma": [2, 4], "gray_noise_prob": 0, "clip": false,
                                 "blur_prob": 0.3, "blur_kernel": [3, 5], "blur_sigma": [0.5, 1],
                                 "resize_prob": 0.2, "resize_up_prob": 0.5, "resize_up": [1, 1.2],
                                 "resize_down": [0.7, 1]}}""");
        assertEquals("contrast", dcr.name());
        assertEquals(List.of(1.0, 2.0, 3.0), dcr.levelWeights());
        assertEquals(RandomEncoderConfig.builder().optChannels(List.of(4, 8, 16)).optSeed(9L).build(), dcr.encoder());
        assertEquals(HistoryConfig.builder().optSource(HistoryConfig.Source.STUDENT).optAlpha(0.2f)
                .optSteps(List.of(10L, 20L)).optStageLength(50L).build(), dcr.history());
        assertEquals(List.of(3, 5), dcr.degradation().blurKernel());
        assertEquals(false, dcr.degradation().clip());
        DistributionMappingConfig dmm = (DistributionMappingConfig) read("""
                {"type": "dmm", "mode": "reference-code", "tau": 2,
                 "codebook": {"source": "kmeans", "size": 64, "kmeans_batches": 2, "kmeans_iterations": 5,
                              "seed": 4}}""");
        assertEquals(Mode.REFERENCE_CODE, dmm.mode());
        assertEquals(2f, dmm.tau());
        assertEquals(new CodebookConfig(CodebookConfig.Source.KMEANS, 64, 2, 5, 4L, null, null, false), dmm.codebook());
    }

    @Test
    void configsSurviveAJsonRoundTrip() throws Exception {
        ObjectMapper m = mapper();
        for (String json : List.of("{\"type\": \"dcr\"}", "{\"type\": \"dmm\", \"mode\": \"reference-code\"}")) {
            LossTermConfig c = read(json);
            String written = m.writerFor(LossTermConfig.class).writeValueAsString(c);
            assertEquals(c, ConfigReader.convert(m, m.readTree(written), LossTermConfig.class, "round trip"), written);
        }
    }

    @Test
    void errorsNameTheKey() {
        String e = error("{\"type\": \"dcr\", \"weight\": -1}");
        assertTrue(e.contains("weight") && e.contains("-1"), e);
        e = error("{\"type\": \"dmm\", \"weight\": -0.5}");
        assertTrue(e.contains("dmm: weight must be >= 0"), e);
        e = error("{\"type\": \"dmm\", \"tau\": 0}");
        assertTrue(e.contains("tau"), e);
        e = error("{\"type\": \"dmm\", \"mode\": \"code\"}");
        assertTrue(e.contains("mode"), e);
        e = error("{\"type\": \"dcr\", \"negatives\": 0}");
        assertTrue(e.contains("negatives"), e);
        e = error("{\"type\": \"dcr\", \"history\": {\"alpha\": 2}}");
        assertTrue(e.contains("'history'") && e.contains("alpha"), e);
        e = error("{\"type\": \"dcr\", \"encoder\": {\"type\": \"random\", \"chanels\": [1]}}");
        assertTrue(e.contains("encoder") && e.contains("chanels"), e);
        e = error("{\"type\": \"dmm\", \"encoder\": {\"type\": \"unknown\"}}");
        assertTrue(e.contains("encoder") && e.contains("unknown"), e);
        e = error("{\"type\": \"dmm\", \"codebook\": {\"source\": \"file\"}}");
        assertTrue(e.contains("'codebook'") && e.contains("file is required"), e);
    }

    @Test
    void missingVqganCheckpointNamesTheFileAndWhereItIsPublished() {
        String e = error("{\"type\": \"dmm\", \"encoder\": {\"type\": \"vqgan\", \"checkpoint\": \"/no/such/last.ckpt\"}}");
        assertTrue(e.contains("'encoder'"), e);
        assertTrue(e.contains("/no/such/last.ckpt"), e);
        assertTrue(e.contains("vqgan_imagenet_f16_1024") && e.contains(VqganEncoderConfig.PUBLISHED_AT), e);
        e = error("{\"type\": \"dcr\", \"encoder\": {\"type\": \"vqgan\"}}");
        assertTrue(e.contains("checkpoint is required") && e.contains(VqganEncoderConfig.PUBLISHED_AT), e);
        e = error("{\"type\": \"dcr\", \"encoder\": {\"type\": \"vqgan\", \"checkpoint\": \"x\", \"ch\": 48}}");
        assertTrue(e.contains("ch must be a positive multiple of 32") || e.contains("file not found"), e);
    }
}
