package org.dckd.backbones.lipt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import org.dckd.nn.complexity.ComplexityCounter;

/**
 * LIPT's {@code MeanShift}: a fixed 1x1 convolution 3 -> 3 with weight I and bias {@code sign * rgb_range * mean},
 * mean = (0.4488, 0.4371, 0.4040). Its {@code weight} and {@code bias} are parameters without gradient, so they are in
 * the state dict and in PyTorch's parameter count (24 values for the pair {@code sub_mean}/{@code add_mean}).
 */
final class MeanShift extends TorchParameterBlock {

    /** The RGB mean of the official code (DIV2K). */
    static final float[] RGB_MEAN = {0.4488f, 0.4371f, 0.4040f};

    private final Parameter weight;
    private final Parameter bias;

    MeanShift(float rgbRange, int sign) {
        float[] eye = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        float[] b = new float[3];
        for (int c = 0; c < 3; c++) {
            b[c] = sign * rgbRange * RGB_MEAN[c];
        }
        weight = parameter("weight", new Shape(3, 3, 1, 1), constant(eye), false);
        bias = parameter("bias", new Shape(3), constant(b), false);
    }

    @Override
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray y = DiverseBranchBlock.conv(x, value(ps, weight, x, training), value(ps, bias, x, training),
                new Shape(0, 0), 1);
        // the official MeanShift is an nn.Conv2d subclass: the challenge counter reports it as "MeanShift"
        ComplexityCounter.recordConvolution("MeanShift", weight.getArray().getShape(), y);
        return y;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
