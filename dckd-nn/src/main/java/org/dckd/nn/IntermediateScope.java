package org.dckd.nn;

import java.util.function.UnaryOperator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Runs a computation so that the arrays it creates along the way are released as soon as it returns, keeping only its
 * result.
 *
 * <p>DJL frees an intermediate array only when its manager closes, so a deep network run on one manager holds every
 * intermediate feature map until the caller's step scope ends (PyTorch frees them as soon as nothing refers to them).
 * Wrapping each block in {@link #apply} bounds the peak memory of inference to about one block's worth of
 * intermediates. Autograd is unaffected: the recorded graph keeps its own references to the tensors it needs.
 */
public final class IntermediateScope {

    private IntermediateScope() {}

    /**
     * Applies {@code computation} to {@code input}; the arrays created from {@code input} during the call are closed
     * afterwards, except the result, which ends up in {@code input}'s manager.
     *
     * @param input the input (temporarily moved to a sub-manager of its manager, then returned to it)
     * @param computation the computation; results of operations whose first operand stems from {@code input} are
     *     released when it returns
     * @return the result, owned by {@code input}'s manager
     */
    public static NDArray apply(NDArray input, UnaryOperator<NDArray> computation) {
        NDManager owner = input.getManager();
        try (NDManager scope = owner.newSubManager()) {
            input.tempAttach(scope);
            NDArray out = computation.apply(input);
            out.attach(owner);
            return out;
        }
    }
}
