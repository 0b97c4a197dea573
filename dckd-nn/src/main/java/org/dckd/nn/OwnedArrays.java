package org.dckd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays whose memory libtorch owns, and the scalar arithmetic built on them: the only safe way to put a Java number or
 * a Java array into a computation that autograd records.
 *
 * <p><b>Why.</b> With the PyTorch engine, DJL 0.35.1 creates every array from Java data ({@code manager.create(...)},
 * and with it every {@code NDArray.mul(Number)}, {@code div(Number)}, {@code pow(Number)}, {@code maximum(Number)},
 * {@code muli(Number)}, ...) as a {@code torch::from_blob} view of a direct {@code ByteBuffer}: libtorch does not own
 * the memory, the Java object keeps it alive. The scalar operations close their temporary right away. When autograd
 * saved that tensor for the backward pass ({@code x * s} saves {@code s} to compute {@code dL/dx = s * dL/dy}), a
 * garbage collection between the forward and the backward pass frees the buffer, and the backward pass reads freed
 * memory: gradients become garbage (DJL's {@code x.mul(0.5f)} followed by {@code System.gc()} gave
 * {@code dL/dx = -1.4e32}), or subtly wrong, depending on GC timing. That made DCKD runs differ from run to run
 * (and can produce huge gradients).
 *
 * <p>The methods here create the operand with a native libtorch call ({@code torch::full}, or a clone of the Java
 * data), so autograd's reference keeps it alive. Use them for every scalar or Java-made array that meets an array that
 * may require a gradient; {@code add(Number)} and {@code sub(Number)} are safe (their backward saves no tensor), and so
 * is anything computed without gradient.
 */
public final class OwnedArrays {

    private static final Shape SCALAR = new Shape();

    private OwnedArrays() {}

    /**
     * A 0-d array holding {@code value}, of {@code like}'s data type, in {@code like}'s manager (libtorch-owned).
     *
     * @param like the array whose manager and data type to use
     * @param value the value
     * @return the scalar array
     */
    public static NDArray scalarLike(NDArray like, double value) {
        if (like.getDataType() == DataType.FLOAT64) {
            try (NDArray view = like.getManager().create(value)) { // full() would round the value to float
                return own(view);
            }
        }
        return like.getManager().full(SCALAR, (float) value, like.getDataType());
    }

    /**
     * {@code a * value}, safe in a recorded graph.
     *
     * @param a the array
     * @param value the factor
     * @return the product, in {@code a}'s manager
     */
    public static NDArray mul(NDArray a, double value) {
        try (NDArray s = scalarLike(a, value)) {
            return a.mul(s);
        }
    }

    /**
     * {@code a / value}, safe in a recorded graph.
     *
     * @param a the array
     * @param value the divisor
     * @return the quotient, in {@code a}'s manager
     */
    public static NDArray div(NDArray a, double value) {
        try (NDArray s = scalarLike(a, value)) {
            return a.div(s);
        }
    }

    /**
     * {@code a ^ value}, safe in a recorded graph.
     *
     * @param a the array
     * @param value the exponent
     * @return the power, in {@code a}'s manager
     */
    public static NDArray pow(NDArray a, double value) {
        try (NDArray s = scalarLike(a, value)) {
            return a.pow(s);
        }
    }

    /**
     * A float32 array with a copy of {@code data} in memory libtorch owns.
     *
     * @param manager the manager
     * @param data the values, row-major
     * @param shape the shape
     * @return the array
     */
    public static NDArray create(NDManager manager, float[] data, Shape shape) {
        try (NDArray view = manager.create(data, shape)) {
            return own(view);
        }
    }

    /**
     * An int64 array with a copy of {@code data} in memory libtorch owns.
     *
     * @param manager the manager
     * @param data the values, row-major
     * @param shape the shape
     * @return the array
     */
    public static NDArray create(NDManager manager, long[] data, Shape shape) {
        try (NDArray view = manager.create(data, shape)) {
            return own(view);
        }
    }

    /**
     * A copy of {@code array} in memory libtorch owns, in its manager (same data type, name and values).
     *
     * @param array an array, possibly a view of Java memory
     * @return the copy
     */
    public static NDArray own(NDArray array) {
        return array.duplicate(); // the PyTorch engine's duplicate is torch's clone: new, libtorch-owned memory
    }
}
