package org.dckd.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.types.DataType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** Reads every tensor, in header order. */
    static Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, ch, lenBuf, 0);
            long n = lenBuf.flip().getLong();
            if (n < 2 || n > MAX_HEADER) {
                throw new CheckpointException(Reason.CORRUPT, file, "safetensors header length " + n
                        + " is not plausible");
            }
            if (8 + n > size) {
                throw new CheckpointException(Reason.TRUNCATED, file, "the file is truncated: the safetensors "
                        + "header needs " + n + " bytes but the file has " + size);
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
            readFully(file, ch, headerBuf, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                throw new CheckpointException(Reason.CORRUPT, file, "malformed safetensors header JSON: "
                        + e.getOriginalMessage(), e);
            }
            if (header == null || !header.isObject()) {
                throw new CheckpointException(Reason.CORRUPT, file, "the safetensors header is not a JSON object");
            }
            long dataStart = 8 + n;
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                out.put(e.getKey(), readTensor(file, ch, e.getKey(), e.getValue(), dataStart, size));
            }
            return out;
        }
    }

    private static Tensor readTensor(Path file, FileChannel ch, String key, JsonNode info, long dataStart,
            long fileSize) throws IOException {
        JsonNode dtype = info.get("dtype");
        JsonNode shape = info.get("shape");
        JsonNode offsets = info.get("data_offsets");
        if (dtype == null || shape == null || offsets == null || !shape.isArray() || !offsets.isArray()
                || offsets.size() != 2) {
            throw new CheckpointException(Reason.CORRUPT, file, "safetensors entry '" + key
                    + "' lacks dtype, shape or data_offsets: " + info);
        }
        DataType dataType = DTYPES.get(dtype.asText());
        if (dataType == null) {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "tensor '" + key + "' has safetensors dtype "
                    + dtype.asText());
        }
        long[] dims = new long[shape.size()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).asLong(-1);
            if (dims[i] < 0) {
                throw new CheckpointException(Reason.CORRUPT, file, "tensor '" + key + "' has shape " + shape);
            }
            numel = Math.multiplyExact(numel, dims[i]);
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        long expected = numel * dataType.getNumOfBytes();
        if (begin < 0 || end < begin || end - begin != expected) {
            throw new CheckpointException(Reason.SIZE_MISMATCH, file, "tensor '" + key + "' (" + dtype.asText()
                    + shape + ") needs " + expected + " bytes but data_offsets are " + offsets);
        }
        if (dataStart + end > fileSize) {
            throw new CheckpointException(Reason.TRUNCATED, file, "the file is truncated: tensor '" + key
                    + "' ends at byte " + (dataStart + end) + " of a " + fileSize + "-byte file");
        }
        if (expected > PickledTensor.MAX_BYTES) {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "tensor '" + key + "' has " + expected
                    + " bytes; tensors over 2 GiB are not supported");
        }
        ByteBuffer data = ByteBuffer.allocate((int) expected);
        readFully(file, ch, data, dataStart + begin);
        data.flip();
        return new Tensor(dataType, dims, data.order(ByteOrder.LITTLE_ENDIAN));
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
