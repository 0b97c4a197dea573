package org.dckd.backbones.swinir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.catalog.Backbones;
import org.dckd.backbones.swinir.SwinIrConfig.Padding;
import org.dckd.backbones.swinir.SwinIrConfig.ResiConnection;
import org.dckd.backbones.swinir.SwinIrConfig.Upsampler;
import org.junit.jupiter.api.Test;

class SwinIrConfigTest {

    private static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        return Backbones.registerWith(m);
    }

    private static final String MINIMAL = """
            {"type": "swinir", "scale": 4, "embed_dim": 60, "depths": [6, 6, 6, 6], "num_heads": [6, 6, 6, 6],
             "upsampler": "pixelshuffledirect"}
            """;

    @Test
    void minimalJsonTakesDocumentedDefaults() throws Exception {
        BackboneConfig read = mapper().readValue(MINIMAL, BackboneConfig.class);
        SwinIrConfig c = assertInstanceOf(SwinIrConfig.class, read);
        assertEquals(4, c.scale());
        assertEquals(3, c.inChans());
        assertEquals(64, c.imgSize());
        assertEquals(8, c.windowSize());
        assertEquals(1.0, c.imgRange());
        assertEquals(2.0, c.mlpRatio());
        assertEquals(ResiConnection.ONE_CONV, c.resiConnection());
        assertTrue(c.qkvBias());
        assertFalse(c.ape());
        assertTrue(c.patchNorm());
        assertEquals(0.1, c.dropPathRate());
        assertEquals(Padding.REFLECT, c.padding());
        // with these defaults the minimal JSON is exactly the lightweight preset
        assertEquals(SwinIrConfig.lightweight(4), c);
    }

    @Test
    void everyKeyIsReadInSnakeCase() throws Exception {
        String json = """
                {"type": "swinir", "upscale": 2, "in_chans": 1, "img_size": 48, "window_size": 4, "img_range": 255.0,
                 "depths": [2, 2], "embed_dim": 36, "num_heads": [6, 3], "mlp_ratio": 4, "upsampler": "nearest+conv",
                 "resi_connection": "3conv", "qkv_bias": false, "ape": true, "patch_norm": false,
                 "drop_path_rate": 0.0, "padding": "mirror_test"}
                """;
        SwinIrConfig c = (SwinIrConfig) mapper().readValue(json, BackboneConfig.class);
        assertEquals(SwinIrConfig.builder().setScale(2).optInChans(1).optImgSize(48).optWindowSize(4).optImgRange(255)
                .setDepths(2, 2).setEmbedDim(36).setNumHeads(6, 3).optMlpRatio(4).setUpsampler(Upsampler.NEAREST_CONV)
                .optResiConnection(ResiConnection.THREE_CONV).optQkvBias(false).optApe(true).optPatchNorm(false)
                .optDropPathRate(0).optPadding(Padding.MIRROR_TEST).build(), c);
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        ObjectMapper m = mapper();
        for (SwinIrConfig c : List.of(SwinIrConfig.lightweight(3), SwinIrConfig.classicalM(2),
                SwinIrConfig.lightweight(1).toBuilder().setUpsampler(Upsampler.NONE).build())) {
            String json = m.writerFor(BackboneConfig.class).writeValueAsString(c);
            assertTrue(json.contains("\"type\":\"swinir\""), json);
            assertTrue(json.contains("\"embed_dim\""), json);
            assertEquals(c, m.readValue(json, BackboneConfig.class), json);
        }
    }

    @Test
    void unknownKeyFails() {
        String json = MINIMAL.replace("\"scale\": 4", "\"scale\": 4, \"window\": 8");
        UnrecognizedPropertyException e = assertThrows(UnrecognizedPropertyException.class,
                () -> mapper().readValue(json, BackboneConfig.class));
        assertEquals("window", e.getPropertyName());
    }

    @Test
    void missingRequiredKeyIsNamed() {
        String json = MINIMAL.replace("\"embed_dim\": 60,", "");
        JsonMappingException e = assertThrows(JsonMappingException.class,
                () -> mapper().readValue(json, BackboneConfig.class));
        assertTrue(e.getMessage().contains("embed_dim"), e.getMessage());
    }

    @Test
    void badEnumValueIsNamed() {
        String json = MINIMAL.replace("pixelshuffledirect", "bicubic");
        JsonMappingException e = assertThrows(JsonMappingException.class,
                () -> mapper().readValue(json, BackboneConfig.class));
        assertTrue(e.getMessage().contains("upsampler"), e.getMessage());
        assertTrue(e.getMessage().contains("bicubic"), e.getMessage());
    }

    @Test
    void upsamplerNoneAcceptsEmptyStringAndNone() throws Exception {
        for (String name : List.of("\"\"", "\"none\"")) {
            String json = MINIMAL.replace("\"scale\": 4", "\"scale\": 1").replace("\"pixelshuffledirect\"", name);
            assertEquals(Upsampler.NONE, ((SwinIrConfig) mapper().readValue(json, BackboneConfig.class)).upsampler());
        }
    }

    @Test
    void validationNamesTheField() {
        SwinIrConfig.Builder ok = SwinIrConfig.lightweight(4).toBuilder();
        assertMessage("num_heads", () -> ok.setNumHeads(6, 6, 6).build());
        assertMessage("embed_dim", () -> ok.setNumHeads(7, 7, 7, 7).build());
        assertMessage("window_size", () -> SwinIrConfig.lightweight(4).toBuilder().optWindowSize(0).build());
        assertMessage("depths", () -> SwinIrConfig.lightweight(4).toBuilder().setDepths(List.of()).build());
        assertMessage("depths[1]", () -> SwinIrConfig.lightweight(4).toBuilder().setDepths(6, 0, 6, 6).build());
        assertMessage("scale", () -> SwinIrConfig.lightweight(0));
        assertMessage("scale", () -> SwinIrConfig.classicalM(5));
        assertMessage("scale", () -> SwinIrConfig.lightweight(2).toBuilder().setUpsampler(Upsampler.NONE).build());
        assertMessage("scale", () -> SwinIrConfig.lightweight(3).toBuilder().setUpsampler(Upsampler.NEAREST_CONV)
                .build());
        assertMessage("img_range", () -> SwinIrConfig.lightweight(4).toBuilder().optImgRange(0).build());
        assertMessage("mlp_ratio", () -> SwinIrConfig.lightweight(4).toBuilder().optMlpRatio(-1).build());
        assertMessage("img_size", () -> SwinIrConfig.lightweight(4).toBuilder().optImgSize(6).build());
        assertMessage("drop_path_rate", () -> SwinIrConfig.lightweight(4).toBuilder().optDropPathRate(1).build());
        assertMessage("setUpsampler", () -> SwinIrConfig.lightweight(4).toBuilder().setUpsampler(null).build());
    }

    private static void assertMessage(String field, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(field), "message should name '" + field + "': " + ex.getMessage());
    }

    @Test
    void presets() {
        SwinIrConfig light = SwinIrConfig.lightweight(4);
        assertEquals(60, light.embedDim());
        assertEquals(List.of(6, 6, 6, 6), light.depths());
        assertEquals(List.of(6, 6, 6, 6), light.numHeads());
        assertEquals(Upsampler.PIXEL_SHUFFLE_DIRECT, light.upsampler());
        assertEquals(64, light.imgSize());
        assertEquals(8, light.windowSize());
        assertEquals(120, light.mlpHiddenDim());

        SwinIrConfig m = SwinIrConfig.classicalM(2);
        assertEquals(180, m.embedDim());
        assertEquals(List.of(6, 6, 6, 6, 6, 6), m.depths());
        assertEquals(List.of(6, 6, 6, 6, 6, 6), m.numHeads());
        assertEquals(Upsampler.PIXEL_SHUFFLE, m.upsampler());
        assertEquals(48, m.imgSize());

        assertEquals(light, Backbones.preset("swinir_lightweight", 4));
        assertEquals(m, Backbones.preset("swinir_classical_m", 2));
    }

    @Test
    void officialWindowRuleDependsOnImgSize() {
        SwinIrConfig normal = SwinIrConfig.lightweight(4);
        assertEquals(8, normal.blockWindowSize());
        assertEquals(4, normal.shiftSize());
        // img_size <= window_size: the official blocks use img_size as window and never shift
        SwinIrConfig tiny = normal.toBuilder().optImgSize(8).build();
        assertEquals(8, tiny.blockWindowSize());
        assertEquals(0, tiny.shiftSize());
        SwinIrConfig tinier = normal.toBuilder().optImgSize(4).build();
        assertEquals(4, tinier.blockWindowSize());
        assertEquals(0, tinier.shiftSize());
    }

    @Test
    void paddingRules() {
        assertEquals(0, Padding.REFLECT.padFor(24, 8));
        assertEquals(3, Padding.REFLECT.padFor(21, 8));
        assertEquals(8, Padding.MIRROR_TEST.padFor(24, 8));
        assertEquals(3, Padding.MIRROR_TEST.padFor(21, 8));
        assertEquals(2, Padding.MIRROR_TEST.padFor(30, 8));
        assertEquals(5, SwinIrConfig.lightweight(4).minInputSize());
        assertEquals(1, SwinIrConfig.lightweight(4).toBuilder().optPadding(Padding.MIRROR_TEST).build()
                .minInputSize());
    }

    @Test
    void theBuilderHasTheYamlDefaults() throws Exception {
        SwinIrConfig minimal = (SwinIrConfig) mapper().readValue(MINIMAL, BackboneConfig.class);
        assertEquals(minimal, SwinIrConfig.builder().setScale(4).setEmbedDim(60).setDepths(6, 6, 6, 6)
                .setNumHeads(6, 6, 6, 6).setUpsampler(Upsampler.PIXEL_SHUFFLE_DIRECT).build());
    }

    @Test
    void presetsAreTheBuilderWithTheDocumentedValues() {
        for (int scale : new int[] {2, 3, 4}) {
            SwinIrConfig.Builder documented = SwinIrConfig.builder().setScale(scale).optInChans(3).optWindowSize(8)
                    .optImgRange(1).optMlpRatio(2).optResiConnection(ResiConnection.ONE_CONV).optQkvBias(true)
                    .optApe(false).optPatchNorm(true).optDropPathRate(0.1).optPadding(Padding.REFLECT);
            assertEquals(documented.setEmbedDim(60).setDepths(6, 6, 6, 6).setNumHeads(6, 6, 6, 6)
                    .setUpsampler(Upsampler.PIXEL_SHUFFLE_DIRECT).optImgSize(64).build(),
                    SwinIrConfig.lightweight(scale));
            assertEquals(documented.setEmbedDim(180).setDepths(6, 6, 6, 6, 6, 6).setNumHeads(6, 6, 6, 6, 6, 6)
                    .setUpsampler(Upsampler.PIXEL_SHUFFLE).optImgSize(48).build(), SwinIrConfig.classicalM(scale));
        }
    }

    @Test
    void theBuilderNamesTheMissingSetter() {
        SwinIrConfig.Builder b = SwinIrConfig.builder();
        assertMessage("setScale", b::build);
        b.setScale(2);
        assertMessage("setDepths", b::build);
        b.setDepths(2, 2);
        assertMessage("setEmbedDim", b::buildNetwork);
        b.setEmbedDim(12);
        assertMessage("setNumHeads", b::build);
        b.setNumHeads(2, 2);
        assertMessage("setUpsampler", b::build);
        b.setUpsampler(Upsampler.PIXEL_SHUFFLE);
        assertEquals(2, b.build().scale());
    }

    @Test
    void theYamlReaderNamesTheMissingKey() {
        Exception e = assertThrows(Exception.class, () -> mapper().readValue(
                MINIMAL.replace("\"embed_dim\": 60, ", ""), BackboneConfig.class));
        assertTrue(e.getMessage().contains("embed_dim"), e.getMessage());
        assertFalse(e.getMessage().contains("setEmbedDim"), e.getMessage());
    }
}
