package org.dckd.losses.dckd;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

import org.dckd.nn.MirrorPad;

/**
 * Applies the random degradations of {@link DegradationConfig} to an LR batch, every sample with its own parameters,
 * drawn from a {@link Random} seeded by {@code (seed, sample index)}: the same seed gives the same degraded batch on
 * every run (the loss term passes the step's {@code sampleSeed} mixed with the negative's index, so a resumed run draws
 * the same negatives). The engine's global random state is never used.
 *
 * <p>With the defaults (noise only) the whole batch is degraded with one addition and one clamp; blur and resize, when
 * enabled, are applied sample by sample. Resizing uses DJL's bilinear interpolation, which anti-aliases when shrinking
 * (PyTorch's {@code F.interpolate} does not); the DCKD code also picks area or bicubic at random, which is not
 * reproduced.
 */
public final class NegativeDegradation {

    private static final int BILINEAR = Image.Interpolation.BILINEAR.ordinal();
    private static final Shape ONE = new Shape(1, 1);
    private static final Shape ZERO = new Shape(0, 0);

    private final DegradationConfig config;

    /**
     * Creates the degradation.
     *
     * @param config the probabilities and ranges
     */
    public NegativeDegradation(DegradationConfig config) {
        this.config = config;
    }

    /** The config. */
    public DegradationConfig config() {
        return config;
    }

    /**
     * The parameters drawn for one sample.
     *
     * @param blur whether to blur
     * @param kernelX the blur kernel width (odd)
     * @param kernelY the blur kernel height (odd)
     * @param sigmaX the blur sigma along x
     * @param sigmaY the blur sigma along y
     * @param scale the resize factor (1 = no resize)
     * @param noise whether to add noise
     * @param sigma the noise standard deviation on the [0, 1] scale
     * @param gray whether the noise is one plane shared by the channels
     */
    public record Draw(boolean blur, int kernelX, int kernelY, double sigmaX, double sigmaY, double scale,
            boolean noise, double sigma, boolean gray) {}

    /**
     * Draws one sample's parameters (the first values of {@code random}; the noise values follow).
     *
     * @param random the sample's generator
     * @return the parameters
     */
    public Draw draw(Random random) {
        boolean blur = random.nextDouble() < config.blurProb();
        int kx = 1;
        int ky = 1;
        double sx = 0;
        double sy = 0;
        if (blur) {
            kx = oddKernel(random);
            ky = oddKernel(random);
            sx = uniform(random, config.blurSigma());
            sy = uniform(random, config.blurSigma());
        }
        double scale = 1;
        if (random.nextDouble() < config.resizeProb()) {
            scale = random.nextDouble() < config.resizeUpProb()
                    ? uniform(random, config.resizeUp()) : uniform(random, config.resizeDown());
        }
        boolean noise = random.nextDouble() < config.noiseProb();
        double sigma = 0;
        boolean gray = false;
        if (noise) {
            sigma = uniform(random, config.noiseSigma()) / 255.0;
            gray = random.nextDouble() < config.grayNoiseProb();
        }
        return new Draw(blur, kx, ky, sx, sy, scale, noise, sigma, gray);
    }

    /**
     * Degrades a batch.
     *
     * @param lr {@code (N, C, H, W)} on [0, 1]
     * @param seed the seed of this degraded copy
     * @return the degraded batch, in {@code lr}'s manager
     */
    public NDArray apply(NDArray lr, long seed) {
        Shape shape = lr.getShape();
        int n = (int) shape.get(0);
        List<Random> randoms = new ArrayList<>(n);
        List<Draw> draws = new ArrayList<>(n);
        boolean perSample = false;
        for (int b = 0; b < n; b++) {
            Random r = new Random(mix(seed, b));
            Draw d = draw(r);
            randoms.add(r);
            draws.add(d);
            perSample |= d.blur || d.scale != 1;
        }
        if (!perSample) {
            int c = (int) shape.get(1);
            int hw = (int) (shape.get(2) * shape.get(3));
            float[] noise = new float[n * c * hw];
            boolean any = false;
            for (int b = 0; b < n; b++) {
                any |= fillNoise(noise, b * c * hw, c, hw, draws.get(b), randoms.get(b));
            }
            return any ? finish(lr.add(lr.getManager().create(noise, shape))) : lr.duplicate();
        }
        NDList samples = new NDList(n);
        for (int b = 0; b < n; b++) {
            samples.add(degradeOne(lr.get(b + ":" + (b + 1)), draws.get(b), randoms.get(b)));
        }
        return NDArrays.concat(samples, 0);
    }

    /** One sample {@code (1, C, H, W)}: blur, resize, noise (+ clamp), resize back. */
    private NDArray degradeOne(NDArray x, Draw d, Random random) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray y = x;
        if (d.blur) {
            y = blur(y, d.kernelX, d.sigmaX, 3);
            y = blur(y, d.kernelY, d.sigmaY, 2);
        }
        if (d.scale != 1) {
            long h2 = Math.max(1, (long) (h * d.scale));
            long w2 = Math.max(1, (long) (w * d.scale));
            y = resize(y, h2, w2);
        }
        if (d.noise) {
            int c = (int) y.getShape().get(1);
            int hw = (int) (y.getShape().get(2) * y.getShape().get(3));
            float[] noise = new float[c * hw];
            fillNoise(noise, 0, c, hw, d, random);
            y = finish(y.add(y.getManager().create(noise, y.getShape())));
        }
        if (d.scale != 1) {
            y = resize(y, h, w);
        }
        return y == x ? x.duplicate() : y;
    }

    private NDArray finish(NDArray noisy) {
        return config.clip() ? noisy.clip(0f, 1f) : noisy;
    }

    /** Writes one sample's noise at {@code offset}; returns whether it added any. */
    private static boolean fillNoise(float[] out, int offset, int channels, int hw, Draw d, Random random) {
        if (!d.noise) {
            return false;
        }
        if (d.gray) {
            for (int i = 0; i < hw; i++) {
                float v = (float) (random.nextGaussian() * d.sigma);
                for (int c = 0; c < channels; c++) {
                    out[offset + c * hw + i] = v;
                }
            }
        } else {
            for (int i = 0; i < channels * hw; i++) {
                out[offset + i] = (float) (random.nextGaussian() * d.sigma);
            }
        }
        return true;
    }

    /** Gaussian blur along one axis (3 = width, 2 = height) with reflect padding, per channel. */
    static NDArray blur(NDArray x, int kernel, double sigma, int axis) {
        long length = x.getShape().get(axis);
        int k = (int) Math.min(kernel, 2 * (length - 1) + 1); // reflect padding needs pad < length
        if (k <= 1) {
            return x;
        }
        float[] g = gaussianKernel(k, sigma);
        int channels = (int) x.getShape().get(1);
        float[] weights = new float[channels * k];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(g, 0, weights, c * k, k);
        }
        Shape kernelShape = axis == 3 ? new Shape(channels, 1, 1, k) : new Shape(channels, 1, k, 1);
        NDArray weight = x.getManager().create(weights, kernelShape);
        NDArray padded = MirrorPad.reflect(x, axis, k / 2, k / 2);
        return Conv2d.conv2d(padded, weight, null, ONE, ZERO, ONE, channels).singletonOrThrow();
    }

    /** kornia's normalised 1-D Gaussian: {@code exp(-(i - k/2)^2 / (2 sigma^2))} for i in [0, k), summing to 1. */
    static float[] gaussianKernel(int k, double sigma) {
        double[] v = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            double t = i - k / 2;
            v[i] = Math.exp(-t * t / (2 * sigma * sigma));
            sum += v[i];
        }
        float[] out = new float[k];
        for (int i = 0; i < k; i++) {
            out[i] = (float) (v[i] / sum);
        }
        return out;
    }

    private static NDArray resize(NDArray x, long h, long w) {
        return x.getNDArrayInternal().interpolation(new long[] {h, w}, BILINEAR, false);
    }

    private int oddKernel(Random random) {
        int lo = config.blurKernel().get(0);
        int hi = config.blurKernel().get(1);
        return lo + 2 * random.nextInt((hi - lo) / 2 + 1);
    }

    private static double uniform(Random random, List<Double> range) {
        return range.get(0) + random.nextDouble() * (range.get(1) - range.get(0));
    }

    /**
     * Mixes two values into a seed (SplitMix64's finaliser over a combination), so that nearby seeds and indices give
     * unrelated streams.
     *
     * @param seed the base seed
     * @param index the index to mix in
     * @return the mixed seed
     */
    public static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
