package org.dckd.core.distill;

import java.util.Map;

/**
 * What one optimisation step did.
 *
 * @param iteration the 1-based iteration just finished
 * @param learningRate the rate used
 * @param loss the weighted total
 * @param terms each term's UNWEIGHTED value by name
 * @param gradientNorm the global L2 norm of the gradients before clipping
 * @param seconds wall time of the step
 */
public record StepResult(long iteration, double learningRate, float loss, Map<String, Float> terms,
        double gradientNorm, double seconds) {}
