/**
 * RLFN, the residual local feature network ({@link org.dckd.backbones.rlfn.Rlfn},
 * {@link org.dckd.backbones.rlfn.RlfnConfig}), with its blocks {@link org.dckd.backbones.rlfn.Rlfb} and
 * {@link org.dckd.backbones.rlfn.Esa}. Covers the official RLFN, RLFN-S and the pruned NTIRE 2024 baseline; parameter
 * names follow the official state dicts, so the published weights load strictly.
 */
package org.dckd.backbones.rlfn;
