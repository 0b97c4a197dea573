package org.dckd.nn.reparam;

import java.util.Objects;

/**
 * The inference-time constants of a {@code BatchNorm2d} over C channels: running mean and variance, affine weight
 * ({@code gamma}) and bias ({@code beta}), and epsilon. In evaluation the normalisation is the per-channel affine map
 * {@code y = gamma (x - mean) / sqrt(var + eps) + beta}, which {@link ConvKernel#foldBatchNorm} folds into the
 * preceding convolution.
 *
 * @param mean the running mean, one value per channel
 * @param variance the running variance (PyTorch's {@code running_var}), one value per channel, not negative
 * @param weight the affine weight {@code gamma} (all ones for a non-affine BatchNorm)
 * @param bias the affine bias {@code beta} (all zeros for a non-affine BatchNorm)
 * @param epsilon the epsilon added to the variance (PyTorch's default 1e-5), positive
 */
public record BatchNormStatistics(float[] mean, float[] variance, float[] weight, float[] bias, double epsilon) {

    /** PyTorch's default epsilon of {@code BatchNorm2d}. */
    public static final double DEFAULT_EPSILON = 1e-5;

    /**
     * Validates and copies the arrays.
     *
     * @throws IllegalArgumentException if the lengths differ, a variance is negative or epsilon is not positive
     */
    public BatchNormStatistics {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(variance, "variance");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(bias, "bias");
        int c = mean.length;
        if (variance.length != c || weight.length != c || bias.length != c) {
            throw new IllegalArgumentException("batch-norm statistics need one value per channel: mean " + c
                    + ", variance " + variance.length + ", weight " + weight.length + ", bias " + bias.length);
        }
        for (int i = 0; i < c; i++) {
            if (!(variance[i] >= 0)) {
                throw new IllegalArgumentException("batch-norm variance of channel " + i + " is " + variance[i]
                        + "; it must be a non-negative number");
            }
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("batch-norm epsilon must be positive, got " + epsilon);
        }
        mean = mean.clone();
        variance = variance.clone();
        weight = weight.clone();
        bias = bias.clone();
    }

    /** The number of channels. */
    public int channels() {
        return mean.length;
    }

    /** The mean (a copy). */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** The variance (a copy). */
    @Override
    public float[] variance() {
        return variance.clone();
    }

    /** The affine weight (a copy). */
    @Override
    public float[] weight() {
        return weight.clone();
    }

    /** The affine bias (a copy). */
    @Override
    public float[] bias() {
        return bias.clone();
    }

    /** The per-channel scale {@code gamma / sqrt(var + eps)}, in double precision. */
    double scale(int channel) {
        return weight[channel] / Math.sqrt((double) variance[channel] + epsilon);
    }

    /** The per-channel shift {@code beta - mean * scale}, in double precision: the response to an input of 0. */
    double shift(int channel) {
        return bias[channel] - mean[channel] * scale(channel);
    }
}
