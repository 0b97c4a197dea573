package org.dckd.nn.reparam;

/**
 * A block that trains with several convolution branches and computes, for inference, the single convolution they
 * amount to (structural reparameterisation: RepVGG, ACB, DBB, SPAN's {@code Conv3XC}).
 *
 * <p>The block's training-form parameters live under its state-dict prefix; its deploy form stores one convolution,
 * {@code weight} and {@code bias}, under {@code prefix + }{@link #deployConvolutionName()} ({@code eval_conv} for
 * SPAN, so the deploy keys are {@code block_1.c1_r.eval_conv.weight}; the empty name for a block whose deploy form is
 * itself a plain convolution: {@code conv0.weight}). {@link Reparameterization#deployStateDict} uses this to turn a
 * whole training-form network into the state dict of its deploy form.
 *
 * <p>Implementations build {@link #mergedKernel()} from {@link ConvKernel} pieces (identity, 1x1 padded to kxk,
 * BatchNorm folding, sequential 1x1-kxk-1x1, sums of branches), so a new kind of branch is one more term of the sum.
 */
public interface ReparameterizableBlock {

    /**
     * The single convolution equal to the block's branches with their current parameter values.
     *
     * @return the merged kernel (stride 1, "same" padding)
     * @throws IllegalStateException if the block is not initialised
     */
    ConvKernel mergedKernel();

    /**
     * The name of the merged convolution in the deploy form, relative to the block: {@code "eval_conv"}, or
     * {@code ""} when the deploy form stores {@code weight} and {@code bias} directly under the block's own prefix.
     *
     * @return the name, without dots at either end
     */
    String deployConvolutionName();
}
