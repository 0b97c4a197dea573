package org.dckd.backbones.lipt;

import ai.djl.ndarray.types.Shape;

import org.dckd.nn.reparam.ReparameterizableBlock;

/**
 * A reparameterisable LIPT module whose deploy form is a plain convolution stored under the module's own name
 * ({@code conv0.weight}, {@code project_inp.weight}): the {@link DiverseBranchBlock} and {@link ProjectInput}.
 */
abstract class PlainConvolutionBlock extends TorchParameterBlock implements ReparameterizableBlock {

    private final int outputChannels;

    PlainConvolutionBlock(int outputChannels) {
        this.outputChannels = outputChannels;
    }

    /** Empty: the deploy form stores {@code weight} and {@code bias} under the block's own prefix. */
    @Override
    public final String deployConvolutionName() {
        return "";
    }

    @Override
    public final Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), outputChannels, in.get(2), in.get(3))};
    }
}
