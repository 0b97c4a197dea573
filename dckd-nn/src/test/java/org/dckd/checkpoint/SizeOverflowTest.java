package org.dckd.checkpoint;

import static org.dckd.checkpoint.HostileFiles.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.dckd.checkpoint.CheckpointException.Reason;
import org.dckd.checkpoint.HostileFiles.Pickle;
import org.dckd.checkpoint.HostileFiles.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cases 4 and 5 of the hardening. Sizes are computed with overflow-checked arithmetic in every format (a shape of
 * 2^62 float32 elements used to pass as 0 bytes), and every content problem is a {@link CheckpointException} that names
 * the file and the tensor, array, storage or pickle, never a raw {@code ArithmeticException},
 * {@code NegativeArraySizeException}, {@code ArrayIndexOutOfBoundsException}, {@code NumberFormatException} or
 * {@code ClassCastException} with a message such as {@code long overflow} or {@code -16}.
 */
class SizeOverflowTest {

    private static final long TWO_POW_62 = 1L << 62;

    @TempDir
    Path dir;

    /** The raw messages the readers used to let through, naming nothing. */
    private static final String[] RAW_MESSAGES = {"len < 0", "For input string", "long overflow", "arraycopy",
        "out of bounds", "cannot be cast", "Index -1"};

    // ------------------------------------------------------------------------------------------------ case 4

    @Test
    void safetensorsShapeWhoseByteSizeOverflowsToZero() throws IOException {
        // 2^62 float32 elements are 2^64 bytes, which wrapped to 0 and matched data_offsets [0, 0]
        Path file = HostileFiles.safetensors(dir.resolve("zero.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[" + TWO_POW_62 + "],\"data_offsets\":[0,0]}}", new byte[0]);
        refused(file, Reason.SIZE_MISMATCH, "tensor 'w' (F32[" + TWO_POW_62 + "])", "64-bit");
        Path product = HostileFiles.safetensors(dir.resolve("product.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[" + TWO_POW_62 + ",4],\"data_offsets\":[0,0]}}", new byte[0]);
        refused(product, Reason.SIZE_MISMATCH, "tensor 'w'", "64-bit");
        Path fraction = HostileFiles.safetensors(dir.resolve("fraction.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4]);
        refused(fraction, Reason.CORRUPT, "tensor 'w' has shape [1.5]", "non-negative integers");
    }

    @Test
    void npyShapesAreOverflowChecked() throws IOException {
        Path single = npz("single.npz", "(" + TWO_POW_62 + ",)", new byte[0]);
        refused(single, Reason.SIZE_MISMATCH, "array 'w'", "64-bit");
        // was ArithmeticException: long overflow
        Path product = npz("product.npz", "(" + TWO_POW_62 + ", " + TWO_POW_62 + ")", new byte[0]);
        refused(product, Reason.SIZE_MISMATCH, "array 'w'", "64-bit");
        Path huge = npz("huge.npz", "(99999999999999999999999,)", new byte[0]);
        refused(huge, Reason.SIZE_MISMATCH, "array 'w'", "does not fit in 64 bits");
    }

    @Test
    void torchStorageWhoseByteSizeOverflows() throws IOException {
        byte[] pickle = HostileFiles.stateDictPickle(
                new TensorSpec("w", "0", TWO_POW_62, 0, new long[] {TWO_POW_62}, new long[] {1}));
        Path zip = HostileFiles.torchZip(dir.resolve("storage.pth"), pickle, Map.of("0", new byte[0]));
        refused(zip, Reason.SIZE_MISMATCH, "storage record 'archive/data/0' declares " + TWO_POW_62
                + " elements of float32", "64-bit", "tensors [w]");
        Path legacy = HostileFiles.legacy(dir.resolve("storage_legacy.pth"), pickle,
                Map.of("0", Map.entry(TWO_POW_62, new byte[0])));
        refused(legacy, Reason.SIZE_MISMATCH, "storage '0' declares " + TWO_POW_62 + " elements", "tensors [w]");
    }

    @Test
    void torchStridesAndOffsetsAreOverflowChecked() throws IOException {
        Map<String, byte[]> storage = Map.of("0", HostileFiles.floats(1, 2, 3, 4));
        Path stride = HostileFiles.torchZip(dir.resolve("stride.pth"), HostileFiles.stateDictPickle(
                new TensorSpec("w", "0", 4, 0, new long[] {3}, new long[] {TWO_POW_62})), storage);
        refused(stride, Reason.SIZE_MISMATCH, "tensor 'w'", "64-bit");
        // was ArrayIndexOutOfBoundsException: arraycopy: source index -4 out of bounds for byte[16]
        Path offset = HostileFiles.torchZip(dir.resolve("offset.pth"), HostileFiles.stateDictPickle(
                new TensorSpec("w", "0", 4, Long.MAX_VALUE, new long[] {2}, new long[] {1})), storage);
        refused(offset, Reason.SIZE_MISMATCH, "tensor 'w'", "offset " + Long.MAX_VALUE, "64-bit");
        Path elements = HostileFiles.torchZip(dir.resolve("elements.pth"), HostileFiles.stateDictPickle(
                new TensorSpec("w", "0", 4, 0, new long[] {TWO_POW_62, 8}, new long[] {8, 1})), storage);
        refused(elements, Reason.SIZE_MISMATCH, "tensor 'w'", "64-bit");
    }

    // ------------------------------------------------------------------------------------------------ case 5

    @Test
    void negativeSizesNameTheirStorageOrArray() throws IOException {
        // was IllegalArgumentException: len < 0 (a legacy storage of -4 elements)
        byte[] pickle = HostileFiles.stateDictPickle(new TensorSpec("w", "0", -4, 0, new long[] {1}, new long[] {1}));
        Path legacy = HostileFiles.legacy(dir.resolve("negative.pth"), pickle,
                Map.of("0", Map.entry(-4L, new byte[0])));
        refused(legacy, Reason.CORRUPT, "storage '0' declares a negative size -4", "the main pickle");
        // was NegativeArraySizeException: -16 (an .npy shape of -4 float32 elements)
        Path npy = npz("negative.npz", "(-4,)", new byte[16]);
        refused(npy, Reason.CORRUPT, "array 'w' has an invalid shape (-4,)");
        // a negative tensor size in a zip checkpoint
        Path zip = HostileFiles.torchZip(dir.resolve("negative_size.pth"), HostileFiles.stateDictPickle(
                new TensorSpec("w", "0", 4, 0, new long[] {-4}, new long[] {1})),
                Map.of("0", HostileFiles.floats(1, 2, 3, 4)));
        refused(zip, Reason.CORRUPT, "tensor 'w' has a negative size or stride");
    }

    @Test
    void python2NpyShapesReadAsNumpyReadsThem() throws IOException {
        // was NumberFormatException: For input string: "2L" (numpy.load accepts the L of Python 2 headers)
        StateDict sd = Checkpoints.read(npz("py2.npz", "(2L, 1L)", HostileFiles.floats(1.5f, -2f)));
        assertArrayEquals(new long[] {2, 1}, sd.get("w").shape());
        assertArrayEquals(new float[] {1.5f, -2f}, sd.get("w").toFloatArray());
        refused(npz("bad.npz", "(2x,)", new byte[8]), Reason.CORRUPT, "array 'w' has an invalid shape (2x,)",
                "'2x' is not a non-negative integer");
        refused(npz("short.npz", "(4,)", new byte[8]), Reason.TRUNCATED, "array 'w' holds 8 data bytes",
                "announces 16");
    }

    @Test
    void malformedPicklesNameTheOpcodeAndTheEntry() throws IOException {
        String[][] cases = {
            // APPEND on a dict: was ClassCastException
            {"append_dict", "APPEND on dict of 0 entries instead of a list"},
            // POP on an empty stack: was IndexOutOfBoundsException: Index -1 out of bounds for length 0
            {"pop_empty", "opcode POP '0' at byte 2: it needs more operands than the stack holds"},
            // a storage key that is not a string
            {"tuple_key", "the storage key in persistent id ('storage', torch.FloatStorage, tuple of 0, 'cpu', int)"
                    + " is a tuple of 0, not a string"},
            // _rebuild_tensor_v2 whose size is a string
            {"string_size", "torch._utils._rebuild_tensor_v2 called with unexpected arguments (size and stride must "
                    + "be tuples, found string)"},
        };
        for (String[] c : cases) {
            Pickle p = new Pickle().proto(2);
            switch (c[0]) {
                case "append_dict" -> p.raw('}', 'N', 'a', '.');
                case "pop_empty" -> p.raw('0', '.');
                case "tuple_key" -> p.orderedDict().raw('(').string("w").global("torch._utils", "_rebuild_tensor_v2")
                        .raw('(', '(').string("storage").global("torch", "FloatStorage").raw(')').string("cpu")
                        .integer(1).raw('t', 'Q').integer(0).tupleOf(1).tupleOf(1).raw(0x89).orderedDict()
                        .raw('t', 'R', 'u', '.');
                default -> p.orderedDict().raw('(').string("w").global("torch._utils", "_rebuild_tensor_v2")
                        .raw('(', '(').string("storage").global("torch", "FloatStorage").string("0").string("cpu")
                        .integer(1).raw('t', 'Q').integer(0).string("1").tupleOf(1).raw(0x89).orderedDict()
                        .raw('t', 'R', 'u', '.');
            }
            Path file = HostileFiles.torchZip(dir.resolve(c[0] + ".pth"), p.bytes(),
                    Map.of("0", HostileFiles.floats(1)));
            refused(file, Reason.CORRUPT, "malformed pickle in archive/data.pkl", c[1]);
        }
    }

    private Path npz(String name, String shape, byte[] data) throws IOException {
        byte[] npy = HostileFiles.npy("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }", data);
        return HostileFiles.storedZip(dir.resolve(name), Map.of("w.npy", npy));
    }
}
