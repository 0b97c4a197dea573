/**
 * Building blocks shared by the networks and the loss terms: PyTorch state-dict naming of DJL blocks
 * ({@link org.dckd.nn.TorchModule}), ops DJL lacks, what a super-resolution network offers a loss term
 * ({@link org.dckd.nn.SrNetwork}), the layers that report their calls to the NTIRE complexity counter
 * ({@link org.dckd.nn.CountedConv2d}, {@link org.dckd.nn.CountedLinear}, {@link org.dckd.nn.ModuleActivation};
 * the counter is {@code org.dckd.nn.complexity}), and the offline engine bootstrap. Depends on no other dckd package
 * but its subpackage {@code complexity}.
 */
package org.dckd.nn;
