package org.dckd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class IntermediateScopeTest {

    @Test
    void intermediateScopeReleasesEverythingButTheResult() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(2, 2));
            NDArray[] intermediate = new NDArray[1];
            NDArray y = IntermediateScope.apply(x, in -> {
                intermediate[0] = in.mul(3);
                return intermediate[0].add(1);
            });
            assertTrue(intermediate[0].isReleased(), "intermediate still open");
            assertEquals(m, y.getManager());
            assertEquals(m, x.getManager());
            assertArrayEquals(new float[] {4, 4, 4, 4}, y.toFloatArray());
            assertArrayEquals(new float[] {1, 1, 1, 1}, x.toFloatArray());
        }
    }
}
