package org.dckd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.dckd.testing.GarbageCollection;
import org.junit.jupiter.api.Test;

/**
 * Gradients must not depend on when the garbage collector runs: DJL's scalar operations and arrays made from Java data
 * are views of Java-owned memory, which a collection between the forward and the backward pass frees under autograd's
 * feet (see {@link OwnedArrays}). Every test here forces that collection.
 */
class OwnedArraysTest {

    static {
        DjlRuntime.ensureOffline();
    }

    @Test
    void scalarOperandsSurviveACollectionBeforeBackward() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = OwnedArrays.mul(x, 0.5).add(OwnedArrays.div(x, 4)).add(OwnedArrays.pow(x, 2)).sum();
                GarbageCollection.collectAndReuse();
                gc.backward(y);
            }
            // d/dx (x/2 + x/4 + x^2) = 0.75 + 2x
            assertArrayEquals(new float[] {2.75f, 4.75f, 6.75f, 8.75f}, x.getGradient().toFloatArray());
        }
    }

    @Test
    void createdArraysSurviveACollectionAfterTheirJavaObjectIsClosed() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
            x.setRequiresGradient(true);
            NDArray table = m.create(new float[] {10, 20, 30});
            table.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y;
                try (NDArray w = OwnedArrays.create(m, new float[] {1, 2, 3, 4}, new Shape(2, 2));
                        NDArray index = OwnedArrays.create(m, new long[] {2, 2, 0}, new Shape(3))) {
                    assertEquals(DataType.INT64, index.getDataType());
                    y = w.matMul(x).sum().add(table.take(m, index).sum()); // both keep their operand for backward
                }
                GarbageCollection.collectAndReuse();
                gc.backward(y);
            }
            // d/dx sum(W x) = column sums of W, broadcast over x's columns; take's gradient counts the picks
            assertArrayEquals(new float[] {4, 4, 4, 6, 6, 6}, x.getGradient().toFloatArray());
            assertArrayEquals(new float[] {1, 0, 2}, table.getGradient().toFloatArray());
        }
    }

    @Test
    void sameValuesAsDjlsOwnScalarOperations() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(64));
            assertArrayEquals(x.mul(0.1f).toFloatArray(), OwnedArrays.mul(x, 0.1f).toFloatArray());
            assertArrayEquals(x.div(3f).toFloatArray(), OwnedArrays.div(x, 3f).toFloatArray());
            NDArray d = x.toType(DataType.FLOAT64, false);
            NDArray scaled = OwnedArrays.mul(d, 0.1);
            assertEquals(DataType.FLOAT64, scaled.getDataType());
            assertArrayEquals(d.mul(0.1).toDoubleArray(), scaled.toDoubleArray());
        }
    }
}
