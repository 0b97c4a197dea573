package org.dckd.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import ai.djl.ndarray.types.DataType;

import org.dckd.checkpoint.CheckpointException.Reason;

/**
 * NumPy {@code .npy} arrays and {@code .npz} archives ({@code numpy.savez} / {@code savez_compressed}), in plain Java.
 *
 * <p>An {@code .npy} record is the magic {@code \x93NUMPY}, a version, a header length (2 bytes for version 1, 4 for
 * versions 2 and 3), a Python-literal header {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} and
 * the raw data. Object arrays ({@code descr 'O'}) are refused, since they are pickles.
 */
final class NumpyFormat {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final Pattern DIMENSION = Pattern.compile("[0-9]+");

    private NumpyFormat() {}

    /** Whether a zip archive is an {@code .npz}: it has entries and every one is an {@code .npy} file. */
    static boolean isNpz(ZipFile zip) {
        return zip.size() > 0 && zip.stream().allMatch(e -> e.getName().endsWith(".npy"));
    }

    /**
     * Reads every array of an {@code .npz}, keyed by entry name without {@code .npy}, in archive order. Entries are
     * read within the budget (see {@link TorchCheckpointReader#readEntry}).
     */
    static Map<String, Tensor> readNpz(Path file, ZipFile zip, ReadBudget budget) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ZipEntry e : Collections.list(zip.entries())) {
            String key = e.getName().substring(0, e.getName().length() - ".npy".length());
            out.put(key, readNpy(file, key, TorchCheckpointReader.readEntry(file, zip, e, budget), budget));
        }
        return out;
    }

    /**
     * Parses one {@code .npy} record. A C-order little-endian array shares the record's bytes; a Fortran-order or
     * big-endian one is copied (charged to the budget).
     */
    static Tensor readNpy(Path file, String key, byte[] bytes, ReadBudget budget) {
        if (bytes.length < 10 || !startsWith(bytes, MAGIC)) {
            throw new CheckpointException(Reason.CORRUPT, file, "array '" + key + "' is not an .npy record");
        }
        int major = bytes[6] & 0xff;
        int headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new CheckpointException(Reason.TRUNCATED, file, "array '" + key + "' is truncated");
            }
            headerLength = ByteBuffer.wrap(bytes, 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
            headerStart = 12;
        } else {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "array '" + key + "' uses .npy version " + major);
        }
        if (headerLength < 0 || headerLength > bytes.length - headerStart) {
            throw new CheckpointException(Reason.TRUNCATED, file, "array '" + key + "' ends inside its header");
        }
        String header = new String(bytes, headerStart, headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeM = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeM.find()) {
            throw new CheckpointException(Reason.CORRUPT, file, "array '" + key + "' has a malformed header: "
                    + clip(header.trim()));
        }
        String d = descr.group(1);
        DataType dataType = dataTypeOf(file, key, d);
        boolean bigEndian = d.charAt(0) == '>' && dataType.getNumOfBytes() > 1;
        long[] shape = parseShape(file, key, shapeM.group(1), major <= 2);
        int es = dataType.getNumOfBytes();
        long numel = 1;
        long needed;
        try {
            for (long dim : shape) {
                numel = Math.multiplyExact(numel, dim);
            }
            needed = Math.multiplyExact(numel, (long) es);
        } catch (ArithmeticException e) {
            throw new CheckpointException(Reason.SIZE_MISMATCH, file, "array '" + key + "' has shape "
                    + java.util.Arrays.toString(shape) + ", more elements or bytes than a 64-bit size can count");
        }
        if (needed > PickledTensor.MAX_BYTES) {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "array '" + key + "' has " + needed
                    + " bytes; tensors over 2 GiB are not supported");
        }
        int dataStart = headerStart + headerLength;
        if (bytes.length - dataStart < needed) {
            throw new CheckpointException(Reason.TRUNCATED, file, "array '" + key + "' holds " + (bytes.length
                    - dataStart) + " data bytes, its header announces " + needed);
        }
        long[] stride = new long[shape.length];
        boolean isFortran = fortran.group(1).equals("True");
        long s = 1;
        for (int i = 0; i < shape.length; i++) {
            int dim = isFortran ? i : shape.length - 1 - i;
            stride[dim] = s;
            s *= shape[dim]; // bounded by numel, checked above
        }
        // the record's bytes as a byte storage; the array views [dataStart, dataStart + needed) of it
        StorageRecord record = new StorageRecord(key, DataType.UINT8, bytes.length);
        record.setBytes(bytes);
        return new PickledTensor(new StorageRecord.Slice(record, dataStart, needed), dataType, 0, shape, stride)
                .materialise(file, key, bigEndian, budget);
    }

    /**
     * Parses the {@code shape} tuple of a header ({@code 2, 3} or {@code 4,} or empty). Python 2 wrote integers with
     * an {@code L} suffix ({@code 2L, 3L}); like {@code numpy.load}, it is accepted in version 1 and 2 headers.
     */
    private static long[] parseShape(Path file, String key, String tuple, boolean allowLongSuffix) {
        String content = tuple.trim();
        if (content.isEmpty()) {
            return new long[0];
        }
        String[] parts = content.split(",", -1);
        int n = parts[parts.length - 1].trim().isEmpty() ? parts.length - 1 : parts.length;
        long[] shape = new long[n];
        for (int i = 0; i < n; i++) {
            String dim = parts[i].trim();
            if (allowLongSuffix && dim.endsWith("L")) {
                dim = dim.substring(0, dim.length() - 1);
            }
            if (!DIMENSION.matcher(dim).matches()) {
                throw new CheckpointException(Reason.CORRUPT, file, "array '" + key + "' has an invalid shape ("
                        + clip(tuple) + "): '" + clip(parts[i].trim()) + "' is not a non-negative integer");
            }
            try {
                shape[i] = Long.parseLong(dim);
            } catch (NumberFormatException e) {
                throw new CheckpointException(Reason.SIZE_MISMATCH, file, "array '" + key + "' has shape ("
                        + clip(tuple) + "): dimension " + clip(dim) + " does not fit in 64 bits");
            }
        }
        return shape;
    }

    private static String clip(String text) {
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    private static DataType dataTypeOf(Path file, String key, String descr) {
        if (descr.length() < 2 || "<>|=".indexOf(descr.charAt(0)) < 0) {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "array '" + key + "' has dtype '" + descr + "'");
        }
        return switch (descr.substring(1)) {
            case "f4" -> DataType.FLOAT32;
            case "f8" -> DataType.FLOAT64;
            case "f2" -> DataType.FLOAT16;
            case "i8" -> DataType.INT64;
            case "i4" -> DataType.INT32;
            case "i2" -> DataType.INT16;
            case "i1" -> DataType.INT8;
            case "u1" -> DataType.UINT8;
            case "u2" -> DataType.UINT16;
            case "u4" -> DataType.UINT32;
            case "u8" -> DataType.UINT64;
            case "b1" -> DataType.BOOLEAN;
            default -> throw new CheckpointException(Reason.UNSUPPORTED, file, "array '" + key + "' has dtype '"
                    + descr + "'" + (descr.endsWith("O") ? " (Python objects, stored as a pickle)" : ""));
        };
    }

    /** The numpy {@code descr} of a data type, or {@code null} if numpy has none (bfloat16). */
    static String descr(DataType t) {
        return switch (t) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case FLOAT16 -> "<f2";
            case INT64 -> "<i8";
            case INT32 -> "<i4";
            case INT16 -> "<i2";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case UINT16 -> "<u2";
            case UINT32 -> "<u4";
            case UINT64 -> "<u8";
            case BOOLEAN -> "|b1";
            default -> null;
        };
    }

    /** Writes the tensors as an uncompressed {@code .npz} (as {@code numpy.savez} does). */
    static void writeNpz(StateDict stateDict, OutputStream target, Path file) throws IOException {
        StoredZipWriter zip = new StoredZipWriter(target, 1);
        for (Map.Entry<String, Tensor> e : stateDict.tensors().entrySet()) {
            Tensor t = e.getValue();
            String descr = descr(t.dataType());
            if (descr == null) {
                throw new CheckpointException(Reason.WRITE_REFUSED, file, "tensor '" + e.getKey() + "' is "
                        + t.dataType() + ", which numpy cannot represent; write safetensors instead");
            }
            zip.add(e.getKey() + ".npy", npy(t, descr));
        }
        zip.finish();
    }

    private static byte[] npy(Tensor t, String descr) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        long[] dims = t.shape();
        for (int i = 0; i < dims.length; i++) {
            shape.append(dims[i]).append(dims.length == 1 ? "," : i + 1 < dims.length ? ", " : "");
        }
        shape.append(')');
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': "
                + shape + ", }");
        // pad so that the data starts at a multiple of 64, header ends with '\n' (numpy's own layout)
        int total = 10 + header.length() + 1;
        while (total % 64 != 0) {
            header.append(' ');
            total++;
        }
        header.append('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream(total + (int) (t.numel() * t.dataType().getNumOfBytes()));
        out.write(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write(header.length() >>> 8);
        out.write(header.toString().getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer data = t.data();
        byte[] raw = new byte[data.remaining()];
        data.get(raw);
        out.write(raw);
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
