/**
 * RCAN, the residual channel attention network ({@link org.dckd.backbones.rcan.Rcan},
 * {@link org.dckd.backbones.rcan.RcanConfig}) as in BasicSR's {@code rcan_arch.py} (the version the DCKD code uses),
 * with its blocks {@link org.dckd.backbones.rcan.ResidualGroup}, {@link org.dckd.backbones.rcan.Rcab} and
 * {@link org.dckd.backbones.rcan.ChannelAttention}. Parameter names follow BasicSR's state dict, so
 * {@code {'params': ...}} files load strictly; {@link org.dckd.backbones.rcan.RcanOriginalCheckpoints} converts the
 * original RCAN release's weights. Presets: the DCKD paper's teacher ({@code rcan}, 10 groups x 20 blocks) and student
 * ({@code rcan_student}, 10 x 6).
 */
package org.dckd.backbones.rcan;
