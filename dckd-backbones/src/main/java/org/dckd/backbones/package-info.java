/**
 * What every super-resolution backbone is: {@link org.dckd.backbones.SrBackbone} (a DJL block with a scale, an input
 * range and feature taps), its typed {@link org.dckd.backbones.BackboneConfig}, and adapters for any DJL block. The
 * families ({@code rlfn}, {@code imdn}, {@code swinir}, {@code rcan}) build on this package; the registry of types and
 * presets is in {@code org.dckd.backbones.catalog}.
 */
package org.dckd.backbones;
