package org.dckd.nn.reparam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

import org.dckd.checkpoint.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Every piece of the kernel algebra against the forward pass of the branches it replaces, on random weights and inputs
 * (PyTorch's convolutions through DJL on both sides).
 *
 * <p><b>Tolerance</b> {@value #TOLERANCE} relative to {@code max |y|}: both sides are float32 convolutions summing
 * {@code n <= 9 * 2 * 12 = 216} products per output (plus the inner sums of the branch chain), each rounding with unit
 * roundoff {@code u = 2^-24 = 6e-8}; independent roundings give an expected error of about {@code sqrt(n) u |y|}
 * (1e-6 relative) and a worst case of {@code n u |y|} = 1.3e-5; the merged kernel itself is computed in double and
 * rounded once (5e-8 relative). 1e-5 is ten times the expected error and fails on any algebra mistake (a wrong tap,
 * a missing bias term at the border changes the output by the order of the weights, 1e-1).
 */
class ConvKernelTest {

    private static final double TOLERANCE = 1e-5;

    private static float[] random(Random r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    private static ConvKernel randomKernel(Random r, int out, int in, int k) {
        return ConvKernel.of(out, in, k, k, random(r, out * in * k * k, 1 / Math.sqrt(in * k * k)),
                random(r, out, 0.5));
    }

    /** The convolution of {@code x} with a kernel, with explicit zero padding. */
    private static NDArray conv(NDArray x, ConvKernel k, int padding) {
        NDManager m = x.getManager();
        NDArray w = m.create(k.weightValues(), new Shape(k.weightShape()));
        NDArray b = m.create(k.biasValues());
        return Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(padding, padding)).singletonOrThrow();
    }

    private static NDArray same(NDArray x, ConvKernel k) {
        return conv(x, k, k.kernelHeight() / 2);
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + ": shape");
        double scale = expected.abs().max().getFloat();
        double err = expected.sub(actual).abs().max().getFloat() / scale;
        System.out.printf("%s: max |diff| / max |y| = %.3g%n", what, err);
        assertTrue(scale > 0.1, what + ": degenerate reference");
        assertTrue(err < TOLERANCE, what + ": relative error " + err);
    }

    /**
     * A 1x1 convolution whose output is padded with its response to 0 (pad-first) and then average-pooled 3x3 without
     * padding (DBB's {@code dbb_avg}) is {@code k1.then(averagePool(C, 3))}.
     */
    @Test
    void anAveragePoolAfterAPaddedPointwiseConvolutionIsOneKernel() {
        Random r = new Random(7);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(random(r, 2 * 4 * 8 * 10, 1), new Shape(2, 4, 8, 10));
            ConvKernel k1 = randomKernel(r, 6, 4, 1);
            NDArray branch = ai.djl.nn.pooling.Pool.avgPool2d(conv(x, k1, 1), new Shape(3, 3), new Shape(1, 1),
                    new Shape(0, 0), false, true);
            ConvKernel merged = k1.then(ConvKernel.averagePool(6, 3));
            assertEquals(1f / 9, ConvKernel.averagePool(2, 3).weightValues()[4], 1e-9);
            assertEquals(0f, ConvKernel.averagePool(2, 3).weightValues()[9]);
            assertClose(branch, same(x, merged), "1x1 -> pad -> avgpool 3x3");
        }
    }

    /** A depthwise (grouped) convolution equals its dense diagonal kernel. */
    @Test
    void aDepthwiseKernelEqualsTheGroupedConvolution() {
        Random r = new Random(8);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(random(r, 2 * 5 * 7 * 9, 1), new Shape(2, 5, 7, 9));
            float[] w = random(r, 5 * 9, 0.3);
            float[] b = random(r, 5, 0.5);
            NDArray grouped = Conv2d.conv2d(x, m.create(w, new Shape(5, 1, 3, 3)), m.create(b), new Shape(1, 1),
                    new Shape(1, 1), new Shape(1, 1), 5).singletonOrThrow();
            ConvKernel dense = ConvKernel.depthwise(5, 3, w, b);
            assertEquals(0f, dense.weightValues()[9], "off-diagonal taps are zero");
            assertClose(grouped, same(x, dense), "depthwise 3x3");
            assertThrows(IllegalArgumentException.class, () -> ConvKernel.depthwise(5, 3, new float[44], b));
        }
    }

    @Test
    void aPaddedPointwiseKernelComputesTheSameFunction() {
        Random r = new Random(1);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(random(r, 2 * 5 * 9 * 11, 1), new Shape(2, 5, 9, 11));
            ConvKernel k1 = randomKernel(r, 7, 5, 1);
            ConvKernel k3 = k1.padTo(3);
            assertEquals(3, k3.kernelHeight());
            assertEquals(0f, k3.weightValues()[0]);
            assertClose(conv(x, k1, 0), same(x, k3), "1x1 padded to 3x3");
            assertClose(conv(x, k1, 0), same(x, k1.padTo(5)), "1x1 padded to 5x5");
        }
    }

    @Test
    void theIdentityKernelReturnsItsInput() {
        Random r = new Random(2);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(random(r, 6 * 8 * 8, 1), new Shape(1, 6, 8, 8));
            assertEquals(0f, same(x, ConvKernel.identity(6, 3)).sub(x).abs().max().getFloat());
            assertEquals(0f, same(x, ConvKernel.identity(6, 1)).sub(x).abs().max().getFloat());
        }
    }

    @Test
    void batchNormFoldsIntoThePrecedingConvolution() {
        Random r = new Random(3);
        try (NDManager m = NDManager.newBaseManager()) {
            int c = 8;
            NDArray x = m.create(random(r, 2 * 4 * 10 * 9, 1), new Shape(2, 4, 10, 9));
            ConvKernel k = randomKernel(r, c, 4, 3);
            float[] var = random(r, c, 1);
            for (int i = 0; i < c; i++) {
                var[i] = var[i] * var[i] + 0.1f;
            }
            BatchNormStatistics bn = new BatchNormStatistics(random(r, c, 0.5), var, random(r, c, 1),
                    random(r, c, 0.5), BatchNormStatistics.DEFAULT_EPSILON);
            NDArray branch = BatchNorm.batchNorm(same(x, k), m.create(bn.mean()), m.create(bn.variance()),
                    m.create(bn.weight()), m.create(bn.bias()), 1, 0.1f, (float) bn.epsilon(), false)
                    .singletonOrThrow();
            assertClose(branch, same(x, k.foldBatchNorm(bn)), "conv 3x3 -> BN");
        }
    }

    /** SPAN's Conv3XC chain: zero-pad by 1, then 1x1 (pad 0), 3x3 (pad 0), 1x1 (pad 0); the borders included. */
    @Test
    void aPointwiseKxkPointwiseChainWithPaddingFirstIsOneKernel() {
        Random r = new Random(4);
        try (NDManager m = NDManager.newBaseManager()) {
            int c = 6;
            NDArray x = m.create(random(r, 2 * c * 7 * 12, 1), new Shape(2, c, 7, 12));
            ConvKernel a = randomKernel(r, 2 * c, c, 1);
            ConvKernel b = randomKernel(r, 2 * c, 2 * c, 3);
            ConvKernel d = randomKernel(r, c, 2 * c, 1);
            NDArray branch = conv(conv(conv(x.pad(new Shape(1, 1, 1, 1), 0), a, 0), b, 0), d, 0);
            ConvKernel merged = a.then(b).then(d);
            assertArrayEquals(new long[] {c, c, 3, 3}, merged.weightShape());
            assertClose(branch, same(x, merged), "pad -> 1x1 -> 3x3 -> 1x1");
            // associativity: the same kernel whichever pair is composed first
            assertTrue(merged.maxAbsDifference(a.then(b.then(d))) < 1e-12);
        }
    }

    @Test
    void aKxkThenPointwiseChainIsOneKernel() {
        Random r = new Random(5);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(random(r, 5 * 9 * 9, 1), new Shape(1, 5, 9, 9));
            ConvKernel b = randomKernel(r, 10, 5, 3);
            ConvKernel d = randomKernel(r, 4, 10, 1);
            assertClose(conv(same(x, b), d, 0), same(x, b.then(d)), "3x3 -> 1x1");
        }
    }

    /** A RepVGG/DBB-style sum: 3x3+BN, 1x1+BN, identity, and the pad-first 1x1 -> 3x3 chain, on the same input. */
    @Test
    void parallelBranchesSumIntoOneKernel() {
        Random r = new Random(6);
        try (NDManager m = NDManager.newBaseManager()) {
            int c = 5;
            NDArray x = m.create(random(r, 2 * c * 8 * 9, 1), new Shape(2, c, 8, 9));
            ConvKernel k3 = randomKernel(r, c, c, 3);
            ConvKernel k1 = randomKernel(r, c, c, 1);
            ConvKernel a = randomKernel(r, 2 * c, c, 1);
            ConvKernel b = randomKernel(r, c, 2 * c, 3);
            float[] ones = new float[c];
            java.util.Arrays.fill(ones, 1f);
            BatchNormStatistics bn = new BatchNormStatistics(random(r, c, 0.3), ones, random(r, c, 1),
                    random(r, c, 0.3), 1e-3);
            NDArray branches = same(x, k3.foldBatchNorm(bn)).add(conv(x, k1, 0)).add(x)
                    .add(conv(conv(x.pad(new Shape(1, 1, 1, 1), 0), a, 0), b, 0));
            ConvKernel merged = ConvKernel.sum(List.of(k3.foldBatchNorm(bn), k1, ConvKernel.identity(c, 1),
                    a.then(b)));
            assertEquals(3, merged.kernelHeight());
            assertClose(branches, same(x, merged), "sum of four branches");
        }
    }

    @Test
    void tensorsRoundTrip() {
        Random r = new Random(7);
        ConvKernel k = randomKernel(r, 3, 2, 3);
        ConvKernel back = ConvKernel.of(k.weightTensor(), k.biasTensor());
        assertEquals(0.0, k.maxAbsDifference(back), 1e-7 * k.maxAbs());
        Tensor w = k.weightTensor();
        assertArrayEquals(new long[] {3, 2, 3, 3}, w.shape());
        assertArrayEquals(new float[3], ConvKernel.of(w, null).biasValues());
    }

    @Test
    void misuseIsRefusedWithTheSizes() {
        Random r = new Random(8);
        ConvKernel k3 = randomKernel(r, 4, 4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k3.then(k3));
        assertTrue(e.getMessage().contains("3x3 then 3x3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k3.then(randomKernel(r, 4, 5, 1)));
        assertTrue(e.getMessage().contains("4 outputs") && e.getMessage().contains("5 inputs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k3.padTo(1));
        assertTrue(e.getMessage().contains("3x3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k3.plus(randomKernel(r, 4, 3, 3)));
        assertTrue(e.getMessage().contains("same channels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConvKernel.of(2, 2, 2, 2, new float[16], null));
        assertTrue(e.getMessage().contains("odd"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k3.foldBatchNorm(new BatchNormStatistics(
                new float[3], new float[3], new float[3], new float[3], 1e-5)));
        assertTrue(e.getMessage().contains("3 channels"), e.getMessage());
    }
}
