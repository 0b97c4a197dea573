/**
 * IMDN networks: the official IMDN with contrast-aware channel attention ({@link org.dckd.backbones.imdn.Imdn},
 * {@link org.dckd.backbones.imdn.ImdnConfig}) and the NTIRE 2022 efficient-SR baseline
 * ({@link org.dckd.backbones.imdn.ImdnBaseline}, {@link org.dckd.backbones.imdn.ImdnBaselineConfig}). Parameter names
 * follow the official state dicts, so the published weights load strictly.
 */
package org.dckd.backbones.imdn;
