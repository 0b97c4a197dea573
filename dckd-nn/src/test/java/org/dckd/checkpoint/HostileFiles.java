package org.dckd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds hostile checkpoint files byte by byte for the hardening tests: hand-assembled pickles, torch zip archives,
 * zip archives whose headers lie, safetensors headers and {@code .npy} records. Nothing here uses PyTorch or numpy,
 * and nothing is ever executed.
 */
final class HostileFiles {

    private HostileFiles() {}

    // -------------------------------------------------------------------------------------------------- pickles

    /** Writes pickle opcodes one by one. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** Raw bytes (opcodes and their arguments). */
        Pickle raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        /** Raw bytes. */
        Pickle raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        /** Raw ASCII text. */
        Pickle text(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            return this;
        }

        /** {@code PROTO n}. */
        Pickle proto(int n) {
            return raw(0x80, n);
        }

        /** {@code GLOBAL 'module name'}. */
        Pickle global(String module, String name) {
            return raw('c').text(module + "\n" + name + "\n");
        }

        /** {@code BINUNICODE s}. */
        Pickle string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            raw('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        /** An integer: {@code BININT} when it fits 32 bits, else {@code LONG1} with 8 bytes. */
        Pickle integer(long v) {
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                raw('J');
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
            } else {
                raw(0x8a, 8);
                out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            }
            return this;
        }

        /** {@code MARK}, the integers, {@code TUPLE}. */
        Pickle tupleOf(long... values) {
            raw('(');
            for (long v : values) {
                integer(v);
            }
            return raw('t');
        }

        /** {@code collections.OrderedDict()}: GLOBAL, EMPTY_TUPLE, REDUCE. */
        Pickle orderedDict() {
            return global("collections", "OrderedDict").raw(')', 'R');
        }

        /** The pickle so far. */
        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /**
     * One tensor of a hand-written state dict: {@code torch._utils._rebuild_tensor_v2} of a FloatStorage view.
     *
     * @param key the state-dict key
     * @param storageKey the storage's key ({@code data/<storageKey>} in a zip)
     * @param storageNumel the element count the persistent id declares
     * @param offset the storage offset
     * @param size the size tuple
     * @param stride the stride tuple
     */
    record TensorSpec(String key, String storageKey, long storageNumel, long offset, long[] size, long[] stride) {}

    /** A protocol-2 pickle of {@code OrderedDict(key -> tensor, ...)} as torch.save writes it. */
    static byte[] stateDictPickle(TensorSpec... tensors) {
        Pickle p = new Pickle().proto(2).orderedDict().raw('(');
        for (TensorSpec t : tensors) {
            p.string(t.key()).global("torch._utils", "_rebuild_tensor_v2").raw('(');
            p.raw('(').string("storage").global("torch", "FloatStorage").string(t.storageKey()).string("cpu")
                    .integer(t.storageNumel()).raw('t', 'Q');
            p.integer(t.offset()).tupleOf(t.size()).tupleOf(t.stride()).raw(0x89).orderedDict().raw('t', 'R');
        }
        return p.raw('u', '.').bytes();
    }

    /**
     * Writes a torch.save zip archive: {@code archive/data.pkl}, {@code archive/data/<key>} for each storage and
     * {@code archive/version}, all stored uncompressed with correct sizes and CRCs.
     */
    static Path torchZip(Path file, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        storages.forEach((k, v) -> entries.put("archive/data/" + k, v));
        entries.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return storedZip(file, entries);
    }

    /** Writes a zip of stored (uncompressed) entries with correct headers. */
    static Path storedZip(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(e.getValue().length);
                entry.setCompressedSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                entry.setCrc(crc.getValue());
                z.putNextEntry(entry);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return file;
    }

    /**
     * Writes a legacy (non-zip) torch.save file: the magic number, protocol 1001 and system-info pickles, the main
     * pickle, the storage key list and, for each storage, an 8-byte little-endian element count and its bytes.
     *
     * @param storages storage key to (declared element count, bytes)
     */
    static Path legacy(Path file, byte[] mainPickle, Map<String, Map.Entry<Long, byte[]>> storages)
            throws IOException {
        return legacy(file, new Pickle().proto(2).raw('M', 0xe9, 0x03, '.').bytes(), mainPickle, storages);
    }

    /** {@link #legacy(Path, byte[], Map)} with the given protocol-version pickle. */
    static Path legacy(Path file, byte[] protocolPickle, byte[] mainPickle,
            Map<String, Map.Entry<Long, byte[]>> storages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new Pickle().proto(2).raw(0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19,
                '.').bytes());
        out.writeBytes(protocolPickle);
        out.writeBytes(new Pickle().proto(2).raw('}', '.').bytes());
        out.writeBytes(mainPickle);
        Pickle keys = new Pickle().proto(2).raw(']', '(');
        storages.keySet().forEach(keys::string);
        out.writeBytes(keys.raw('e', '.').bytes());
        for (Map.Entry<Long, byte[]> s : storages.values()) {
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(s.getKey()).array());
            out.writeBytes(s.getValue());
        }
        Files.write(file, out.toByteArray());
        return file;
    }

    /** Float32 storage bytes (little-endian) of the given values. */
    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    // ------------------------------------------------------------------------------------------ hand-made zips

    /**
     * One entry of a hand-made zip whose headers say whatever the test wants.
     *
     * @param name the entry name
     * @param method {@link ZipEntry#STORED} or {@link ZipEntry#DEFLATED}
     * @param crc the CRC the headers declare
     * @param declaredSize the uncompressed size the headers declare
     * @param data the entry's bytes as stored in the archive (compressed for DEFLATED)
     */
    record RawEntry(String name, int method, long crc, long declaredSize, byte[] data) {}

    /** Writes a zip archive byte by byte: local headers, data, central directory, end record (no zip64). */
    static Path rawZip(Path file, RawEntry... entries) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(estimate(entries)).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> offsets = new ArrayList<>();
        for (RawEntry e : entries) {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            offsets.add(b.position());
            b.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) e.method())
                    .putShort((short) 0).putShort((short) 0x21).putInt((int) e.crc()).putInt(e.data().length)
                    .putInt((int) e.declaredSize()).putShort((short) name.length).putShort((short) 0).put(name)
                    .put(e.data());
        }
        int cdStart = b.position();
        for (int i = 0; i < entries.length; i++) {
            RawEntry e = entries[i];
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            b.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0)
                    .putShort((short) e.method()).putShort((short) 0).putShort((short) 0x21).putInt((int) e.crc())
                    .putInt(e.data().length).putInt((int) e.declaredSize()).putShort((short) name.length)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                    .putInt(offsets.get(i)).put(name);
        }
        int cdSize = b.position() - cdStart;
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.length)
                .putShort((short) entries.length).putInt(cdSize).putInt(cdStart).putShort((short) 0);
        Files.write(file, java.util.Arrays.copyOf(b.array(), b.position()));
        return file;
    }

    private static int estimate(RawEntry... entries) {
        int n = 22;
        for (RawEntry e : entries) {
            n += 30 + 46 + 2 * e.name().length() * 4 + e.data().length;
        }
        return n;
    }

    /**
     * Raw deflate data (as in a zip entry) that inflates to {@code mebibytes} MiB of zeros: one independently
     * compressed MiB (a full flush resets the compressor), repeated, then an empty final block. About 1 KB per MiB.
     */
    static byte[] deflateBombOfZeros(int mebibytes) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(new byte[1 << 20]);
        byte[] buf = new byte[1 << 16];
        int n = deflater.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH);
        deflater.end();
        if (n >= buf.length) {
            throw new IllegalStateException("one MiB of zeros did not compress");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(n * mebibytes + 2);
        for (int i = 0; i < mebibytes; i++) {
            out.write(buf, 0, n);
        }
        out.write(0x03); // final fixed-Huffman block holding only the end-of-block code
        out.write(0x00);
        return out.toByteArray();
    }

    // ------------------------------------------------------------------------------------- safetensors and npy

    /** Writes a safetensors file: the 8-byte length, the JSON header (padded with spaces), then {@code data}. */
    static Path safetensors(Path file, String headerJson, byte[] data) throws IOException {
        byte[] json = headerJson.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        while (b.position() < 8 + padded) {
            b.put((byte) ' ');
        }
        b.put(data);
        Files.write(file, b.array());
        return file;
    }

    /** An {@code .npy} version 1.0 record with the given header dict text and data. */
    static byte[] npy(String headerDict, byte[] data) {
        StringBuilder header = new StringBuilder(headerDict);
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length())
                .put(header.toString().getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    /**
     * Asserts that reading {@code file} is refused with {@code reason}, by a message that starts with the file and
     * contains every phrase.
     *
     * @return the exception
     */
    static CheckpointException refused(Path file, CheckpointException.Reason reason, String... phrases) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(file));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        for (String p : phrases) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
        }
        return e;
    }
}
