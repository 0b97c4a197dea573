package org.dckd.backbones.imdn;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.SrBackbone;

/** STUB: to be replaced by the real config. */
public record ImdnBaselineConfig(int scale) implements BackboneConfig {
    /** Preset. */
    public static ImdnBaselineConfig ntire2022(int scale) { return new ImdnBaselineConfig(scale); }
    @Override public SrBackbone build() { throw new UnsupportedOperationException("stub"); }
}
