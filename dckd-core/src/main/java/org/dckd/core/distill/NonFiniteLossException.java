package org.dckd.core.distill;

import java.util.Map;

/** The loss or a gradient became NaN or infinite; the step was not applied (the weights are those of the last step). */
public class NonFiniteLossException extends RuntimeException {

    private final long iteration;

    /**
     * Creates the exception.
     *
     * @param iteration the iteration whose loss was not finite
     * @param terms each term's value, to show which one diverged
     * @param what what was not finite ("loss", "gradient norm")
     */
    public NonFiniteLossException(long iteration, Map<String, Float> terms, String what) {
        super("the " + what + " is not finite at iteration " + iteration + " (terms: " + terms + "); the step was not"
                + " applied. Lower the learning rate, enable grad_clip, or check the data and loss weights.");
        this.iteration = iteration;
    }

    /** The iteration whose loss was not finite. */
    public long iteration() {
        return iteration;
    }
}
