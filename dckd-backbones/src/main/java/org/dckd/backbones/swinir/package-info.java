/**
 * SwinIR (lightweight, classical, real-world and restoration variants) as a DJL block that reproduces the official
 * {@code network_swinir.py} and loads its state dicts by key: {@link org.dckd.backbones.swinir.SwinIrConfig} and
 * {@link org.dckd.backbones.swinir.SwinIr}.
 */
package org.dckd.backbones.swinir;
