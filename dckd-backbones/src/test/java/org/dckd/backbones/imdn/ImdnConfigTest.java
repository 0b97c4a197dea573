package org.dckd.backbones.imdn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.catalog.Backbones;
import org.junit.jupiter.api.Test;

class ImdnConfigTest {

    private static ObjectMapper mapper() {
        return Backbones.registerWith(new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    }

    @Test
    void presetsMatchTheOfficialConstructors() {
        assertEquals(new ImdnConfig(4, 64, 6, 16, 1f), ImdnConfig.official(4));
        assertEquals(new ImdnBaselineConfig(4, 64, 8, 16, 1f), ImdnBaselineConfig.ntire2022(4));
        assertEquals(ImdnConfig.official(3), Backbones.preset("imdn", 3));
        assertEquals(ImdnBaselineConfig.ntire2022(2), Backbones.preset("imdn_baseline", 2));
    }

    @Test
    void missingFieldsGetTheDocumentedDefaults() throws Exception {
        ObjectMapper m = mapper();
        assertEquals(ImdnConfig.official(4), m.readValue("{\"type\":\"imdn\",\"scale\":4}", BackboneConfig.class));
        assertEquals(new ImdnConfig(2, 32, 6, 8, 1f),
                m.readValue("{\"type\":\"imdn\",\"scale\":2,\"features\":32}", BackboneConfig.class));
        assertEquals(new ImdnConfig(3, 48, 4, 8, 255f), m.readValue(
                "{\"type\":\"imdn\",\"scale\":3,\"features\":48,\"blocks\":4,\"distilled\":8,\"input_range\":255}",
                BackboneConfig.class));
        assertEquals(ImdnBaselineConfig.ntire2022(4),
                m.readValue("{\"type\":\"imdn_baseline\",\"scale\":4}", BackboneConfig.class));
        assertEquals(new ImdnBaselineConfig(4, 40, 8, 10, 1f),
                m.readValue("{\"type\":\"imdn_baseline\",\"scale\":4,\"features\":40}", BackboneConfig.class));
    }

    @Test
    void unknownKeysAndMissingScaleFail() {
        ObjectMapper m = mapper();
        assertThrows(UnrecognizedPropertyException.class,
                () -> m.readValue("{\"type\":\"imdn\",\"scale\":4,\"nf\":64}", BackboneConfig.class));
        assertThrows(UnrecognizedPropertyException.class,
                () -> m.readValue("{\"type\":\"imdn_baseline\",\"scale\":4,\"cca\":true}", BackboneConfig.class));
        Exception e = assertThrows(Exception.class, () -> m.readValue("{\"type\":\"imdn\"}", BackboneConfig.class));
        assertTrue(e.getMessage().contains("scale"), e.getMessage());
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        ObjectMapper m = mapper();
        for (BackboneConfig c : new BackboneConfig[] {ImdnConfig.official(3), ImdnBaselineConfig.ntire2022(4)}) {
            String json = m.writeValueAsString(c);
            assertTrue(json.contains("\"input_range\""), json);
            assertEquals(c, m.readValue(json, BackboneConfig.class), json);
        }
        assertTrue(m.writeValueAsString(ImdnBaselineConfig.ntire2022(4)).contains("\"type\":\"imdn_baseline\""));
    }

    @Test
    void invalidFieldsAreNamed() {
        assertMessage("scale", () -> ImdnConfig.official(0));
        assertMessage("features", () -> new ImdnConfig(4, 1, 6, 16, 1f));
        assertMessage("blocks", () -> new ImdnConfig(4, 64, 0, 16, 1f));
        assertMessage("distilled", () -> new ImdnConfig(4, 64, 6, 64, 1f));
        assertMessage("distilled", () -> new ImdnConfig(4, 64, 6, 3, 1f)); // CCA would have 0 hidden channels
        assertMessage("input_range", () -> new ImdnConfig(4, 64, 6, 16, -1f));
        assertMessage("scale", () -> ImdnBaselineConfig.ntire2022(-2));
        assertMessage("distilled", () -> new ImdnBaselineConfig(4, 64, 8, 0, 1f));
        assertMessage("blocks", () -> new ImdnBaselineConfig(4, 64, 100, 16, 1f));
        // the baseline has no channel attention, so few distilled channels are fine
        assertEquals(3, new ImdnBaselineConfig(4, 64, 8, 3, 1f).distilled());
    }

    private static void assertMessage(String field, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(field), e.getMessage());
    }

    @Test
    void theBuildersHaveTheYamlDefaults() throws Exception {
        ObjectMapper m = mapper();
        assertEquals(m.readValue("{\"type\":\"imdn\",\"scale\":3}", BackboneConfig.class),
                ImdnConfig.builder().setScale(3).build());
        assertEquals(m.readValue("{\"type\":\"imdn\",\"scale\":2,\"features\":32}", BackboneConfig.class),
                ImdnConfig.builder().setScale(2).optFeatures(32).build());
        assertEquals(new ImdnConfig(2, 32, 6, 8, 1f), ImdnConfig.builder().setScale(2).optFeatures(32).build());
        assertEquals(m.readValue("{\"type\":\"imdn_baseline\",\"scale\":3}", BackboneConfig.class),
                ImdnBaselineConfig.builder().setScale(3).build());
        assertEquals(m.readValue("{\"type\":\"imdn_baseline\",\"scale\":4,\"features\":40}",
                BackboneConfig.class), ImdnBaselineConfig.builder().setScale(4).optFeatures(40).build());
        assertEquals(new ImdnConfig(3, 48, 4, 8, 255f), ImdnConfig.builder().setScale(3).optFeatures(48).optBlocks(4)
                .optDistilled(8).optInputRange(255).build());
    }

    @Test
    void presetsAreTheBuildersWithTheDocumentedValues() {
        for (int scale : new int[] {2, 3, 4}) {
            assertEquals(ImdnConfig.builder().setScale(scale).optFeatures(64).optBlocks(6).optDistilled(16)
                    .optInputRange(1).build(), ImdnConfig.official(scale));
            assertEquals(new ImdnConfig(scale, 64, 6, 16, 1f), ImdnConfig.official(scale));
            assertEquals(ImdnBaselineConfig.builder().setScale(scale).optFeatures(64).optBlocks(8).optDistilled(16)
                    .optInputRange(1).build(), ImdnBaselineConfig.ntire2022(scale));
            assertEquals(new ImdnBaselineConfig(scale, 64, 8, 16, 1f), ImdnBaselineConfig.ntire2022(scale));
        }
    }

    @Test
    void toBuilderKeepsEveryValue() {
        ImdnConfig c = new ImdnConfig(3, 48, 4, 8, 255f);
        assertEquals(c, c.toBuilder().build());
        assertEquals(c.withScale(2), c.toBuilder().setScale(2).build());
        ImdnBaselineConfig b = new ImdnBaselineConfig(4, 40, 2, 12, 1f);
        assertEquals(b, b.toBuilder().build());
    }

    @Test
    void theBuildersNameTheMissingSetterAndTheInvalidField() {
        assertMessage("imdn config: setScale", () -> ImdnConfig.builder().optFeatures(32).build());
        assertMessage("imdn_baseline config: setScale", () -> ImdnBaselineConfig.builder().buildNetwork());
        assertMessage("features", () -> ImdnConfig.builder().setScale(4).optFeatures(1).build());
        assertMessage("blocks", () -> ImdnConfig.builder().setScale(4).optBlocks(0).build());
        assertMessage("distilled", () -> ImdnConfig.builder().setScale(4).optDistilled(3).build());
        assertMessage("input_range", () -> ImdnConfig.builder().setScale(4).optInputRange(-1).build());
        assertMessage("distilled", () -> ImdnBaselineConfig.builder().setScale(4).optDistilled(64).build());
        assertMessage("blocks", () -> ImdnBaselineConfig.builder().setScale(4).optBlocks(100).build());
    }

    @Test
    void buildNetworkBuildsTheConfiguredNetwork() {
        Imdn imdn = ImdnConfig.builder().setScale(2).optFeatures(16).optBlocks(2).buildNetwork();
        assertEquals(new ImdnConfig(2, 16, 2, 4, 1f), imdn.config());
        ImdnBaseline baseline = ImdnBaselineConfig.builder().setScale(3).optFeatures(16).optBlocks(2).buildNetwork();
        assertEquals(new ImdnBaselineConfig(3, 16, 2, 4, 1f), baseline.config());
    }
}
