package org.dckd.losses.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;

/** The seeded random encoder: exact reproducibility from the seed, shapes, frozen parameters, gradient to the input. */
class RandomConvEncoderTest {

    private static float[] allWeights(FeatureEncoder e) {
        return e.torchParameters().values().stream().map(p -> p.getArray().toFloatArray())
                .reduce(new float[0], (a, b) -> {
                    float[] c = Arrays.copyOf(a, a.length + b.length);
                    System.arraycopy(b, 0, c, a.length, b.length);
                    return c;
                });
    }

    @Test
    void weightsAreAFunctionOfTheSeedOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] a = allWeights(RandomEncoderConfig.defaults().build(m));
            float[] b = allWeights(RandomEncoderConfig.defaults().build(m));
            float[] c = allWeights(RandomEncoderConfig.builder().optSeed(1L).build().build(m));
            assertArrayEquals(a, b);
            assertFalse(Arrays.equals(a, c));
            // java.util.Random is specified by the platform: these values are the same on every machine
            double std = Math.sqrt(2.0 / 27);
            java.util.Random r = new java.util.Random(0);
            for (int i = 0; i < 4; i++) {
                assertEquals((float) (r.nextGaussian() * std), a[i], 0f);
            }
            assertEquals(0.21842183f, a[0], 0f); // pinned: changes only if the weight generation changes
        }
    }

    @Test
    void levelShapesAndEncodePath() {
        try (NDManager m = NDManager.newBaseManager()) {
            FeatureEncoder e = RandomEncoderConfig.defaults().build(m);
            assertTrue(e.isFrozen());
            assertEquals(List.of(16, 32, 64, 128, 256), e.levelChannels());
            List<NDArray> f = e.features(m.randomUniform(0, 1, new Shape(2, 3, 48, 40)));
            assertEquals(new Shape(2, 16, 48, 40), f.get(0).getShape());
            assertEquals(new Shape(2, 32, 24, 20), f.get(1).getShape());
            assertEquals(new Shape(2, 256, 3, 3), f.get(4).getShape());
            NDArray z = e.encode(m.randomUniform(0, 1, new Shape(1, 3, 64, 64)));
            assertEquals(new Shape(1, 256, 4, 4), z.getShape());
            assertEquals(256, e.encodeChannels());
            assertEquals(z.toFloatArray().length, e.pass(z.getManager().randomUniform(0, 1, new Shape(1, 3, 64, 64)), 0, 1)
                    .encoding().toFloatArray().length);
            assertTrue(e.codebook().isEmpty());
        }
    }

    @Test
    void gradientsFlowThroughToTheInputButNotIntoTheWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            FeatureEncoder e = RandomEncoderConfig.builder().optChannels(List.of(8, 8, 16)).optSeed(3L).build().build(m);
            float[] before = allWeights(e);
            NDArray x = m.randomUniform(0, 1, new Shape(1, 3, 16, 16));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                List<NDArray> f = e.features(x);
                gc.backward(f.get(2).sum().add(f.get(0).mean()));
            }
            assertTrue(x.getGradient().abs().sum().getFloat() > 0);
            for (Parameter p : e.torchParameters().values()) {
                assertFalse(p.getArray().hasGradient(), p.getName());
            }
            assertArrayEquals(before, allWeights(e));
        }
    }

    @Test
    void invalidConfigNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RandomEncoderConfig.builder().optChannels(List.of(8, 0)).build());
        assertTrue(e.getMessage().contains("channels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RandomEncoderConfig.builder().optConvsPerLevel(0).build());
        assertTrue(e.getMessage().contains("convs_per_level"), e.getMessage());
    }
}
