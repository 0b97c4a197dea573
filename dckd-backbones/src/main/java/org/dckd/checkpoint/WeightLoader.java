package org.dckd.checkpoint;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import org.dckd.nn.TorchModule;

/** Copies a {@link StateDict} into an initialised block by PyTorch key. SKELETON: strict checks come later. */
public final class WeightLoader {

    private WeightLoader() {}

    /**
     * Loads every parameter of {@code block} from {@code stateDict} (strict: all keys and shapes must match).
     *
     * @param block an initialised block following the {@link TorchModule} naming convention
     * @param stateDict the weights
     */
    public static void load(Block block, StateDict stateDict) {
        for (Map.Entry<String, Parameter> e : TorchModule.parameters(block).entrySet()) {
            Tensor t = stateDict.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("missing key " + e.getKey() + " in " + stateDict.source());
            }
            NDArray target = e.getValue().getArray();
            target.set(t.data());
        }
    }
}
