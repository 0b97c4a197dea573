package org.dckd.backbones.swinir;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.SrBackbone;

/** STUB: to be replaced by the real config. */
public record SwinIrConfig(int scale) implements BackboneConfig {
    /** Preset. */
    public static SwinIrConfig lightweight(int scale) { return new SwinIrConfig(scale); }
    /** Preset. */
    public static SwinIrConfig classicalM(int scale) { return new SwinIrConfig(scale); }
    @Override public SrBackbone build() { throw new UnsupportedOperationException("stub"); }
}
