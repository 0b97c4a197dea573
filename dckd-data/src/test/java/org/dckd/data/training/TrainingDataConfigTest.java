package org.dckd.data.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.dckd.data.prepare.FileNamePattern;
import org.junit.jupiter.api.Test;

class TrainingDataConfigTest {

    /** How the trainer embeds the config: under {@code data:}, read by a strict snake_case mapper. */
    record Experiment(@JsonProperty("data") TrainingDataConfig data) {
    }

    private static ObjectMapper strict(ObjectMapper m) {
        m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        return m;
    }

    private static final ObjectMapper YAML = strict(new ObjectMapper(new YAMLFactory()));
    private static final ObjectMapper JSON = strict(new ObjectMapper());

    private static TrainingDataConfig yaml(String text) throws Exception {
        return YAML.readValue(text, Experiment.class).data();
    }

    private static String error(String text) {
        Exception e = assertThrows(Exception.class, () -> yaml(text));
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    @Test
    void readsEverySourceTypeAndAllKeysFromYaml() throws Exception {
        TrainingDataConfig c = yaml("""
                data:
                  scale: 4
                  patch_size: 64
                  batch_size: 8
                  augment: {hflip: true, vflip: false, rot90: false}
                  enlarge_ratio: 3
                  workers: 1
                  prefetch: 6
                  seed: 123
                  use_subimages: false
                  sources:
                    - type: div2k
                      root: /data/DIV2K
                    - type: div2k
                      root: /data/DIV2K
                      split: valid
                      name: val
                    - type: flickr2k
                      root: /data/Flickr2K
                      meta_info: /data/flickr_meta.txt
                    - type: paired
                      hr: hr_dir
                      lr: lr_dir
                      lr_pattern: "{name}_lr.{ext}"
                    - type: hr_only
                      hr: /data/CBSD68
                      lr_cache: /tmp/cache
                """);
        assertEquals(4, c.scale());
        assertEquals(64, c.patchSize());
        assertEquals(8, c.batchSize());
        assertEquals(new AugmentConfig(true, false, false), c.augment());
        assertEquals(3, c.enlargeRatio());
        assertEquals(1, c.workers());
        assertEquals(6, c.prefetch());
        assertEquals(123, c.seed());
        assertFalse(c.useSubimages());
        assertEquals(5, c.sources().size());
        Div2kSource d = assertInstanceOf(Div2kSource.class, c.sources().get(0));
        assertEquals("train", d.split());
        SourceFolders f = d.folders(Path.of("/base"), 4);
        assertEquals(Path.of("/data/DIV2K/DIV2K_train_HR"), f.hrFolder());
        assertEquals(Path.of("/data/DIV2K/DIV2K_train_LR_bicubic/X4"), f.lrFolder());
        assertEquals("DIV2K_train", f.name());
        assertEquals("val", c.sources().get(1).folders(Path.of("/"), 4).name());
        assertEquals(Path.of("/data/DIV2K/DIV2K_valid_HR"), c.sources().get(1).folders(Path.of("/"), 4).hrFolder());
        SourceFolders fl = c.sources().get(2).folders(Path.of("/"), 2);
        assertEquals(Path.of("/data/Flickr2K/Flickr2K_LR_bicubic/X2"), fl.lrFolder());
        assertEquals(Path.of("/data/flickr_meta.txt"), fl.metaInfo());
        SourceFolders p = c.sources().get(3).folders(Path.of("/base"), 4);
        assertEquals(Path.of("/base/hr_dir"), p.hrFolder(), "relative paths resolve against the base folder");
        assertEquals(new FileNamePattern("{name}_lr.{ext}"), p.lrPattern());
        assertEquals("a_lr.jpg", p.lrPattern().apply("a.jpg", 4));
        SourceFolders h = c.sources().get(4).folders(Path.of("/"), 4);
        assertTrue(h.generateLr());
        assertEquals(Path.of("/tmp/cache"), h.lrFolder());
        assertEquals("CBSD68", h.name());
    }

    @Test
    void missingKeysGetTheDocumentedDefaults() throws Exception {
        TrainingDataConfig c = yaml("""
                data:
                  scale: 2
                  sources: [{type: hr_only, hr: imgs}]
                """);
        assertEquals(48, c.patchSize());
        assertEquals(16, c.batchSize());
        assertEquals(AugmentConfig.ALL, c.augment());
        assertEquals(1, c.enlargeRatio());
        assertEquals(2, c.workers());
        assertEquals(4, c.prefetch());
        assertEquals(10, c.seed());
        assertTrue(c.useSubimages());
        HrOnlySource h = (HrOnlySource) c.sources().get(0);
        assertNull(h.lrCache());
        assertEquals(Path.of("/d/imgs_LR_bicubic/X2"), h.folders(Path.of("/d"), 2).lrFolder());
        assertEquals(c, TrainingDataConfig.builder(2).addSource(h).build());
        assertEquals(new AugmentConfig(true, true, true), yaml("""
                data: {scale: 2, sources: [{type: hr_only, hr: x}], augment: {}}
                """).augment());
    }

    @Test
    void errorsNameTheKey() {
        assertTrue(error("data: {sources: [{type: hr_only, hr: x}]}").contains("scale is required"));
        assertTrue(error("data: {scale: 4, sources: []}").contains("sources must list at least one source"));
        assertTrue(error("data: {scale: 4, patch_size: 0, sources: [{type: hr_only, hr: x}]}")
                .contains("patch_size must be at least 1, got 0"));
        assertTrue(error("data: {scale: 4, prefetch: 0, sources: [{type: hr_only, hr: x}]}")
                .contains("prefetch must be at least 1"));
        assertTrue(error("data: {scale: 4, workers: -1, sources: [{type: hr_only, hr: x}]}")
                .contains("workers must be at least 0"));
        String unknown = error("data: {scale: 4, patchsize: 3, sources: [{type: hr_only, hr: x}]}");
        assertTrue(unknown.contains("patchsize"), unknown);
        String unknownSourceKey = error("data: {scale: 4, sources: [{type: div2k, root: x, folder: y}]}");
        assertTrue(unknownSourceKey.contains("folder"), unknownSourceKey);
        String type = error("data: {scale: 4, sources: [{type: lmdb, root: x}]}");
        assertTrue(type.contains("lmdb"), type);
        assertTrue(error("data: {scale: 4, sources: [{type: div2k}]}").contains("div2k source: root is required"));
        assertTrue(error("data: {scale: 4, sources: [{type: div2k, root: r, split: test}]}")
                .contains("split must be 'train' or 'valid'"));
        assertTrue(error("data: {scale: 4, sources: [{type: paired, hr: a}]}")
                .contains("paired source: lr is required"));
        String pattern = error("data: {scale: 4, sources: [{type: paired, hr: a, lr: b, lr_pattern: 'x{scale}.png'}]}");
        assertTrue(pattern.contains("lr_pattern") && pattern.contains("{name}"), pattern);
        String placeholder = error(
                "data: {scale: 4, sources: [{type: paired, hr: a, lr: b, lr_pattern: '{name}{s}'}]}");
        assertTrue(placeholder.contains("unknown placeholder {s}"), placeholder);
        assertTrue(error("data: {scale: 4.5, sources: [{type: hr_only, hr: x}]}").contains("scale"));
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        TrainingDataConfig c = TrainingDataConfig.builder(3)
                .addSource(Div2kSource.train("/d"))
                .addSource(new Flickr2kSource("/f", "flickr", null))
                .addSource(PairedSource.of("a", "b", "{name}.{ext}", null, "meta.txt"))
                .addSource(HrOnlySource.of("h", "c"))
                .optPatchSize(32).optBatchSize(4).optAugment(AugmentConfig.NONE).optEnlargeRatio(2).optWorkers(0)
                .optPrefetch(2).optSeed(-5).optUseSubimages(false).build();
        String json = JSON.writeValueAsString(new Experiment(c));
        assertTrue(json.contains("\"type\":\"hr_only\"") && json.contains("\"lr_cache\":\"c\"")
                && json.contains("\"patch_size\":32"), json);
        assertEquals(c, JSON.readValue(json, Experiment.class).data());
        assertEquals(c, c.toBuilder().build());
        assertEquals(List.of(), List.copyOf(c.toBuilder().setSources(List.of(HrOnlySource.of("x", null))).build()
                .sources().subList(1, 1)));
    }
}
