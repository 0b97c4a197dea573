package org.dckd.backbones.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.imdn.ImdnConfig;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.backbones.swinir.SwinIrConfig;
import org.dckd.config.ConfigReader;
import org.dckd.nn.TappedOutput;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The registry's presets, and the contract every backbone shares. */
class BackbonesTest {

    static List<String> presets() {
        return Backbones.presets();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void everyPresetUpscalesAndDeclaresItsFeatureTaps(String preset) {
        int scale = 2;
        SrBackbone net = Backbones.preset(preset, scale).build();
        assertEquals(scale, net.scale());
        assertEquals(scale, net.config().scale());
        try (NDManager m = NDManager.newBaseManager()) {
            net.initialize(m);
            NDArray x = m.randomUniform(0, net.inputRange(), new Shape(1, 3, 20, 17));
            TappedOutput t = net.forwardWithFeatures(new ParameterStore(m, false), x, false);
            assertArrayEquals(new long[] {1, 3, 40, 34}, t.output().getShape().getShape());
            assertEquals(net.tapNames(), List.copyOf(t.features().keySet()), "declared vs produced taps");
            assertTrue(net.tapNames().size() >= 3);
        }
    }

    @Test
    void anUnknownPresetNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backbones.preset("edsr", 4));
        assertTrue(e.getMessage().contains("edsr") && e.getMessage().contains("swinir_lightweight"), e.getMessage());
    }

    @Test
    void aTypeNameRegisteredTwiceIsRefusedNamingBothRegistrations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backbones.register("rlfn", ImdnConfig.class));
        String m = e.getMessage();
        assertTrue(m.contains("backbone type 'rlfn' is already registered"), m);
        assertTrue(m.contains(RlfnConfig.class.getName()) && m.contains(ImdnConfig.class.getName()), m);
        assertTrue(m.contains(Backbones.class.getName() + ".<clinit>") && m.contains("BackbonesTest."), m);
        assertEquals(RlfnConfig.rlfn(4), Backbones.preset("rlfn", 4), "the built-in registration stays");
    }

    @Test
    void aPresetNameRegisteredTwiceIsRefusedNamingBothRegistrations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backbones.registerPreset("swinir_lightweight", ImdnConfig::official));
        String m = e.getMessage();
        assertTrue(m.contains("backbone preset 'swinir_lightweight' is already registered"), m);
        assertTrue(m.contains(Backbones.class.getName() + ".<clinit>") && m.contains("BackbonesTest."), m);
        assertEquals(SwinIrConfig.lightweight(4), Backbones.preset("swinir_lightweight", 4));
    }

    @Test
    void theConfigReaderKnowsTheRegisteredTypesThroughTheServiceLoader() throws Exception {
        ObjectMapper mapper = ConfigReader.jsonMapper();
        BackboneConfig config = ConfigReader.convert(mapper, mapper.readTree("{\"type\": \"imdn\", \"scale\": 3}"),
                BackboneConfig.class, "test");
        assertInstanceOf(ImdnConfig.class, config);
        assertEquals(3, config.scale());
    }
}
