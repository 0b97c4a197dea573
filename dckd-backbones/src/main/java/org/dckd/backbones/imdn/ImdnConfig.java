package org.dckd.backbones.imdn;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.SrBackbone;

/** STUB: to be replaced by the real config. */
public record ImdnConfig(int scale) implements BackboneConfig {
    /** Preset. */
    public static ImdnConfig official(int scale) { return new ImdnConfig(scale); }
    @Override public SrBackbone build() { throw new UnsupportedOperationException("stub"); }
}
