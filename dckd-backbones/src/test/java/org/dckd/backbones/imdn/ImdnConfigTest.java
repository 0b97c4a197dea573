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
}
