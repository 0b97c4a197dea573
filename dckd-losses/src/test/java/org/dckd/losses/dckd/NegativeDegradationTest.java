package org.dckd.losses.dckd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

/** The negatives' degradations: reproducible from the seed, per-sample parameters in range, gray noise, clipping. */
class NegativeDegradationTest {

    private static final DegradationConfig NOISE_ONLY = DegradationConfig.defaults();

    @Test
    void sameSeedSameNegativesOtherSeedOthers() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray lr = m.randomUniform(0, 1, new Shape(4, 3, 12, 10));
            NegativeDegradation d = new NegativeDegradation(NOISE_ONLY);
            float[] a = d.apply(lr, 42).toFloatArray();
            float[] b = d.apply(lr, 42).toFloatArray();
            float[] c = d.apply(lr, 43).toFloatArray();
            assertArrayEquals(a, b);
            assertFalse(Arrays.equals(a, c));
            assertFalse(Arrays.equals(a, lr.toFloatArray()));
            // the same with blur and resize on (per-sample path)
            NegativeDegradation all = new NegativeDegradation(DegradationConfig.builder().optBlurProb(1.0)
                    .optResizeProb(1.0).build());
            assertArrayEquals(all.apply(lr, 5).toFloatArray(), all.apply(lr, 5).toFloatArray());
            assertEquals(lr.getShape(), all.apply(lr, 5).getShape());
        }
    }

    @Test
    void everySampleDrawsItsOwnNoiseWithinTheSigmaRange() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 64;
            NDArray lr = m.full(new Shape(n, 3, 32, 32), 0.5f);
            NDArray noisy = new NegativeDegradation(NOISE_ONLY).apply(lr, 9);
            NDArray noise = noisy.sub(lr);
            int gray = 0;
            double minStd = 1;
            double maxStd = 0;
            for (int b = 0; b < n; b++) {
                NDArray s = noise.get(b);
                double std = Math.sqrt(s.square().mean().getFloat());
                minStd = Math.min(minStd, std);
                maxStd = Math.max(maxStd, std);
                boolean same = s.get(0).sub(s.get(1)).abs().max().getFloat() == 0f
                        && s.get(0).sub(s.get(2)).abs().max().getFloat() == 0f;
                gray += same ? 1 : 0;
            }
            assertTrue(minStd > 0.8 / 255 && maxStd < 31.0 / 255, minStd * 255 + " .. " + maxStd * 255);
            assertTrue(maxStd - minStd > 10.0 / 255, "sigma varies per sample");
            assertTrue(gray > 16 && gray < 48, "about half the samples get gray noise: " + gray);
            NDArray edge = new NegativeDegradation(NOISE_ONLY).apply(m.ones(new Shape(2, 3, 8, 8)), 1);
            assertTrue(edge.max().getFloat() <= 1f, "clipped to [0, 1]");
        }
    }

    @Test
    void drawIsAFunctionOfTheRandomStream() {
        NegativeDegradation d = new NegativeDegradation(NOISE_ONLY);
        NegativeDegradation.Draw a = d.draw(new Random(3));
        assertEquals(a, d.draw(new Random(3)));
        assertTrue(a.noise() && !a.blur() && a.scale() == 1);
        assertTrue(a.sigma() >= 1 / 255.0 && a.sigma() <= 30 / 255.0);
        assertTrue(NegativeDegradation.mix(1, 2) != NegativeDegradation.mix(2, 1));
    }

    @Test
    void blurKernelIsNormalisedAndKeepsConstantImages() {
        float[] k = NegativeDegradation.gaussianKernel(7, 1.3);
        double sum = 0;
        for (int i = 0; i < k.length; i++) {
            sum += k[i];
            assertEquals(k[i], k[k.length - 1 - i], 0f);
        }
        assertEquals(1.0, sum, 1e-6);
        assertTrue(k[3] > k[2] && k[2] > k[1]);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray flat = m.full(new Shape(1, 3, 9, 9), 0.25f);
            NDArray blurred = NegativeDegradation.blur(NegativeDegradation.blur(flat, 11, 2.0, 3), 5, 0.7, 2);
            assertEquals(flat.getShape(), blurred.getShape());
            assertEquals(0f, blurred.sub(0.25f).abs().max().getFloat(), 1e-6f);
            NDArray impulse = m.zeros(new Shape(1, 3, 9, 9));
            impulse.set(new ai.djl.ndarray.index.NDIndex(0, 0, 4, 4), 1f);
            NDArray spread = NegativeDegradation.blur(impulse, 3, 1.0, 3);
            assertEquals(k3(1.0)[0], spread.getFloat(0, 0, 4, 3), 1e-6f);
        }
    }

    private static float[] k3(double sigma) {
        return NegativeDegradation.gaussianKernel(3, sigma);
    }

    @Test
    void invalidConfigNamesTheKey() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DegradationConfig.builder().optNoiseProb(1.5)
                .build()).getMessage().contains("noise_prob"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DegradationConfig.builder()
                .optNoiseSigma(List.of(30.0, 1.0)).build()).getMessage().contains("noise_sigma"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DegradationConfig.builder()
                .optBlurKernel(List.of(4, 11)).build()).getMessage().contains("blur_kernel"));
    }
}
