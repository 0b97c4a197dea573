package org.dckd.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

import ai.djl.ndarray.types.DataType;

/**
 * A tensor as a PyTorch pickle describes it: a storage slice plus offset, size and stride. Nothing is read until
 * {@link #materialise} cuts the viewed elements out of the storage as a C-contiguous heap {@link Tensor} (sharing the
 * storage's bytes when the view is contiguous, copying otherwise).
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

    /** Whether the tensor has elements, so that its storage must be read (an empty tensor needs none). */
    boolean needsStorage() {
        for (long d : size) {
            if (d == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Cuts the viewed elements out of the storage as a C-contiguous tensor, checking (with overflow-checked
     * arithmetic) that the view stays inside its storage. A contiguous view in the file's byte order shares the
     * storage's bytes; any other view (strided, expanded, byte-swapped) is copied, and the copy is charged to the
     * budget first.
     *
     * @param file the checkpoint (for messages)
     * @param key the state-dict key (for messages)
     * @param bigEndian whether the storage bytes are big-endian
     * @param budget the read's memory budget
     */
    Tensor materialise(Path file, String key, boolean bigEndian, ReadBudget budget) {
        int es = dataType.getNumOfBytes();
        String what = "tensor '" + key + "' (" + dataType + Arrays.toString(size) + ", stride "
                + Arrays.toString(stride) + ", offset " + offset + ")";
        if (size.length != stride.length) {
            throw new CheckpointException(CheckpointException.Reason.CORRUPT, file,
                    "tensor '" + key + "' has size " + Arrays.toString(size) + " but stride " + Arrays.toString(stride));
        }
        long numel = 1;
        long lastElement = 0;
        long bytes;
        try {
            for (int d = 0; d < size.length; d++) {
                if (size[d] < 0 || stride[d] < 0) {
                    throw new CheckpointException(CheckpointException.Reason.CORRUPT, file,
                            "tensor '" + key + "' has a negative size or stride: size " + Arrays.toString(size)
                                    + ", stride " + Arrays.toString(stride));
                }
                numel = Math.multiplyExact(numel, size[d]);
            }
            bytes = Math.multiplyExact(numel, (long) es);
            if (numel > 0) {
                for (int d = 0; d < size.length; d++) {
                    lastElement = Math.addExact(lastElement, Math.multiplyExact(size[d] - 1, stride[d]));
                }
            }
        } catch (ArithmeticException e) {
            throw new CheckpointException(CheckpointException.Reason.SIZE_MISMATCH, file, what + " has more "
                    + "elements or a larger extent than a 64-bit size can count");
        }
        if (bytes > MAX_BYTES) {
            throw new CheckpointException(CheckpointException.Reason.UNSUPPORTED, file,
                    "tensor '" + key + "' has " + numel + " elements (" + bytes
                            + " bytes); tensors over 2 GiB are not supported");
        }
        if (numel == 0) {
            return new Tensor(dataType, size, ByteBuffer.allocate(0));
        }
        if (offset < 0) {
            throw new CheckpointException(CheckpointException.Reason.CORRUPT, file,
                    "tensor '" + key + "' has a negative storage offset " + offset);
        }
        byte[] data = storage.record().bytes();
        int storageEs = storage.record().dataType().getNumOfBytes();
        long sliceStartByte;
        long sliceBytes;
        long needed;
        try {
            sliceStartByte = Math.multiplyExact(storage.offset(), (long) storageEs);
            sliceBytes = Math.multiplyExact(storage.numel(), (long) storageEs);
            needed = Math.addExact(Math.addExact(offset, lastElement), 1);
        } catch (ArithmeticException e) {
            throw new CheckpointException(CheckpointException.Reason.SIZE_MISMATCH, file, what + " reaches beyond "
                    + "what a 64-bit size can count in storage '" + storage.record().key() + "'");
        }
        long availableElements = sliceBytes / es;
        if (needed > availableElements || sliceStartByte > data.length - sliceBytes) {
            throw new CheckpointException(CheckpointException.Reason.SIZE_MISMATCH, file,
                    what + " needs " + needed + " elements of storage '" + storage.record().key() + "', which holds "
                            + Math.max(0, Math.min(availableElements, (data.length - sliceStartByte) / es)));
        }
        int start = (int) (sliceStartByte + offset * es); // needed <= availableElements: inside the storage
        if (isContiguous() && !(bigEndian && es > 1)) {
            return new Tensor(dataType, size, ByteBuffer.wrap(data, start, (int) bytes).slice()
                    .order(ByteOrder.LITTLE_ENDIAN));
        }
        budget.chargeCopy(bytes, "tensor '" + key + "' (" + dataType + Arrays.toString(size) + ", stride "
                + Arrays.toString(stride) + ")");
        byte[] out = new byte[(int) bytes];
        copyStrided(data, start, out, es);
        if (bigEndian && es > 1) {
            swapBytes(out, es);
        }
        return new Tensor(dataType, size, ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN));
    }

    /**
     * Copies the view element by element (or row by row when the last dimension is contiguous). Dimensions of size 1
     * are dropped first, so the work is proportional to the number of elements, however many dimensions the pickle
     * declares; all byte positions lie inside {@code src} (checked by the caller).
     */
    private void copyStrided(byte[] src, int start, byte[] dst, int es) {
        int rank = 0;
        long[] sz = new long[size.length];
        long[] st = new long[size.length];
        for (int d = 0; d < size.length; d++) {
            if (size[d] != 1) {
                sz[rank] = size[d];
                st[rank] = stride[d] * es;
                rank++;
            }
        }
        if (rank == 0) {
            System.arraycopy(src, start, dst, 0, es);
            return;
        }
        int inner = (int) sz[rank - 1];
        long innerStride = st[rank - 1];
        int rowBytes = inner * es;
        long[] index = new long[rank];
        long base = start;
        for (int pos = 0; pos < dst.length; pos += rowBytes) {
            if (innerStride == es) {
                System.arraycopy(src, (int) base, dst, pos, rowBytes);
            } else {
                for (int i = 0; i < inner; i++) {
                    System.arraycopy(src, (int) (base + i * innerStride), dst, pos + i * es, es);
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                if (++index[d] < sz[d]) {
                    base += st[d];
                    break;
                }
                base -= (sz[d] - 1) * st[d];
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
