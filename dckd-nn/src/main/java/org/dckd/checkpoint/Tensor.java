package org.dckd.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * One tensor of a checkpoint, held on the Java heap: a data type, a shape and the raw little-endian, C-order bytes.
 *
 * <p>Checkpoint readers produce these without touching a native engine, so a checkpoint can be inspected, validated and
 * converted without loading libtorch.
 */
public final class Tensor {

    private final DataType dataType;
    private final long[] shape;
    private final ByteBuffer data;

    /**
     * Creates a tensor.
     *
     * @param dataType the element type
     * @param shape the shape (an empty array for a scalar)
     * @param data exactly {@code numel * dataType.getNumOfBytes()} bytes, little-endian, C order
     * @throws IllegalArgumentException if a dimension is negative, the byte size overflows 64 bits, or {@code data}
     *     does not hold exactly the tensor's bytes
     */
    public Tensor(DataType dataType, long[] shape, ByteBuffer data) {
        this.dataType = dataType;
        this.shape = shape.clone();
        long expected;
        try {
            long n = 1;
            for (long d : this.shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape)
                            + " has a negative dimension");
                }
                n = Math.multiplyExact(n, d);
            }
            expected = Math.multiplyExact(n, (long) dataType.getNumOfBytes());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " of type " + dataType
                    + " has more bytes than a 64-bit size can count");
        }
        if (data.remaining() != expected) {
            throw new IllegalArgumentException(
                    "tensor of shape " + Arrays.toString(shape) + " and type " + dataType + " needs " + expected
                            + " bytes, got " + data.remaining());
        }
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Wraps a float array (copied) as a float32 tensor. */
    public static Tensor ofFloats(long[] shape, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return new Tensor(DataType.FLOAT32, shape, buf);
    }

    /** A 0-d int64 tensor (a counter such as an iteration, saved with a checkpoint). */
    public static Tensor ofLong(long value) {
        ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        return new Tensor(DataType.INT64, new long[0], buf);
    }

    /**
     * The value of a one-element int64 tensor written by {@link #ofLong}.
     *
     * @throws IllegalArgumentException if this is not a single int64 value
     */
    public long longValue() {
        if (dataType != DataType.INT64 || numel() != 1) {
            throw new IllegalArgumentException("expected one int64 value, got " + this);
        }
        return data().getLong(0);
    }

    /** Copies an NDArray to the heap. */
    public static Tensor of(NDArray array) {
        ByteBuffer bytes = array.toByteBuffer();
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(bytes.order(ByteOrder.LITTLE_ENDIAN)).flip();
        return new Tensor(array.getDataType(), array.getShape().getShape(), copy);
    }

    /** The element type. */
    public DataType dataType() {
        return dataType;
    }

    /** The shape (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** The shape as a DJL {@link Shape}. */
    public Shape djlShape() {
        return new Shape(shape);
    }

    /** The number of elements. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The raw bytes (read-only, little-endian, positioned at 0). */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The values converted to float (float16, bfloat16, float64 and integer types are converted). */
    public float[] toFloatArray() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = data();
        switch (dataType) {
            case FLOAT32 -> b.asFloatBuffer().get(out);
            case FLOAT64 -> { for (int i = 0; i < n; i++) { out[i] = (float) b.getDouble(i * 8); } }
            case FLOAT16 -> { for (int i = 0; i < n; i++) { out[i] = halfToFloat(b.getShort(i * 2)); } }
            case BFLOAT16 -> { for (int i = 0; i < n; i++) { out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16); } }
            case INT64 -> { for (int i = 0; i < n; i++) { out[i] = b.getLong(i * 8); } }
            case INT32 -> { for (int i = 0; i < n; i++) { out[i] = b.getInt(i * 4); } }
            case INT16 -> { for (int i = 0; i < n; i++) { out[i] = b.getShort(i * 2); } }
            case UINT16 -> { for (int i = 0; i < n; i++) { out[i] = b.getShort(i * 2) & 0xffff; } }
            case UINT32 -> { for (int i = 0; i < n; i++) { out[i] = b.getInt(i * 4) & 0xffffffffL; } }
            case INT8 -> { for (int i = 0; i < n; i++) { out[i] = b.get(i); } }
            case UINT8, BOOLEAN -> { for (int i = 0; i < n; i++) { out[i] = b.get(i) & 0xff; } }
            default -> throw new UnsupportedOperationException("cannot convert " + dataType + " to float");
        }
        return out;
    }

    /**
     * The values converted to double (exact for every supported type, including int64 up to 2^53).
     *
     * @return the values in C order
     */
    public double[] toDoubleArray() {
        int n = Math.toIntExact(numel());
        if (dataType == DataType.FLOAT64) {
            double[] out = new double[n];
            data().asDoubleBuffer().get(out);
            return out;
        }
        ByteBuffer b = data();
        double[] exact = new double[n];
        switch (dataType) {
            case INT64 -> { for (int i = 0; i < n; i++) { exact[i] = b.getLong(i * 8); } }
            case INT32 -> { for (int i = 0; i < n; i++) { exact[i] = b.getInt(i * 4); } }
            case UINT32 -> { for (int i = 0; i < n; i++) { exact[i] = b.getInt(i * 4) & 0xffffffffL; } }
            default -> exact = null;
        }
        if (exact != null) {
            return exact;
        }
        float[] f = toFloatArray();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** The raw little-endian C-order bytes as a new array. */
    public byte[] toByteArray() {
        ByteBuffer b = data();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Whether {@code other} has the same data type, shape and bytes. */
    public boolean contentEquals(Tensor other) {
        return other != null && dataType == other.dataType && Arrays.equals(shape, other.shape)
                && data.equals(other.data);
    }

    /**
     * Creates an NDArray with this tensor's type, shape and values in the given manager.
     *
     * @param manager the manager that will own the array
     * @return the array
     * @throws UnsupportedOperationException for int16, bfloat16 and unsigned types other than uint8: creating such an
     *     array aborts the process in DJL 0.35's PyTorch engine (native {@code terminate}), so it is refused here;
     *     convert with {@link #toFloatArray()} instead
     */
    public NDArray toNDArray(NDManager manager) {
        if (!isEngineType(dataType)) {
            throw new UnsupportedOperationException("a " + dataType + " array cannot be created: DJL's PyTorch engine "
                    + "aborts the JVM on this type; convert with toFloatArray() instead");
        }
        return manager.create(data(), djlShape(), dataType);
    }

    /** Whether DJL's PyTorch engine can hold arrays of this type. */
    static boolean isEngineType(DataType t) {
        return switch (t) {
            case INT16, UINT16, UINT32, UINT64, BFLOAT16 -> false;
            default -> true;
        };
    }

    /** IEEE 754 half precision to float (Java 17 has no {@code Float.float16ToFloat}). */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h >>> 15) << 31;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    @Override
    public String toString() {
        return dataType + Arrays.toString(shape);
    }
}
