/**
 * LIPT, the latency-aware image-processing transformer (Lucien66/LIPT, Apache-2.0), re-implemented from its official
 * PyTorch code: {@link org.dckd.backbones.lipt.Lipt} (network), {@link org.dckd.backbones.lipt.LiptConfig} (type
 * {@code lipt}, presets LIPT-Tiny/Small), the reparameterisable
 * {@link org.dckd.backbones.lipt.DiverseBranchBlock}, the sparse window mask of NVSM-SA
 * ({@link org.dckd.backbones.lipt.SparseWindowMask}) and the conversion of {@code convert.py} checkpoints
 * ({@link org.dckd.backbones.lipt.LiptCheckpoints}).
 */
package org.dckd.backbones.lipt;
