package org.dckd.nn;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;
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
        return apply(input, computation::apply, List::of);
    }

    /**
     * Applies {@code computation} to {@code input} and keeps the arrays {@code kept} names of its result (e.g. an
     * output and the attention maps a later call reuses); every other array created from {@code input} during the call
     * is closed afterwards.
     *
     * @param input the input (temporarily moved to a sub-manager of its manager, then returned to it)
     * @param computation the computation
     * @param kept the arrays of the result to keep, which end up in {@code input}'s manager
     * @param <T> the result type
     * @return the result
     */
    public static <T> T apply(NDArray input, Function<NDArray, T> computation,
            Function<T, ? extends Collection<NDArray>> kept) {
        NDManager owner = input.getManager();
        try (NDManager scope = owner.newSubManager()) {
            input.tempAttach(scope);
            T out = computation.apply(input);
            for (NDArray a : kept.apply(out)) {
                a.attach(owner);
            }
            return out;
        }
    }
}
