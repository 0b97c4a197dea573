package org.dckd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * A parameter's value for one pass, as an array owned by the pass's manager.
 *
 * <p>{@link ParameterStore#getValue} without copying returns the parameter's own array, which belongs to the manager
 * of the network's parameters; any arithmetic on it ({@code weight.reshape(...)}, {@code scale.mul(mask)}) creates its
 * result there too, where it stays until the network is closed, one more set of arrays with every pass. Blocks that do
 * such arithmetic (rather than handing the value to an operator whose first operand is the input, as a convolution
 * does) take the value from here: a view of the parameter, attached to the manager of the pass's input, so that what
 * is derived from it is released with the pass. Autograd is unaffected: the view is part of the recorded graph.
 */
public final class ParameterValues {

    private ParameterValues() {}

    /**
     * The value of {@code parameter} for this pass, owned by {@code like}'s manager.
     *
     * @param ps the pass's parameter store
     * @param parameter the parameter
     * @param like an array of the pass (its device and manager are used)
     * @param training whether this is a training pass
     * @return a view of the value
     */
    public static NDArray of(ParameterStore ps, Parameter parameter, NDArray like, boolean training) {
        NDArray v = ps.getValue(parameter, like.getDevice(), training);
        NDArray view = v.reshape(v.getShape());
        view.attach(like.getManager());
        return view;
    }
}
