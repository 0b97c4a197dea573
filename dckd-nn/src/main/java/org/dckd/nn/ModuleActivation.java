package org.dckd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

import org.dckd.nn.complexity.ActivationModuleType;
import org.dckd.nn.complexity.ComplexityCounter;

/**
 * Activations that the official implementation of a network applies through an {@code nn.Module}
 * ({@code nn.LeakyReLU}, {@code nn.ReLU}): the same arithmetic as DJL's {@link Activation}, and reported to an open
 * {@link ComplexityCounter}, because the NTIRE FLOPs counter counts such modules (one FLOP per output element) but not
 * functional calls. A network uses these where the official code has a module and {@link Activation} where it calls
 * {@code F.leaky_relu}/{@code torch.sigmoid}, so that its count equals the challenge's.
 */
public final class ModuleActivation {

    private ModuleActivation() {}

    /**
     * {@code nn.LeakyReLU(slope)}.
     *
     * @param x the input
     * @param slope the negative slope
     * @return {@code max(x, 0) + slope * min(x, 0)}
     */
    public static NDArray leakyRelu(NDArray x, float slope) {
        NDArray y = Activation.leakyRelu(x, slope);
        ComplexityCounter.recordActivationModule(ActivationModuleType.LEAKY_RELU, y);
        return y;
    }

    /**
     * {@code nn.ReLU()}.
     *
     * @param x the input
     * @return {@code max(x, 0)}
     */
    public static NDArray relu(NDArray x) {
        NDArray y = Activation.relu(x);
        ComplexityCounter.recordActivationModule(ActivationModuleType.RELU, y);
        return y;
    }
}
