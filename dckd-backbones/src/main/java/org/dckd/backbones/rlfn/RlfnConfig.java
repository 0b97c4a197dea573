package org.dckd.backbones.rlfn;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.SrBackbone;

/** STUB: to be replaced by the real config. */
public record RlfnConfig(int scale) implements BackboneConfig {
    /** Preset. */
    public static RlfnConfig rlfn(int scale) { return new RlfnConfig(scale); }
    /** Preset. */
    public static RlfnConfig rlfnS(int scale) { return new RlfnConfig(scale); }
    /** Preset. */
    public static RlfnConfig rlfnNtire(int scale) { return new RlfnConfig(scale); }
    @Override public SrBackbone build() { throw new UnsupportedOperationException("stub"); }
}
