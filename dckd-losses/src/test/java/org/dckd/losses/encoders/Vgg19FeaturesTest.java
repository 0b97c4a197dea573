package org.dckd.losses.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.Tensor;
import org.dckd.losses.testing.DckdGolden;
import org.junit.jupiter.api.Test;

/**
 * The VGG19 encoder: keys and shapes against torchvision's {@code vgg19} state dict (listing made by
 * {@code tools/reference/vgg19_reference.py}), loading a full torchvision-layout file while ignoring the layers after
 * relu5_1 and the classifier, and the five taps against a PyTorch re-implementation with random weights.
 */
class Vgg19FeaturesTest {

    private static Path resource(String name) {
        try {
            return Path.of(Vgg19FeaturesTest.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void keysAndShapesAreTorchvisionFeatures0To28() throws IOException {
        JsonNode listing;
        try (InputStream in = Vgg19FeaturesTest.class.getResourceAsStream("vgg19_torchvision_keys.json")) {
            listing = new ObjectMapper().readTree(in);
        }
        List<String> expected = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (JsonNode e : listing) {
            String key = e.get("key").asText();
            if (Vgg19Features.usedKey(key) != null) {
                expected.add(key + " " + e.get("shape"));
            } else {
                dropped.add(key);
            }
        }
        assertEquals(26, expected.size(), "13 convolutions up to features.28");
        assertTrue(dropped.contains("features.30.weight") && dropped.contains("features.34.bias")
                && dropped.contains("classifier.6.weight"), dropped.toString());
        assertNull(Vgg19Features.usedKey("features.30.weight"));
        try (NDManager m = NDManager.newBaseManager()) {
            Vgg19Features vgg = new Vgg19Features(Vgg19EncoderConfig.architectureOnly());
            vgg.initialize(m);
            List<String> actual = new ArrayList<>();
            for (Map.Entry<String, Parameter> e : vgg.torchParameters().entrySet()) {
                actual.add(e.getKey() + " " + shapeJson(e.getValue().getArray().getShape().getShape()));
            }
            assertEquals(expected, actual);
            assertEquals(List.of(64, 128, 256, 512, 512), vgg.levelChannels());
            assertEquals(512, vgg.encodeChannels());
        }
    }

    private static String shapeJson(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return sb.append(']').toString();
    }

    @Test
    void tapsMatchPyTorchReference() throws IOException {
        Path weights = resource("vgg19_tiny.pth");
        Map<String, Tensor> io = Checkpoints.read(resource("vgg19_tiny_io.npz")).tensors();
        try (NDManager m = NDManager.newBaseManager()) {
            Vgg19EncoderConfig config = new Vgg19EncoderConfig(weights, null, List.of(4, 8, 8, 16, 16));
            FeatureEncoder vgg = config.build(m);
            assertTrue(vgg.isFrozen());
            NDArray x = io.get("x").toNDArray(m);
            List<NDArray> taps = vgg.features(x);
            String[] names = {"relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"};
            for (int i = 0; i < names.length; i++) {
                DckdGolden.assertClose("vgg19 " + names[i], io.get(names[i]).toNDArray(m), taps.get(i));
            }
            DckdGolden.assertClose("vgg19 encode = relu5_1", io.get("relu5_1").toNDArray(m), vgg.encode(x));
        }
    }

    @Test
    void missingCheckpointNamesFileAndWhereItIsPublished() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vgg19EncoderConfig.builder().setCheckpoint(Path.of("/nonexistent/vgg19-dcbb9e9d.pth")).build());
        assertTrue(e.getMessage().contains("/nonexistent/vgg19-dcbb9e9d.pth"), e.getMessage());
        assertTrue(e.getMessage().contains(Vgg19EncoderConfig.PUBLISHED_AT), e.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Vgg19EncoderConfig.builder().build());
        assertTrue(none.getMessage().contains("setCheckpoint is required"), none.getMessage());
    }
}
