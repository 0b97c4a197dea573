/**
 * Structural reparameterisation: exact kernel algebra ({@link org.dckd.nn.reparam.ConvKernel}: BatchNorm folding,
 * padding a 1x1 kernel to kxk, identity, sequential 1x1-kxk-1x1 with the padding before the first convolution, sums of
 * parallel branches), the interface of a block that trains with branches and merges into one convolution for
 * inference ({@link org.dckd.nn.reparam.ReparameterizableBlock}), and the conversion of a whole training-form network
 * into its deploy-form state dict ({@link org.dckd.nn.reparam.Reparameterization}). See
 * {@code docs/reparameterisation.md} for the algebra and the tolerances.
 */
package org.dckd.nn.reparam;
