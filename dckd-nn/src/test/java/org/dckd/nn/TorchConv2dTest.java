package org.dckd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import org.junit.jupiter.api.Test;

class TorchConv2dTest {

    @Test
    void samePaddingKeepsTheSizeAndNamesFollowPyTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchConv2d conv = TorchConv2d.same(5, 7, 3);
            conv.initialize(m, DataType.FLOAT32, new Shape(2, 5, 9, 11));
            Map<String, Parameter> p = TorchModule.parameters(conv);
            assertEquals(new Shape(7, 5, 3, 3), p.get("weight").getArray().getShape());
            assertEquals(new Shape(7), p.get("bias").getArray().getShape());
            NDArray y = conv.apply(new ParameterStore(m, false), m.randomUniform(0, 1, new Shape(2, 5, 9, 11)), false);
            assertEquals(new Shape(2, 7, 9, 11), y.getShape());
            NDArray viaForward = conv.forward(new ParameterStore(m, false), new NDList(y.getManager()
                    .ones(new Shape(1, 5, 4, 4))), false).singletonOrThrow();
            assertEquals(new Shape(1, 7, 4, 4), viaForward.getShape());
        }
    }

    @Test
    void stridedUnpaddedOutputSizeIsFloored() {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchConv2d conv = TorchConv2d.of(4, 4, 3, 2, 0);
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 4, 16, 16));
            NDArray y = conv.apply(new ParameterStore(m, false), m.zeros(new Shape(1, 4, 16, 17)), false);
            assertEquals(new Shape(1, 4, 7, 8), y.getShape());
        }
    }

    @Test
    void initialisationFollowsPyTorchDefaultBounds() {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchConv2d conv = TorchConv2d.same(64, 64, 3);
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 64, 8, 8));
            float bound = (float) (1 / Math.sqrt(64 * 9));
            for (Parameter p : TorchModule.parameters(conv).values()) {
                float max = p.getArray().abs().max().getFloat();
                assertTrue(max <= bound && max > 0.9f * bound, p.getName() + ": max |value| " + max);
            }
        }
    }

    @Test
    void wrongInputChannelsAreReported() {
        try (NDManager m = NDManager.newBaseManager()) {
            TorchConv2d conv = TorchConv2d.same(3, 8, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> conv.initialize(m, DataType.FLOAT32, new Shape(1, 4, 8, 8)));
            assertTrue(e.getMessage().contains("expects 3 input channels"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> TorchConv2d.of(3, 8, 3, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> TorchConv2d.of(3, 8, 3, 1, -1));
        }
    }
}
