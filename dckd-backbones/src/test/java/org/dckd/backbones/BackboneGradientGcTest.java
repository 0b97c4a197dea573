package org.dckd.backbones;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.imdn.ImdnConfig;
import org.dckd.backbones.rcan.RcanConfig;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.backbones.lipt.LiptConfig;
import org.dckd.backbones.span.SpanConfig;
import org.dckd.backbones.swinir.SwinIrConfig;
import org.dckd.backbones.swinir.SwinIrConfig.Upsampler;
import org.dckd.nn.DjlRuntime;
import org.dckd.nn.TorchModule;
import org.dckd.testing.GarbageCollection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The backbones' gradients must not depend on when the garbage collector runs (see {@link org.dckd.nn.OwnedArrays}):
 * every test here forces a collection between the forward and the backward pass.
 */
class BackboneGradientGcTest {

    static {
        DjlRuntime.ensureOffline();
    }

    /** Every backbone's parameter gradients are bit-identical with and without a collection before backward. */
    @ParameterizedTest
    @ValueSource(strings = {"rlfn", "imdn", "swinir", "span", "rcan", "lipt"})
    void backboneGradientsDoNotDependOnGarbageCollection(String type) {
        BackboneConfig config = smallConfig(type);
        Map<String, float[]> quiet = gradients(config, false);
        Map<String, float[]> collected = gradients(config, true);
        assertEquals(quiet.keySet(), collected.keySet());
        quiet.forEach((k, g) -> assertArrayEquals(g, collected.get(k), type + " " + k));
        assertTrue(quiet.values().stream().anyMatch(g -> {
            for (float v : g) {
                if (v != 0) {
                    return true;
                }
            }
            return false;
        }), "no gradient at all");
    }

    /** A small config of each backbone type: rlfn, imdn, swinir, span, rcan, lipt. */
    static BackboneConfig smallConfig(String type) {
        return switch (type) {
            case "rlfn" -> RlfnConfig.builder().setScale(2).optFeatureChannels(8).optBlocks(1).optEsaChannels(4)
                    .build();
            case "imdn" -> ImdnConfig.builder().setScale(2).optFeatures(16).optBlocks(1).optInputRange(255f).build();
            case "span" -> SpanConfig.builder().setScale(2).optFeatureChannels(8).optBlocks(2).build();
            // two blocks (the second shifted), BatchNorms on batch statistics in training mode
            case "lipt" -> LiptConfig.builder().setScale(2).optChannels(8).optMElan(4).build();
            // res_scale != 1 and img_range 255: both scalar products of the forward pass
            case "rcan" -> RcanConfig.builder().setScale(2).optNumFeat(8).optNumGroup(2).optNumBlock(2)
                    .optSqueezeFactor(4).optResScale(0.5).build();
            default -> SwinIrConfig.builder().setScale(2).setEmbedDim(12).setDepths(2).setNumHeads(2).optWindowSize(4)
                    .optImgSize(16).setUpsampler(Upsampler.PIXEL_SHUFFLE).optImgRange(255).optDropPathRate(0.2)
                    .build();
        };
    }

    private static Map<String, float[]> gradients(BackboneConfig config, boolean collect) {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone net = config.build();
            net.initialize(m);
            Engine.getInstance().setRandomSeed(12);
            // SwinIR: 14x14 is reflect-padded to its window multiple; RLFN's ESA needs at least 15x15
            long size = config instanceof SwinIrConfig ? 14 : 16;
            NDArray lr = m.randomUniform(0, 1, new Shape(2, 3, size, size));
            try (NDManager step = m.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = net.forward(new ParameterStore(step, false), new NDList(lr), true).singletonOrThrow();
                NDArray loss = out.square().mean();
                if (collect) {
                    GarbageCollection.collectAndReuse();
                }
                gc.backward(loss);
            }
            Map<String, float[]> out = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : TorchModule.parameters(net).entrySet()) {
                if (!e.getValue().requiresGradient()) {
                    continue;   // fixed tensors: LIPT's mean shifts, Sobel masks and BatchNorm running statistics
                }
                out.put(e.getKey(), e.getValue().getArray().getGradient().toFloatArray());
            }
            return out;
        }
    }
}
