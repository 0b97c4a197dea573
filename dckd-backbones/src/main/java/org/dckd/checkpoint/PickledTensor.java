package org.dckd.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

import ai.djl.ndarray.types.DataType;

/**
 * A tensor as a PyTorch pickle describes it: a storage slice plus offset, size and stride. Nothing is read until
 * {@link #materialise} copies the viewed elements into a C-contiguous heap {@link Tensor}.
 */
final class PickledTensor {

    /** Largest tensor the heap representation holds (one Java array). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 16;

    private final StorageRecord.Slice storage;
    private final DataType dataType;
    private final long offset;
    private final long[] size;
    private final long[] stride;

    PickledTensor(StorageRecord.Slice storage, DataType dataType, long offset, long[] size, long[] stride) {
        this.storage = storage;
        this.dataType = dataType;
        this.offset = offset;
        this.size = size;
        this.stride = stride;
    }

    StorageRecord record() {
        return storage.record();
    }

    DataType dataType() {
        return dataType;
    }

    long[] size() {
        return size.clone();
    }

    /**
     * Copies the viewed elements into a C-contiguous tensor, checking that the view stays inside its storage.
     *
     * @param file the checkpoint (for messages)
     * @param key the state-dict key (for messages)
     * @param bigEndian whether the storage bytes are big-endian
     */
    Tensor materialise(Path file, String key, boolean bigEndian) {
        int es = dataType.getNumOfBytes();
        if (size.length != stride.length) {
            throw new CheckpointException(CheckpointException.Reason.CORRUPT, file,
                    "tensor '" + key + "' has size " + Arrays.toString(size) + " but stride " + Arrays.toString(stride));
        }
        long numel = 1;
        long lastElement = 0;
        for (int d = 0; d < size.length; d++) {
            if (size[d] < 0 || stride[d] < 0) {
                throw new CheckpointException(CheckpointException.Reason.CORRUPT, file,
                        "tensor '" + key + "' has a negative size or stride: size " + Arrays.toString(size)
                                + ", stride " + Arrays.toString(stride));
            }
            numel = Math.multiplyExact(numel, size[d]);
            if (size[d] > 0) {
                lastElement = Math.addExact(lastElement, Math.multiplyExact(size[d] - 1, stride[d]));
            }
        }
        if (numel * es > MAX_BYTES) {
            throw new CheckpointException(CheckpointException.Reason.UNSUPPORTED, file,
                    "tensor '" + key + "' has " + numel + " elements (" + numel * es
                            + " bytes); tensors over 2 GiB are not supported");
        }
        byte[] out = new byte[(int) (numel * es)];
        if (numel > 0) {
            if (offset < 0) {
                throw new CheckpointException(CheckpointException.Reason.CORRUPT, file,
                        "tensor '" + key + "' has a negative storage offset " + offset);
            }
            byte[] bytes = storage.record().bytes();
            long sliceStartByte = storage.offset() * storage.record().dataType().getNumOfBytes();
            long sliceBytes = storage.numel() * storage.record().dataType().getNumOfBytes();
            long availableElements = sliceBytes / es;
            long needed = offset + lastElement + 1;
            if (needed > availableElements || sliceStartByte + sliceBytes > bytes.length) {
                throw new CheckpointException(CheckpointException.Reason.SIZE_MISMATCH, file,
                        "tensor '" + key + "' (" + dataType + Arrays.toString(size) + ", stride "
                                + Arrays.toString(stride) + ", offset " + offset + ") needs " + needed
                                + " elements of storage '" + storage.record().key() + "', which holds "
                                + Math.min(availableElements, (bytes.length - sliceStartByte) / es));
            }
            copyStrided(bytes, (int) (sliceStartByte + offset * es), out, es);
            if (bigEndian && es > 1) {
                swapBytes(out, es);
            }
        }
        return new Tensor(dataType, size, ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN));
    }

    private void copyStrided(byte[] src, int start, byte[] dst, int es) {
        int rank = size.length;
        if (isContiguous()) {
            System.arraycopy(src, start, dst, 0, dst.length);
            return;
        }
        int inner = (int) size[rank - 1];
        long innerStride = stride[rank - 1] * es;
        long[] index = new long[rank];
        int pos = 0;
        int outerCount = inner == 0 ? 0 : dst.length / es / inner;
        for (int o = 0; o < outerCount; o++) {
            long base = start;
            for (int d = 0; d < rank - 1; d++) {
                base += index[d] * stride[d] * es;
            }
            if (innerStride == es) {
                System.arraycopy(src, (int) base, dst, pos, inner * es);
                pos += inner * es;
            } else {
                for (int i = 0; i < inner; i++) {
                    System.arraycopy(src, (int) (base + i * innerStride), dst, pos, es);
                    pos += es;
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                if (++index[d] < size[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
    }

    private boolean isContiguous() {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    static void swapBytes(byte[] data, int es) {
        for (int i = 0; i + es <= data.length; i += es) {
            for (int a = i, b = i + es - 1; a < b; a++, b--) {
                byte t = data[a];
                data[a] = data[b];
                data[b] = t;
            }
        }
    }

    @Override
    public String toString() {
        return "tensor " + dataType + Arrays.toString(size);
    }
}
