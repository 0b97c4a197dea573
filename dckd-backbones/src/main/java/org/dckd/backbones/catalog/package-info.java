/**
 * The catalog of backbones: the registry of config types and presets with the built-in families (RLFN, IMDN, SwinIR,
 * RCAN), and their registration with the config reader. It depends on every family; the families depend only on
 * {@code org.dckd.backbones}.
 */
package org.dckd.backbones.catalog;
