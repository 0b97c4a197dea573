/**
 * Counting the cost of a network the way the NTIRE efficient super-resolution challenges do: one forward pass under a
 * {@link org.dckd.nn.complexity.ComplexityCounter}, during which the layers report each call (convolutions, counted
 * activation modules, batch norms, linear layers, bilinear resizes, matrix products) by their shapes only; the result
 * is an {@link org.dckd.nn.complexity.OperationCounts}. Without an active counter the reports cost one volatile read.
 * Depends on no other dckd package (the counted layers of {@code org.dckd.nn} call into it).
 */
package org.dckd.nn.complexity;
