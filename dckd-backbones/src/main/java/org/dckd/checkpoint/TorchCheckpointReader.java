package org.dckd.checkpoint;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import net.razorvine.pickle.PickleException;

import org.dckd.checkpoint.CheckpointException.Reason;

/**
 * Reads the two PyTorch {@code torch.save} formats.
 *
 * <ul>
 *   <li>Zip (default since PyTorch 1.6): {@code <folder>/data.pkl} holds the pickle, {@code <folder>/data/<key>} the raw
 *       storages, {@code <folder>/byteorder} (PyTorch 2.1+) the byte order. The folder name is not relied on.</li>
 *   <li>Legacy (before 1.6, or {@code _use_new_zipfile_serialization=False}): consecutive pickles of the magic number,
 *       the protocol version (1001) and a system-info dict, then the main pickle whose persistent ids name storages,
 *       then a pickle of the storage keys in file order, then each storage as an 8-byte element count plus raw
 *       data.</li>
 * </ul>
 * Only the tensors of the chosen state dict are materialised (optimizer states in a training checkpoint are skipped).
 */
final class TorchCheckpointReader {

    /** Chooses the state dict inside the unpickled object. */
    interface Selector {
        Map<String, PickledTensor> select(Object root);
    }

    static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    static final int LEGACY_PROTOCOL = 1001;

    private TorchCheckpointReader() {}

    /** The folder prefix of the archive's {@code data.pkl} ({@code "archive/"}), or {@code null} if there is none. */
    static String pickleFolder(ZipFile zip) {
        String best = null;
        for (ZipEntry e : java.util.Collections.list(zip.entries())) {
            String n = e.getName();
            if (n.equals("data.pkl") || n.endsWith("/data.pkl")) {
                String prefix = n.substring(0, n.length() - "data.pkl".length());
                if (best == null || prefix.length() < best.length()) {
                    best = prefix;
                }
            }
        }
        return best;
    }

    /** Reads a zip-format checkpoint. */
    static Map<String, Tensor> readZip(Path file, ZipFile zip, Selector selector) {
        String prefix = pickleFolder(zip);
        if (zip.getEntry(prefix + "constants.pkl") != null || hasEntryUnder(zip, prefix + "code/")) {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "this is a TorchScript archive (torch.jit.save), "
                    + "which holds code as well as weights; save the model's state_dict() with torch.save instead");
        }
        boolean bigEndian = false;
        ZipEntry order = zip.getEntry(prefix + "byteorder");
        if (order != null) {
            String value = new String(readEntry(file, zip, order), StandardCharsets.US_ASCII).trim();
            if (value.equals("big")) {
                bigEndian = true;
            } else if (!value.equals("little")) {
                throw new CheckpointException(Reason.CORRUPT, file, "unknown byte order '" + value + "' in "
                        + order.getName());
            }
        }
        ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
        ByteArrayInputStream pickle = new ByteArrayInputStream(readEntry(file, zip, pkl));
        TorchUnpickler unpickler = new TorchUnpickler(file, pickle::available);
        Object root;
        try {
            root = unpickler.load(pickle);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(Reason.CORRUPT, file, "malformed pickle in " + pkl.getName() + ": "
                    + e.getMessage(), e);
        }
        Map<String, PickledTensor> chosen = selector.select(root);
        for (StorageRecord record : unpickler.records().values()) {
            String name = prefix + "data/" + record.key();
            record.setSource(r -> {
                ZipEntry entry = zip.getEntry(name);
                if (entry == null) {
                    throw new CheckpointException(Reason.MISSING_STORAGE, file, "storage record '" + name
                            + "' is missing from the archive (tensors "
                            + keysUsing(chosen, r) + " refer to it)");
                }
                long expected = r.numel() * r.dataType().getNumOfBytes();
                if (entry.getSize() >= 0 && entry.getSize() != expected) {
                    throw new CheckpointException(Reason.SIZE_MISMATCH, file, "storage record '" + name + "' holds "
                            + entry.getSize() + " bytes, but the pickle declares " + r.numel() + " elements of "
                            + r.dataType() + " (" + expected + " bytes)");
                }
                byte[] bytes = readEntry(file, zip, entry);
                if (bytes.length != expected) {
                    throw new CheckpointException(Reason.SIZE_MISMATCH, file, "storage record '" + name
                            + "' holds " + bytes.length + " bytes, expected " + expected);
                }
                return bytes;
            });
        }
        return materialise(file, chosen, bigEndian);
    }

    /** Reads a legacy-format checkpoint (or refuses a plain pickle that is not one). */
    static Map<String, Tensor> readLegacy(Path file, Selector selector) throws IOException {
        try (CountingInputStream in = new CountingInputStream(
                new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            long size = Files.size(file);
            TorchUnpickler unpickler = new TorchUnpickler(file, () -> size - in.count());
            Object magic;
            try {
                magic = loadPickle(file, unpickler, in, "magic number");
            } catch (DisallowedGlobalException e) {
                throw e;
            } catch (CheckpointException e) {
                throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, "not a checkpoint: unknown format (the "
                        + "content is not a valid pickle: " + e.getMessage().substring(file.toString().length() + 2)
                        + ")", e);
            }
            if (!(magic instanceof Number n) || !new BigInteger(n.toString()).equals(LEGACY_MAGIC)) {
                throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, "a pickle that is not a PyTorch "
                        + "checkpoint (it does not start with torch.save's magic number; first object: "
                        + TorchUnpickler.kind(magic) + ")");
            }
            Object protocol = loadPickle(file, unpickler, in, "protocol version");
            if (!(protocol instanceof Number p) || p.intValue() != LEGACY_PROTOCOL) {
                throw new CheckpointException(Reason.UNSUPPORTED, file, "legacy checkpoint protocol version "
                        + protocol + " (only " + LEGACY_PROTOCOL + " is supported)");
            }
            Object sysInfo = loadPickle(file, unpickler, in, "system info");
            boolean littleEndian = !(sysInfo instanceof Map<?, ?> info)
                    || !Boolean.FALSE.equals(info.get("little_endian"));
            Object root = loadPickle(file, unpickler, in, "main pickle");
            Map<String, PickledTensor> chosen = selector.select(root);
            Object keyList = loadPickle(file, unpickler, in, "storage key list");
            if (!(keyList instanceof List<?> keys)) {
                throw new CheckpointException(Reason.CORRUPT, file, "the storage key list is a "
                        + TorchUnpickler.kind(keyList));
            }
            Set<StorageRecord> needed = new HashSet<>();
            chosen.values().forEach(t -> needed.add(t.record()));
            for (Object k : keys) {
                String key = String.valueOf(k);
                StorageRecord record = unpickler.records().get(key);
                if (record == null) {
                    throw new CheckpointException(Reason.CORRUPT, file, "storage '" + key + "' in the data section "
                            + "is not referenced by the pickle, so its element size is unknown");
                }
                long start = in.count();
                byte[] header = in.readNBytes(8);
                if (header.length < 8) {
                    throw truncated(file, "inside the header of storage '" + key + "'", in.count());
                }
                long numel = littleEndian ? readLongLE(header) : readLongBE(header);
                if (numel != record.numel()) {
                    throw new CheckpointException(Reason.SIZE_MISMATCH, file, "storage '" + key + "' at byte " + start
                            + " holds " + numel + " elements, but the pickle declares " + record.numel());
                }
                long length = numel * record.dataType().getNumOfBytes();
                if (needed.contains(record)) {
                    if (length > PickledTensor.MAX_BYTES) {
                        throw new CheckpointException(Reason.UNSUPPORTED, file, "storage '" + key + "' has "
                                + length + " bytes; storages over 2 GiB are not supported");
                    }
                    byte[] data = in.readNBytes((int) length);
                    if (data.length < length) {
                        throw truncated(file, "inside storage '" + key + "' (" + length + " bytes from byte "
                                + (start + 8) + ")", in.count());
                    }
                    record.setBytes(data);
                } else {
                    try {
                        in.skipNBytes(length);
                    } catch (EOFException e) {
                        throw truncated(file, "inside storage '" + key + "'", in.count());
                    }
                }
            }
            for (StorageRecord record : needed) {
                if (!record.hasBytes()) {
                    throw new CheckpointException(Reason.MISSING_STORAGE, file, "storage '" + record.key()
                            + "' (used by tensors " + keysUsing(chosen, record) + ") is not in the data section");
                }
            }
            return materialise(file, chosen, !littleEndian);
        }
    }

    private static Object loadPickle(Path file, TorchUnpickler unpickler, CountingInputStream in, String what) {
        try {
            return unpickler.load(in);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | PickleException e) {
            if (in.reachedEnd()) {
                throw truncated(file, "inside the " + what, in.count());
            }
            throw new CheckpointException(Reason.CORRUPT, file, "malformed " + what + " pickle: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (in.reachedEnd()) {
                throw truncated(file, "inside the " + what, in.count());
            }
            throw new CheckpointException(Reason.CORRUPT, file, "malformed " + what + " pickle: " + e, e);
        }
    }

    private static Map<String, Tensor> materialise(Path file, Map<String, PickledTensor> chosen, boolean bigEndian) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        chosen.forEach((k, t) -> out.put(k, t.materialise(file, k, bigEndian)));
        return out;
    }

    private static List<String> keysUsing(Map<String, PickledTensor> chosen, StorageRecord record) {
        List<String> keys = new ArrayList<>();
        chosen.forEach((k, t) -> {
            if (t.record() == record) {
                keys.add(k);
            }
        });
        return keys;
    }

    private static boolean hasEntryUnder(ZipFile zip, String folder) {
        return zip.stream().anyMatch(e -> e.getName().startsWith(folder));
    }

    /** Reads a whole entry and checks its CRC. */
    static byte[] readEntry(Path file, ZipFile zip, ZipEntry entry) {
        if (entry.getSize() > PickledTensor.MAX_BYTES) {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "zip entry " + entry.getName() + " has "
                    + entry.getSize() + " bytes; entries over 2 GiB are not supported");
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readAllBytes();
        } catch (ZipException e) {
            throw new CheckpointException(Reason.CORRUPT, file, "corrupt zip entry " + entry.getName() + ": "
                    + e.getMessage(), e);
        } catch (EOFException e) {
            throw new CheckpointException(Reason.TRUNCATED, file, "zip entry " + entry.getName()
                    + " ends early: the file is truncated", e);
        } catch (IOException e) {
            throw new CheckpointException(Reason.CORRUPT, file, "cannot read zip entry " + entry.getName() + ": "
                    + e.getMessage(), e);
        }
        if (entry.getSize() >= 0 && bytes.length != entry.getSize()) {
            throw new CheckpointException(Reason.TRUNCATED, file, "zip entry " + entry.getName() + " holds "
                    + bytes.length + " of its " + entry.getSize() + " bytes: the file is truncated");
        }
        if (entry.getCrc() >= 0) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if (crc.getValue() != entry.getCrc()) {
                throw new CheckpointException(Reason.CORRUPT, file, "zip entry " + entry.getName()
                        + " is corrupt (CRC mismatch)");
            }
        }
        return bytes;
    }

    private static CheckpointException truncated(Path file, String where, long offset) {
        return new CheckpointException(Reason.TRUNCATED, file, "the file is truncated: it ends " + where
                + " after " + offset + " bytes");
    }

    private static long readLongLE(byte[] b) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    private static long readLongBE(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    /** Counts bytes and remembers whether the end of the file was reached. */
    static final class CountingInputStream extends FilterInputStream {
        private long count;
        private boolean end;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        boolean reachedEnd() {
            return end;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                end = true;
            } else {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n < 0) {
                end = true;
            } else {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(n);
            count += s;
            return s;
        }
    }
}
