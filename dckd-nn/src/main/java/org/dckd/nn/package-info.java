/**
 * Building blocks shared by the networks and the loss terms: PyTorch state-dict naming of DJL blocks
 * ({@link org.dckd.nn.TorchModule}), ops DJL lacks, what a super-resolution network offers a loss term
 * ({@link org.dckd.nn.SrNetwork}), and the offline engine bootstrap. Depends on no other dckd package.
 */
package org.dckd.nn;
