package org.dckd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

/** {@link Roll}, {@link MirrorPad} and {@link WindowPartition} against hand-computed torch/numpy results. */
class MirrorOpsTest {

    private static float[] seq(NDArray a) {
        return a.toFloatArray();
    }

    @Test
    void rollMatchesTorchRoll() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(5f);
            assertArrayEquals(new float[] {3, 4, 0, 1, 2}, seq(Roll.roll(x, 2, 0)));
            assertArrayEquals(new float[] {2, 3, 4, 0, 1}, seq(Roll.roll(x, -2, 0)));
            assertArrayEquals(new float[] {4, 0, 1, 2, 3}, seq(Roll.roll(x, 6, -1)));
            assertSame(x, Roll.roll(x, 5, 0));
            // torch.roll(arange(6).view(2,3), shifts=(1,-1), dims=(0,1)) = [[4,5,3],[1,2,0]]
            NDArray y = m.arange(6f).reshape(2, 3);
            assertArrayEquals(new float[] {4, 5, 3, 1, 2, 0}, seq(Roll.roll(y, 1, 0, -1, 1)));
            assertThrows(IllegalArgumentException.class, () -> Roll.roll(y, 1, 2));
        }
    }

    @Test
    void reflectMatchesTorchPad() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4});
            // F.pad(x, (2, 3), 'reflect') = [3, 2, 1, 2, 3, 4, 3, 2, 1]
            assertArrayEquals(new float[] {3, 2, 1, 2, 3, 4, 3, 2, 1}, seq(MirrorPad.reflect(x, 0, 2, 3)));
            assertSame(x, MirrorPad.reflect(x, 0, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> MirrorPad.reflect(x, 0, 0, 4));
            NDArray y = m.arange(6f).reshape(2, 3);
            assertArrayEquals(new float[] {0, 1, 2, 1, 3, 4, 5, 4}, seq(MirrorPad.reflect(y, 1, 0, 1)));
        }
    }

    @Test
    void symmetricMatchesNumpyPad() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3});
            // np.pad(x, (2, 2), 'symmetric') = [2, 1, 1, 2, 3, 3, 2]
            assertArrayEquals(new float[] {2, 1, 1, 2, 3, 3, 2}, seq(MirrorPad.symmetric(x, 0, 2, 2)));
            // np.pad(x, (0, 8), 'symmetric') = [1, 2, 3, 3, 2, 1, 1, 2, 3, 3, 2]
            assertArrayEquals(new float[] {1, 2, 3, 3, 2, 1, 1, 2, 3, 3, 2}, seq(MirrorPad.symmetric(x, 0, 0, 8)));
            // np.pad(x, (7, 0), 'symmetric') = [1, 1, 2, 3, 3, 2, 1, 1, 2, 3]
            assertArrayEquals(new float[] {1, 1, 2, 3, 3, 2, 1, 1, 2, 3}, seq(MirrorPad.symmetric(x, 0, 7, 0)));
        }
    }

    @Test
    void windowPartitionRoundTripsAndOrdersWindowsRowMajor() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(2f * 4 * 6 * 3).reshape(2, 4, 6, 3);
            NDArray w = WindowPartition.partition(x, 2);
            assertArrayEquals(new long[] {12, 4, 3}, w.getShape().getShape());
            // window 1 of image 0 covers rows 0-1, columns 2-3; its first token is x[0, 0, 2, :]
            assertArrayEquals(seq(x.get("0, 0, 2, :")), seq(w.get("1, 0, :")));
            // its last token is x[0, 1, 3, :]
            assertArrayEquals(seq(x.get("0, 1, 3, :")), seq(w.get("1, 3, :")));
            assertArrayEquals(seq(x), seq(WindowPartition.reverse(w, 2, 4, 6)));
            assertThrows(IllegalArgumentException.class, () -> WindowPartition.partition(x, 4));
            assertArrayEquals(new long[] {2, 4, 6, 3},
                    WindowPartition.reverse(w, 2, 4, 6).getShape().getShape());
            assertArrayEquals(new Shape(2, 4, 6, 3).getShape(), x.getShape().getShape());
        }
    }
}
