/**
 * The efficiency report of a network as the NTIRE efficient super-resolution challenges measure it: parameters,
 * FLOPs (NTIRE 2022 convention and fvcore-equivalent), activations and convolutions counted on one forward pass
 * ({@code org.dckd.nn.complexity}), and runtime and peak memory by the challenge protocol
 * ({@link org.dckd.core.efficiency.EfficiencyProfiler}, {@link org.dckd.core.efficiency.EfficiencyReport}).
 */
package org.dckd.core.efficiency;
