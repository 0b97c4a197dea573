package org.dckd.losses.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.dckd.testing.GarbageCollection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gradient that flows through a frozen encoder to the student output must not depend on a garbage collection
 * between the forward and the backward pass (see {@code org.dckd.nn.OwnedArrays}): every feature level and the encode
 * path of the random, VGG19 and VQGAN encoders (random weights; no checkpoint needed).
 */
class EncoderGradientGcTest {

    @ParameterizedTest
    @ValueSource(strings = {"random", "vgg19", "vqgan"})
    void inputGradientDoesNotDependOnGarbageCollection(String type) {
        Engine.getInstance().setRandomSeed(21);
        try (NDManager m = NDManager.newBaseManager()) {
            FeatureEncoder encoder = switch (type) {
                case "random" -> RandomEncoderConfig.defaults().build(m);
                case "vgg19" -> {
                    Vgg19Features vgg = new Vgg19Features(Vgg19EncoderConfig.architectureOnly());
                    vgg.initialize(m);
                    yield vgg.freeze();
                }
                default -> {
                    Vqgan vqgan = new Vqgan(VqganEncoderConfig.architectureOnly().withCh(32));
                    vqgan.initialize(m);
                    yield vqgan.freeze();
                }
            };
            float[] image = m.randomUniform(0, 1, new Shape(2, 3, 32, 32)).toFloatArray();
            float[] quiet = inputGradient(encoder, image, m, false);
            float[] collected = inputGradient(encoder, image, m, true);
            assertArrayEquals(quiet, collected, type);
            double sum = 0;
            for (float g : quiet) {
                sum += Math.abs(g);
            }
            assertTrue(sum > 0 && Double.isFinite(sum), type + ": gradient abs-sum " + sum);
        }
    }

    private static float[] inputGradient(FeatureEncoder encoder, float[] image, NDManager parent, boolean collect) {
        try (NDManager m = parent.newSubManager()) {
            NDArray x = m.create(image, new Shape(2, 3, 32, 32)).duplicate();
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = encoder.encode(x).square().mean();
                for (NDArray f : encoder.features(x)) {
                    loss = loss.add(f.abs().mean());
                }
                if (collect) {
                    GarbageCollection.collectAndReuse();
                }
                gc.backward(loss);
            }
            return x.getGradient().toFloatArray();
        }
    }
}
