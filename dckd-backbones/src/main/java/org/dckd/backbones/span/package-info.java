/**
 * SPAN, the swift parameter-free attention network, winner of the NTIRE 2024 efficient super-resolution challenge
 * ({@link org.dckd.backbones.span.Span}, {@link org.dckd.backbones.span.SpanConfig}), with its blocks
 * {@link org.dckd.backbones.span.Spab} and the reparameterisable convolution
 * {@link org.dckd.backbones.span.Conv3xc} in its training form (branches) and deploy form (one 3x3 convolution).
 * Parameter names follow the official state dicts, so the NTIRE 2024 weights load strictly.
 */
package org.dckd.backbones.span;
