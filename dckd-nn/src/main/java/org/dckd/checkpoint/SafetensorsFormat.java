package org.dckd.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.types.DataType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.checkpoint.CheckpointException.Reason;

/**
 * The {@code .safetensors} format, in plain Java: an 8-byte little-endian header length N, N bytes of JSON
 * ({@code {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}},
 * padded with spaces), then the tensors' little-endian C-order bytes; offsets are relative to the end of the header.
 */
final class SafetensorsFormat {

    /** Headers larger than this are refused as corrupt (the reference implementation uses 100 MB). */
    static final long MAX_HEADER = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectReader JSON_READER = JSON.reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    private static final Map<String, DataType> DTYPES = Map.ofEntries(
            Map.entry("F64", DataType.FLOAT64), Map.entry("F32", DataType.FLOAT32), Map.entry("F16", DataType.FLOAT16),
            Map.entry("BF16", DataType.BFLOAT16), Map.entry("I64", DataType.INT64), Map.entry("I32", DataType.INT32),
            Map.entry("I16", DataType.INT16), Map.entry("I8", DataType.INT8), Map.entry("U8", DataType.UINT8),
            Map.entry("U16", DataType.UINT16), Map.entry("U32", DataType.UINT32), Map.entry("U64", DataType.UINT64),
            Map.entry("BOOL", DataType.BOOLEAN));

    private SafetensorsFormat() {}

    /** The safetensors dtype name of a data type, or {@code null}. */
    static String dtypeName(DataType t) {
        for (Map.Entry<String, DataType> e : DTYPES.entrySet()) {
            if (e.getValue() == t) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Whether the first bytes look like a safetensors file of {@code fileSize} bytes. */
    static boolean looksLike(byte[] head, int headLength, long fileSize) {
        if (headLength < 9 || head[8] != '{') {
            return false;
        }
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return n >= 2 && n <= MAX_HEADER;
    }

    /**
     * Reads every tensor, in header order. The header is validated as a whole before any tensor data is read: every
     * entry's {@code [begin, end)} must hold exactly {@code numel * itemsize} bytes (computed with overflow checks),
     * and the ranges must cover the data section exactly, without overlaps or holes (as the format requires), so the
     * tensors together never need more memory than the file holds. Each tensor is charged to the budget before it is
     * read.
     */
    static Map<String, Tensor> read(Path file, ReadBudget budget) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, ch, lenBuf, 0);
            long n = lenBuf.flip().getLong();
            if (n < 2 || n > MAX_HEADER) {
                throw new CheckpointException(Reason.CORRUPT, file, "safetensors header length " + n
                        + " is not plausible");
            }
            if (n > size - 8) {
                throw new CheckpointException(Reason.TRUNCATED, file, "the file is truncated: the safetensors "
                        + "header needs " + n + " bytes but the file has " + size);
            }
            budget.charge(n, "the safetensors header");
            ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
            readFully(file, ch, headerBuf, 8);
            JsonNode header;
            try {
                header = JSON_READER.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new CheckpointException(Reason.CORRUPT, file, "malformed safetensors header JSON: "
                        + e.getOriginalMessage(), e);
            }
            if (header == null || !header.isObject()) {
                throw new CheckpointException(Reason.CORRUPT, file, "the safetensors header is not a JSON object");
            }
            long dataStart = 8 + n;
            long dataLength = size - dataStart;
            List<Entry> entries = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                entries.add(parseEntry(file, e.getKey(), e.getValue(), dataStart, size));
            }
            checkLayout(file, entries, dataLength);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Entry e : entries) {
                long length = e.end() - e.begin();
                budget.charge(length, "tensor '" + e.key() + "'");
                ByteBuffer data = ByteBuffer.allocate((int) length);
                readFully(file, ch, data, dataStart + e.begin());
                data.flip();
                out.put(e.key(), new Tensor(e.dataType(), e.shape(), data.order(ByteOrder.LITTLE_ENDIAN)));
            }
            return out;
        }
    }

    /** One validated header entry: {@code [begin, end)} is relative to the data section. */
    private record Entry(String key, DataType dataType, long[] shape, long begin, long end) {}

    private static Entry parseEntry(Path file, String key, JsonNode info, long dataStart, long fileSize) {
        JsonNode dtype = info.get("dtype");
        JsonNode shape = info.get("shape");
        JsonNode offsets = info.get("data_offsets");
        if (!info.isObject() || dtype == null || shape == null || offsets == null || !shape.isArray()
                || !offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointException(Reason.CORRUPT, file, "safetensors entry '" + key
                    + "' lacks dtype, shape or data_offsets: " + clip(info.toString()));
        }
        DataType dataType = dtype.isTextual() ? DTYPES.get(dtype.asText()) : null;
        if (dataType == null) {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "tensor '" + key + "' has safetensors dtype "
                    + clip(dtype.toString()));
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = nonNegativeLong(shape.get(i));
            if (dims[i] < 0) {
                throw new CheckpointException(Reason.CORRUPT, file, "tensor '" + key + "' has shape "
                        + clip(shape.toString()) + ": dimensions must be non-negative integers");
            }
        }
        long begin = nonNegativeLong(offsets.get(0));
        long end = nonNegativeLong(offsets.get(1));
        long expected;
        try {
            long numel = 1;
            for (long d : dims) {
                numel = Math.multiplyExact(numel, d);
            }
            expected = Math.multiplyExact(numel, (long) dataType.getNumOfBytes());
        } catch (ArithmeticException e) {
            throw new CheckpointException(Reason.SIZE_MISMATCH, file, "tensor '" + key + "' (" + dtype.asText()
                    + clip(shape.toString()) + ") has more elements or bytes than a 64-bit size can count");
        }
        if (begin < 0 || end < begin || end - begin != expected) {
            throw new CheckpointException(Reason.SIZE_MISMATCH, file, "tensor '" + key + "' (" + dtype.asText()
                    + clip(shape.toString()) + ") needs " + expected + " bytes but data_offsets are "
                    + clip(offsets.toString()));
        }
        if (end > fileSize - dataStart) {
            throw new CheckpointException(Reason.TRUNCATED, file, "the file is truncated: tensor '" + key
                    + "' ends at byte " + (dataStart + end) + " of a " + fileSize + "-byte file");
        }
        if (expected > PickledTensor.MAX_BYTES) {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "tensor '" + key + "' has " + expected
                    + " bytes; tensors over 2 GiB are not supported");
        }
        return new Entry(key, dataType, dims, begin, end);
    }

    /** The value of an integral JSON number that fits in a non-negative long, or -1. */
    private static long nonNegativeLong(JsonNode node) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            return -1;
        }
        return node.asLong();
    }

    /**
     * Checks that the entries' ranges, in offset order, tile the data section: no overlap (two tensors over the same
     * bytes), no hole, nothing after the last tensor. The format requires this; the reference implementation
     * refuses such files too.
     */
    private static void checkLayout(Path file, List<Entry> entries, long dataLength) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw new CheckpointException(Reason.CORRUPT, file, "tensor '" + e.key() + "' (data_offsets ["
                        + e.begin() + ", " + e.end() + "]) overlaps tensor '" + previous.key() + "' (data_offsets ["
                        + previous.begin() + ", " + previous.end() + "]); safetensors data ranges may not overlap");
            }
            if (e.begin() > covered) {
                throw new CheckpointException(Reason.CORRUPT, file, "bytes [" + covered + ", " + e.begin()
                        + ") of the data section belong to no tensor (a hole before tensor '" + e.key() + "'); "
                        + "safetensors data ranges must cover the data section without gaps");
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataLength) {
            throw new CheckpointException(Reason.CORRUPT, file, "the data section has " + (dataLength - covered)
                    + " bytes after the last tensor" + (previous == null ? "" : " ('" + previous.key() + "')")
                    + "; safetensors data ranges must cover the data section exactly");
        }
    }

    private static String clip(String text) {
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new CheckpointException(Reason.TRUNCATED, file, "the file is truncated at byte " + pos);
            }
            pos += n;
        }
    }

    /** Writes the tensors (in state-dict order) with the given {@code __metadata__} (may be empty; sorted by key). */
    static void write(StateDict stateDict, Map<String, String> metadata, OutputStream out, Path file)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new java.util.TreeMap<>(metadata).forEach(meta::put); // sorted: byte-identical files for equal input
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : stateDict.tensors().entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new CheckpointException(Reason.WRITE_REFUSED, file, "a tensor cannot be named __metadata__");
            }
            Tensor t = e.getValue();
            String dtype = dtypeName(t.dataType());
            if (dtype == null) {
                throw new CheckpointException(Reason.WRITE_REFUSED, file, "tensor '" + e.getKey() + "' has type "
                        + t.dataType() + ", which safetensors cannot store");
            }
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", dtype);
            ArrayNode shape = info.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long length = t.numel() * t.dataType().getNumOfBytes();
            info.putArray("data_offsets").add(offset).add(offset + length);
            offset += length;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        out.write(prefix.array());
        byte[] chunk = new byte[1 << 16];
        for (Tensor t : stateDict.tensors().values()) {
            ByteBuffer data = t.data();
            while (data.hasRemaining()) {
                int n = Math.min(chunk.length, data.remaining());
                data.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }
}
