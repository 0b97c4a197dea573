package org.dckd.backbones.lipt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import org.dckd.checkpoint.Tensor;
import org.dckd.nn.complexity.ComplexityCounter;
import org.dckd.nn.reparam.ConvKernel;

/**
 * The training form of NVSM-SA's {@code project_inp}: {@code nn.Sequential(Conv2d 1x1 with bias, BatchNorm2d)}, keys
 * {@code 0.weight}, {@code 0.bias}, {@code 1.weight}, {@code 1.bias}, {@code 1.running_mean}, {@code 1.running_var},
 * {@code 1.num_batches_tracked}. Its deploy form is the 1x1 convolution with the BatchNorm folded in
 * ({@code weight}/{@code bias} under the block's prefix, LIPT's {@code deploy=True} layout).
 */
final class ProjectInput extends PlainConvolutionBlock {

    private final Parameter weight;
    private final Parameter bias;
    private final BatchNormParameters bn;

    ProjectInput(int inChannels, int outChannels) {
        super(outChannels);
        double bound = 1 / Math.sqrt(inChannels);
        weight = parameter("0.weight", new Shape(outChannels, inChannels, 1, 1), uniform(bound), true);
        bias = parameter("0.bias", new Shape(outChannels), uniform(bound), true);
        bn = new BatchNormParameters(this, "1", outChannels);
    }

    long runningStatisticsCount() {
        return bn.runningStatisticsCount();
    }

    @Override
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray y = DiverseBranchBlock.conv(x, value(ps, weight, x, training), value(ps, bias, x, training),
                new Shape(0, 0), 1);
        ComplexityCounter.recordConvolution(null, weight.getArray().getShape(), y);
        return bn.apply(ps, y, training);
    }

    /** The convolution with the BatchNorm folded in ({@code W gamma / s}, {@code beta + (b - mean) gamma / s}). */
    @Override
    public ConvKernel mergedKernel() {
        if (!isInitialized()) {
            throw new IllegalStateException("project_inp is not initialised; initialise it before merging");
        }
        return ConvKernel.of(Tensor.of(weight.getArray()), Tensor.of(bias.getArray())).foldBatchNorm(bn.statistics());
    }


}
