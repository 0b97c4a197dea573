package org.dckd.backbones.lipt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

import org.dckd.checkpoint.Tensor;
import org.dckd.nn.complexity.ComplexityCounter;
import org.dckd.nn.reparam.BatchNormStatistics;

/**
 * The tensors and arithmetic of one PyTorch {@code BatchNorm2d} (eps 1e-5, momentum 0.1) held by a
 * {@link TorchParameterBlock} under a prefix: {@code weight}, {@code bias} (trainable), {@code running_mean},
 * {@code running_var} (parameters without gradient, so they load and save with the state dict) and the buffer
 * {@code num_batches_tracked}.
 *
 * <p>Evaluation uses the running statistics. A training pass normalises with the batch statistics (biased variance)
 * and updates the running ones as PyTorch does ({@code 0.9 old + 0.1 batch}, unbiased variance).
 */
final class BatchNormParameters {

    static final double EPSILON = BatchNormStatistics.DEFAULT_EPSILON;
    private static final float MOMENTUM = 0.1f;

    private final int channels;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;

    BatchNormParameters(TorchParameterBlock owner, String prefix, int channels) {
        this.channels = channels;
        Shape s = new Shape(channels);
        weight = owner.parameter(prefix + ".weight", s, Initializer.ONES, true);
        bias = owner.parameter(prefix + ".bias", s, Initializer.ZEROS, true);
        runningMean = owner.parameter(prefix + ".running_mean", s, Initializer.ZEROS, false);
        runningVar = owner.parameter(prefix + ".running_var", s, Initializer.ONES, false);
        owner.buffer(prefix + ".num_batches_tracked", Tensor.ofLong(1));
    }

    /** The number of running-statistics values (not parameters in PyTorch's count). */
    long runningStatisticsCount() {
        return 2L * channels;
    }

    /** {@code BN(x)} for an {@code (N, C, H, W)} array. */
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray g = TorchParameterBlock.value(ps, weight, x, training).reshape(1, channels, 1, 1);
        NDArray b = TorchParameterBlock.value(ps, bias, x, training).reshape(1, channels, 1, 1);
        NDArray mean;
        NDArray var;
        if (training) {
            NDArray perChannel = x.transpose(1, 0, 2, 3).reshape(channels, -1);
            mean = perChannel.mean(new int[] {1}).reshape(1, channels, 1, 1);
            var = x.sub(mean).square().transpose(1, 0, 2, 3).reshape(channels, -1).mean(new int[] {1})
                    .reshape(1, channels, 1, 1);
            long n = x.size() / channels;
            NDArray rm = runningMean.getArray();
            NDArray rv = runningVar.getArray();
            NDArray batchMean = mean.stopGradient().reshape(channels);
            NDArray unbiased = var.stopGradient().reshape(channels).mul(n / (double) Math.max(n - 1, 1));
            rm.muli(1 - MOMENTUM).addi(batchMean.mul(MOMENTUM));
            rv.muli(1 - MOMENTUM).addi(unbiased.mul(MOMENTUM));
        } else {
            mean = TorchParameterBlock.value(ps, runningMean, x, false).reshape(1, channels, 1, 1);
            var = TorchParameterBlock.value(ps, runningVar, x, false).reshape(1, channels, 1, 1);
        }
        NDArray y = x.sub(mean).div(var.add(EPSILON).sqrt()).mul(g).add(b);
        ComplexityCounter.recordBatchNorm(true, y);   // an affine nn.BatchNorm2d module in the official code
        return y;
    }

    /**
     * The per-channel response to an input of 0 with the running statistics, {@code beta - mean gamma / sqrt(var +
     * eps)}: the pad value of {@code BNAndPadLayer}, shape {@code (1, C, 1, 1)}.
     */
    NDArray zeroResponse(ParameterStore ps, NDArray like, boolean training) {
        NDArray g = TorchParameterBlock.value(ps, weight, like, training).stopGradient();
        NDArray b = TorchParameterBlock.value(ps, bias, like, training).stopGradient();
        NDArray m = TorchParameterBlock.value(ps, runningMean, like, false);
        NDArray v = TorchParameterBlock.value(ps, runningVar, like, false);
        return b.sub(m.mul(g).div(v.add(EPSILON).sqrt())).reshape(1, channels, 1, 1);
    }

    /** The statistics for folding ({@link org.dckd.nn.reparam.ConvKernel#foldBatchNorm}). */
    BatchNormStatistics statistics() {
        return new BatchNormStatistics(runningMean.getArray().toFloatArray(), runningVar.getArray().toFloatArray(),
                weight.getArray().toFloatArray(), bias.getArray().toFloatArray(), EPSILON);
    }
}
