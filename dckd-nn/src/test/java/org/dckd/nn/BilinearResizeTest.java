package org.dckd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

class BilinearResizeTest {

    @Test
    void bilinearUpsamplingMatchesPyTorchAlignCornersFalse() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0, 1, 2, 3}, new Shape(1, 1, 2, 2));
            NDArray y = BilinearResize.upsample(x, 4, 3);
            // torch.nn.functional.interpolate(x, size=(4, 3), mode='bilinear', align_corners=False)
            float[] expected = {
                0f, 0.5f, 1f,
                0.5f, 1f, 1.5f,
                1.5f, 2f, 2.5f,
                2f, 2.5f, 3f};
            assertArrayEquals(expected, y.toFloatArray(), 1e-6f);
            assertSame(x, BilinearResize.upsample(x, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> BilinearResize.upsample(x, 1, 4));
            assertThrows(IllegalArgumentException.class, () -> BilinearResize.upsample(x.reshape(2, 2), 4, 4));
        }
    }
}
