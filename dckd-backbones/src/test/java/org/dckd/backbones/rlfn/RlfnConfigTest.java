package org.dckd.backbones.rlfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.catalog.Backbones;
import org.junit.jupiter.api.Test;

class RlfnConfigTest {

    private static ObjectMapper mapper() {
        return Backbones.registerWith(new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    }

    @Test
    void presetsMatchTheOfficialConstructors() {
        assertEquals(new RlfnConfig(4, 52, 52, 6, 16, 255f), RlfnConfig.rlfn(4));
        assertEquals(new RlfnConfig(2, 48, 48, 6, 16, 255f), RlfnConfig.rlfnS(2));
        assertEquals(new RlfnConfig(4, 46, 48, 4, 16, 255f), RlfnConfig.rlfnNtire(4));
        assertEquals(RlfnConfig.rlfnS(3), Backbones.preset("rlfn_s", 3));
        assertEquals(RlfnConfig.rlfnNtire(4), Backbones.preset("rlfn_ntire", 4));
    }

    @Test
    void missingFieldsGetTheDocumentedDefaults() throws Exception {
        BackboneConfig c = mapper().readValue("{\"type\":\"rlfn\",\"scale\":4,\"feature_channels\":48}",
                BackboneConfig.class);
        RlfnConfig r = assertInstanceOf(RlfnConfig.class, c);
        assertEquals(new RlfnConfig(4, 48, 48, 6, 16, 255f), r);

        RlfnConfig minimal = (RlfnConfig) mapper().readValue("{\"type\":\"rlfn\",\"scale\":2}", BackboneConfig.class);
        assertEquals(RlfnConfig.rlfn(2), minimal);

        RlfnConfig full = (RlfnConfig) mapper().readValue("{\"type\":\"rlfn\",\"scale\":3,\"feature_channels\":46,"
                + "\"mid_channels\":48,\"blocks\":4,\"esa_channels\":8,\"input_range\":1}", BackboneConfig.class);
        assertEquals(new RlfnConfig(3, 46, 48, 4, 8, 1f), full);
    }

    @Test
    void unknownKeysAndMissingScaleFail() {
        ObjectMapper m = mapper();
        assertThrows(UnrecognizedPropertyException.class,
                () -> m.readValue("{\"type\":\"rlfn\",\"scale\":4,\"feature_chanels\":48}", BackboneConfig.class));
        Exception e = assertThrows(Exception.class,
                () -> m.readValue("{\"type\":\"rlfn\",\"feature_channels\":48}", BackboneConfig.class));
        assertTrue(e.getMessage().contains("scale"), e.getMessage());
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        ObjectMapper m = mapper();
        RlfnConfig c = RlfnConfig.rlfnNtire(4);
        String json = m.writeValueAsString(c);
        assertTrue(json.contains("\"type\":\"rlfn\""), json);
        assertTrue(json.contains("\"mid_channels\":48"), json);
        assertEquals(c, m.readValue(json, BackboneConfig.class));
        // also without the snake_case strategy: the names are explicit
        ObjectMapper plain = Backbones.registerWith(new ObjectMapper());
        assertEquals(c, plain.readValue(plain.writeValueAsString(c), BackboneConfig.class));
    }

    @Test
    void invalidFieldsAreNamed() {
        assertMessage("scale", () -> RlfnConfig.rlfn(0));
        assertMessage("feature_channels", () -> new RlfnConfig(4, 0, 52, 6, 16, 255f));
        assertMessage("mid_channels", () -> new RlfnConfig(4, 52, -1, 6, 16, 255f));
        assertMessage("blocks", () -> new RlfnConfig(4, 52, 52, 0, 16, 255f));
        assertMessage("blocks", () -> new RlfnConfig(4, 52, 52, 65, 16, 255f));
        assertMessage("esa_channels", () -> new RlfnConfig(4, 52, 52, 6, 0, 255f));
        assertMessage("input_range", () -> new RlfnConfig(4, 52, 52, 6, 16, 0f));
        assertMessage("input_range", () -> new RlfnConfig(4, 52, 52, 6, 16, Float.NaN));
        Exception e = assertThrows(Exception.class,
                () -> mapper().readValue("{\"type\":\"rlfn\",\"scale\":4,\"blocks\":0}", BackboneConfig.class));
        assertTrue(e.getMessage().contains("blocks"), e.getMessage());
    }

    private static void assertMessage(String field, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(field), e.getMessage());
    }

    @Test
    void theBuilderHasTheYamlDefaults() throws Exception {
        ObjectMapper m = mapper();
        assertEquals(m.readValue("{\"type\":\"rlfn\",\"scale\":3}", BackboneConfig.class),
                RlfnConfig.builder().setScale(3).build());
        assertEquals(new RlfnConfig(3, 52, 52, 6, 16, 255f), RlfnConfig.builder().setScale(3).build());
        // mid_channels follows feature_channels unless set, in both
        assertEquals(m.readValue("{\"type\":\"rlfn\",\"scale\":2,\"feature_channels\":24}", BackboneConfig.class),
                RlfnConfig.builder().setScale(2).optFeatureChannels(24).build());
        assertEquals(24, RlfnConfig.builder().setScale(2).optFeatureChannels(24).build().midChannels());
        assertEquals(new RlfnConfig(3, 46, 48, 4, 8, 1f), RlfnConfig.builder().setScale(3).optFeatureChannels(46)
                .optMidChannels(48).optBlocks(4).optEsaChannels(8).optInputRange(1).build());
    }

    @Test
    void presetsAreTheBuilderWithTheDocumentedValues() {
        for (int scale : new int[] {2, 3, 4}) {
            assertEquals(RlfnConfig.builder().setScale(scale).optFeatureChannels(52).optMidChannels(52).optBlocks(6)
                    .optEsaChannels(16).optInputRange(255).build(), RlfnConfig.rlfn(scale));
            assertEquals(RlfnConfig.builder().setScale(scale).optFeatureChannels(48).optMidChannels(48).optBlocks(6)
                    .optEsaChannels(16).optInputRange(255).build(), RlfnConfig.rlfnS(scale));
            assertEquals(RlfnConfig.builder().setScale(scale).optFeatureChannels(46).optMidChannels(48).optBlocks(4)
                    .optEsaChannels(16).optInputRange(255).build(), RlfnConfig.rlfnNtire(scale));
        }
    }

    @Test
    void toBuilderKeepsEveryValue() {
        RlfnConfig c = RlfnConfig.rlfnNtire(4);
        assertEquals(c, c.toBuilder().build());
        assertEquals(c.withScale(2), c.toBuilder().setScale(2).build());
    }

    @Test
    void theBuilderNamesTheMissingSetterAndTheInvalidField() {
        assertMessage("setScale", () -> RlfnConfig.builder().optFeatureChannels(24).build());
        assertMessage("setScale", () -> RlfnConfig.builder().buildNetwork());
        assertMessage("scale", () -> RlfnConfig.builder().setScale(0).build());
        assertMessage("feature_channels", () -> RlfnConfig.builder().setScale(4).optFeatureChannels(0).build());
        assertMessage("mid_channels", () -> RlfnConfig.builder().setScale(4).optMidChannels(0).build());
        assertMessage("blocks", () -> RlfnConfig.builder().setScale(4).optBlocks(65).build());
        assertMessage("esa_channels", () -> RlfnConfig.builder().setScale(4).optEsaChannels(0).build());
        assertMessage("input_range", () -> RlfnConfig.builder().setScale(4).optInputRange(Float.NaN).build());
    }

    @Test
    void buildNetworkBuildsTheConfiguredNetwork() {
        Rlfn net = RlfnConfig.builder().setScale(2).optFeatureChannels(8).optBlocks(1).buildNetwork();
        assertEquals(RlfnConfig.builder().setScale(2).optFeatureChannels(8).optBlocks(1).build(), net.config());
    }
}
