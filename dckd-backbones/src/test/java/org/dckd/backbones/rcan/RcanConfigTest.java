package org.dckd.backbones.rcan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.catalog.Backbones;
import org.dckd.config.ConfigReader;
import org.junit.jupiter.api.Test;

class RcanConfigTest {

    private static BackboneConfig yaml(String text) throws Exception {
        return ConfigReader.yamlMapper().readValue(text, BackboneConfig.class);
    }

    @Test
    void presetsAreThePapersTeacherAndStudent() {
        for (int scale : new int[] {2, 3, 4}) {
            assertEquals(new RcanConfig(scale, 64, 10, 20, 16, 1, 255), RcanConfig.rcan(scale));
            assertEquals(new RcanConfig(scale, 64, 10, 6, 16, 1, 255), RcanConfig.rcanStudent(scale));
            assertEquals(RcanConfig.rcan(scale), Backbones.preset("rcan", scale));
            assertEquals(RcanConfig.rcanStudent(scale), Backbones.preset("rcan_student", scale));
        }
        assertTrue(Backbones.types().contains("rcan"));
    }

    @Test
    void missingKeysGetBasicSrsDefaultsFromTheBuilder() throws Exception {
        RcanConfig minimal = assertInstanceOf(RcanConfig.class, yaml("{type: rcan, scale: 4}"));
        assertEquals(new RcanConfig(4, 64, 10, 16, 16, 1, 255), minimal);
        assertEquals(RcanConfig.builder().setScale(4).build(), minimal);
        assertEquals(new RcanConfig(3, 32, 2, 4, 8, 0.5, 1), yaml("{type: rcan, scale: 3, num_feat: 32, num_group: 2, "
                + "num_block: 4, squeeze_factor: 8, res_scale: 0.5, img_range: 1}"));
        assertEquals(new RcanConfig(3, 32, 2, 4, 8, 0.5, 1), RcanConfig.builder().setScale(3).optNumFeat(32)
                .optNumGroup(2).optNumBlock(4).optSqueezeFactor(8).optResScale(0.5).optImgRange(1).build());
    }

    @Test
    void unknownKeysAndMissingScaleFail() {
        Exception unknown = assertThrows(Exception.class, () -> yaml("{type: rcan, scale: 4, num_blocks: 6}"));
        assertTrue(unknown instanceof UnrecognizedPropertyException || unknown.getMessage().contains("num_blocks"),
                unknown.getMessage());
        Exception e = assertThrows(Exception.class, () -> yaml("{type: rcan, num_block: 6}"));
        assertTrue(e.getMessage().contains("scale"), e.getMessage());
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        ObjectMapper m = ConfigReader.jsonMapper();
        RcanConfig c = RcanConfig.rcanStudent(3);
        String json = m.writeValueAsString(c);
        assertTrue(json.contains("\"type\":\"rcan\"") && json.contains("\"num_block\":6"), json);
        assertEquals(c, m.readValue(json, BackboneConfig.class));
    }

    @Test
    void invalidFieldsAreNamed() {
        assertMessage("scale", () -> RcanConfig.rcan(5));
        assertMessage("scale", () -> RcanConfig.rcan(0));
        assertMessage("num_feat", () -> new RcanConfig(4, 0, 10, 20, 16, 1, 255));
        assertMessage("num_group", () -> new RcanConfig(4, 64, 0, 20, 16, 1, 255));
        assertMessage("num_block", () -> new RcanConfig(4, 64, 10, 0, 16, 1, 255));
        assertMessage("squeeze_factor", () -> new RcanConfig(4, 64, 10, 20, 0, 1, 255));
        assertMessage("num_feat / squeeze_factor", () -> new RcanConfig(4, 8, 10, 20, 16, 1, 255));
        assertMessage("res_scale", () -> new RcanConfig(4, 64, 10, 20, 16, Double.NaN, 255));
        assertMessage("img_range", () -> new RcanConfig(4, 64, 10, 20, 16, 1, 0));
        assertMessage("setScale", () -> RcanConfig.builder().optNumBlock(6).build());
        assertMessage("setScale", () -> RcanConfig.builder().buildNetwork());
        Exception e = assertThrows(Exception.class, () -> yaml("{type: rcan, scale: 4, num_group: 0}"));
        assertTrue(e.getMessage().contains("num_group"), e.getMessage());
    }

    private static void assertMessage(String field, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(field), e.getMessage());
    }

    @Test
    void toBuilderAndWithScaleKeepEveryValue() {
        RcanConfig c = new RcanConfig(4, 32, 3, 5, 8, 0.1, 1);
        assertEquals(c, c.toBuilder().build());
        assertEquals(c.withScale(2), c.toBuilder().setScale(2).build());
        assertEquals(c, c.toBuilder().buildNetwork().config());
    }
}
