package org.dckd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;

/**
 * A DJL {@link Conv2d} configured like PyTorch's {@code nn.Conv2d(in, out, k, stride, padding, bias=True)}: a known
 * number of input channels (checked when the block is initialised), symmetric zero padding, bias, and PyTorch's
 * default initialisation (weight and bias uniform in {@code ±1/sqrt(in * k * k)}, which is what
 * {@code kaiming_uniform_(a=sqrt(5))} amounts to). Its parameters are named {@code weight} [out, in, k, k] and
 * {@code bias} [out], as in the state dict. Every call is reported to an open
 * {@link org.dckd.nn.complexity.ComplexityCounter} ({@link CountedConv2d}).
 */
public final class TorchConv2d extends CountedConv2d {

    private final int inChannels;

    private TorchConv2d(Conv2d.Builder builder, int inChannels, int kernel) {
        super(builder);
        this.inChannels = inChannels;
        float bound = (float) (1.0 / Math.sqrt((double) inChannels * kernel * kernel));
        weight.setInitializer(new UniformInitializer(bound));
        bias.setInitializer(new UniformInitializer(bound));
    }

    /**
     * A stride-1 convolution with PyTorch "same" padding {@code (k - 1) / 2} (exact "same" for odd {@code k}).
     *
     * @param inChannels input channels
     * @param outChannels output channels
     * @param kernel the square kernel size
     * @return the convolution
     */
    public static TorchConv2d same(int inChannels, int outChannels, int kernel) {
        return of(inChannels, outChannels, kernel, 1, (kernel - 1) / 2);
    }

    /**
     * A convolution with explicit stride and symmetric zero padding.
     *
     * @param inChannels input channels (positive)
     * @param outChannels output channels (positive)
     * @param kernel the square kernel size (positive)
     * @param stride the stride in both directions (positive)
     * @param padding zero padding on every side (non-negative)
     * @return the convolution
     * @throws IllegalArgumentException if a size is out of range
     */
    public static TorchConv2d of(int inChannels, int outChannels, int kernel, int stride, int padding) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("invalid convolution: in=" + inChannels + " out=" + outChannels
                    + " kernel=" + kernel + " stride=" + stride + " padding=" + padding);
        }
        Conv2d.Builder b = Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .setFilters(outChannels)
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optBias(true);
        return new TorchConv2d(b, inChannels, kernel);
    }

    /** The number of input channels this convolution expects. */
    public int inChannels() {
        return inChannels;
    }

    /** The number of output channels. */
    public int outChannels() {
        return getFilters();
    }

    /**
     * Applies the convolution to one NCHW array (the block must be initialised). Equivalent to
     * {@code forward(ps, new NDList(x), training).singletonOrThrow()} without the per-call initialisation check.
     *
     * @param parameterStore where the weights come from
     * @param x the input, {@code (N, inChannels, H, W)}
     * @param training whether this is a training pass
     * @return the output, in the manager of {@code x}
     */
    public NDArray apply(ParameterStore parameterStore, NDArray x, boolean training) {
        return forwardInternal(parameterStore, new NDList(x), training, null).singletonOrThrow();
    }

    @Override
    protected void prepare(Shape[] inputs) {
        long c = inputs[0].get(1);
        if (c != inChannels) {
            throw new IllegalArgumentException(
                    "convolution expects " + inChannels + " input channels, got input shape " + inputs[0]);
        }
        super.prepare(inputs);
    }
}
