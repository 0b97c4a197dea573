package org.dckd.losses.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;

/**
 * {@link TorchGroupNorm} against its definition, and its native memory: a pass leaves no array in the manager of its
 * parameters (reshaping the parameter arrays themselves once left two there per call, in every encoder pass).
 */
class TorchGroupNormTest {

    @Test
    void normalisesEachGroupAndLeavesNothingInTheParametersManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchGroupNorm norm = new TorchGroupNorm(2, 4, 1e-6f);
            norm.initialize(m, DataType.FLOAT32, new Shape(1, 4, 3, 3));
            int before = m.getManagedArrays().size();
            try (NDManager pass = m.newSubManager()) {
                NDArray x = pass.arange(36f).reshape(1, 4, 3, 3);
                NDArray y = norm.apply(new ParameterStore(pass, false), x, false);
                // weight 1, bias 0: each group of 2 channels x 9 pixels has mean 0 and biased variance 1
                NDArray g = y.reshape(1, 2, 18);
                assertEquals(0f, g.mean(new int[] {2}).abs().max().getFloat(), 1e-5f);
                assertEquals(1f, g.square().mean(new int[] {2}).min().getFloat(), 1e-4f);
            }
            assertEquals(before, m.getManagedArrays().size(), "arrays left in the parameters' manager");
        }
    }
}
