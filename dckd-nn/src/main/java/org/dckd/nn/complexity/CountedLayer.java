package org.dckd.nn.complexity;

/**
 * Marks a convolution or linear block that reports its calls to an open {@link ComplexityCounter}
 * ({@code org.dckd.nn.CountedConv2d}, {@code org.dckd.nn.CountedLinear}). {@link ComplexityCounter#countForward}
 * refuses a network with a DJL convolution or linear block that is not one, whose calls would go uncounted.
 */
public interface CountedLayer {}
