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
 *
 * <p>Every allocation the file asks for is charged to a {@link ReadBudget} first: zip entries by their declared size
 * (which must be consistent with the compressed size, and which an entry may not inflate beyond), legacy storages by
 * their length (which must fit in the rest of the file), copies of views against the storages they view. Sizes are
 * computed with overflow checks.
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

    /** The most a {@code byteorder} record holds ({@code little} or {@code big}, perhaps with a newline). */
    private static final int MAX_BYTEORDER = 64;

    /**
     * The most a deflated zip entry can inflate to, per compressed byte: deflate's maximum ratio is about 1032:1 (a
     * run of one byte value).
     */
    static final long MAX_INFLATE_RATIO = 1032;

    /** Reads a zip-format checkpoint. */
    static Map<String, Tensor> readZip(Path file, ZipFile zip, Selector selector, ReadBudget budget) {
        String prefix = pickleFolder(zip);
        if (zip.getEntry(prefix + "constants.pkl") != null || hasEntryUnder(zip, prefix + "code/")) {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "this is a TorchScript archive (torch.jit.save), "
                    + "which holds code as well as weights; save the model's state_dict() with torch.save instead");
        }
        boolean bigEndian = false;
        ZipEntry order = zip.getEntry(prefix + "byteorder");
        if (order != null) {
            if (order.getSize() > MAX_BYTEORDER) {
                throw new CheckpointException(Reason.CORRUPT, file, "zip entry " + order.getName() + " declares "
                        + order.getSize() + " bytes; a byte order record holds 'little' or 'big'");
            }
            String value = new String(readEntry(file, zip, order, budget), StandardCharsets.US_ASCII).trim();
            if (value.equals("big")) {
                bigEndian = true;
            } else if (!value.equals("little")) {
                throw new CheckpointException(Reason.CORRUPT, file, "unknown byte order "
                        + TorchUnpickler.describe(value) + " in " + order.getName());
            }
        }
        ZipEntry pkl = zip.getEntry(prefix + "data.pkl");
        ByteArrayInputStream pickle = new ByteArrayInputStream(readEntry(file, zip, pkl, budget));
        TorchUnpickler unpickler = new TorchUnpickler(file, pickle::available);
        Object root;
        try {
            root = unpickler.load(pickle, pkl.getName());
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
                long expected = storageBytes(file, "storage record '" + name + "'", r, chosen);
                if (entry.getSize() >= 0 && entry.getSize() != expected) {
                    throw new CheckpointException(Reason.SIZE_MISMATCH, file, "storage record '" + name + "' holds "
                            + entry.getSize() + " bytes, but the pickle declares " + r.numel() + " elements of "
                            + r.dataType() + " (" + expected + " bytes; tensors " + keysUsing(chosen, r)
                            + " refer to it)");
                }
                byte[] bytes = readEntry(file, zip, entry, budget);
                if (bytes.length != expected) {
                    throw new CheckpointException(Reason.SIZE_MISMATCH, file, "storage record '" + name
                            + "' holds " + bytes.length + " bytes, expected " + expected);
                }
                return bytes;
            });
        }
        return materialise(file, chosen, bigEndian, budget);
    }

    /** Reads a legacy-format checkpoint (or refuses a plain pickle that is not one). */
    static Map<String, Tensor> readLegacy(Path file, Selector selector, ReadBudget budget) throws IOException {
        try (CountingInputStream in = new CountingInputStream(
                new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            long size = Files.size(file);
            TorchUnpickler unpickler = new TorchUnpickler(file, () -> size - in.count());
            Object magic;
            try {
                magic = loadPickle(file, unpickler, in, "magic number pickle");
            } catch (DisallowedGlobalException e) {
                throw e;
            } catch (CheckpointException e) {
                throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, "not a checkpoint: unknown format (the "
                        + "content is not a valid pickle: " + e.getMessage().substring(file.toString().length() + 2)
                        + ")", e);
            }
            if (!LEGACY_MAGIC.equals(integerValue(magic))) {
                throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, "a pickle that is not a PyTorch "
                        + "checkpoint (it does not start with torch.save's magic number; first object: "
                        + TorchUnpickler.kind(magic) + ")");
            }
            Object protocol = loadPickle(file, unpickler, in, "protocol version pickle");
            if (!BigInteger.valueOf(LEGACY_PROTOCOL).equals(integerValue(protocol))) {
                throw new CheckpointException(Reason.UNSUPPORTED, file, "legacy checkpoint protocol version "
                        + TorchUnpickler.describe(protocol) + " (only " + LEGACY_PROTOCOL + " is supported)");
            }
            Object sysInfo = loadPickle(file, unpickler, in, "system info pickle");
            boolean littleEndian = !(sysInfo instanceof Map<?, ?> info)
                    || !Boolean.FALSE.equals(info.get("little_endian"));
            Object root = loadPickle(file, unpickler, in, "main pickle");
            Map<String, PickledTensor> chosen = selector.select(root);
            Object keyList = loadPickle(file, unpickler, in, "storage key list pickle");
            if (!(keyList instanceof List<?> keys)) {
                throw new CheckpointException(Reason.CORRUPT, file, "the storage key list is a "
                        + TorchUnpickler.kind(keyList));
            }
            Set<StorageRecord> needed = new HashSet<>();
            chosen.values().forEach(t -> needed.add(t.record()));
            for (Object k : keys) {
                if (!(k instanceof String key)) {
                    throw new CheckpointException(Reason.CORRUPT, file, "the storage key list holds a "
                            + TorchUnpickler.kind(k) + " instead of a storage key");
                }
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
                long length = storageBytes(file, "storage '" + key + "'", record, chosen);
                if (length > size - in.count()) {
                    throw truncated(file, "inside storage '" + key + "' (" + length + " bytes from byte "
                            + (start + 8) + ", tensors " + keysUsing(chosen, record) + ")", size);
                }
                if (needed.contains(record)) {
                    if (length > PickledTensor.MAX_BYTES) {
                        throw new CheckpointException(Reason.UNSUPPORTED, file, "storage '" + key + "' has "
                                + length + " bytes; storages over 2 GiB are not supported");
                    }
                    budget.charge(length, "storage '" + key + "'");
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
            return materialise(file, chosen, !littleEndian, budget);
        }
    }

    private static Object loadPickle(Path file, TorchUnpickler unpickler, CountingInputStream in, String what) {
        try {
            return unpickler.load(in, "the " + what);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | PickleException e) {
            if (in.reachedEnd()) {
                throw truncated(file, "inside the " + what, in.count());
            }
            throw new CheckpointException(Reason.CORRUPT, file, "malformed " + what + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (in.reachedEnd()) {
                throw truncated(file, "inside the " + what, in.count());
            }
            throw new CheckpointException(Reason.CORRUPT, file, "malformed " + what + ": " + e, e);
        }
    }

    /** A pickled integer (int, long or big) as a {@link BigInteger}, or {@code null} for anything else. */
    private static BigInteger integerValue(Object o) {
        if (o instanceof BigInteger b) {
            return b;
        }
        if (o instanceof Integer || o instanceof Long) {
            return BigInteger.valueOf(((Number) o).longValue());
        }
        return null;
    }

    /**
     * The byte length of a storage record, {@code numel * element size}, refusing a product that overflows 64 bits.
     *
     * @param what the record as messages name it
     */
    static long storageBytes(Path file, String what, StorageRecord record, Map<String, PickledTensor> chosen) {
        try {
            return Math.multiplyExact(record.numel(), (long) record.dataType().getNumOfBytes());
        } catch (ArithmeticException e) {
            throw new CheckpointException(Reason.SIZE_MISMATCH, file, what + " declares " + record.numel()
                    + " elements of " + record.dataType() + ", more bytes than a 64-bit size can count (tensors "
                    + keysUsing(chosen, record) + " refer to it)");
        }
    }

    /**
     * Materialises the chosen tensors: first every storage they view is loaded (charged to the budget), then the
     * views are cut from them; views that must be copied may add at most a few times the storage bytes.
     */
    private static Map<String, Tensor> materialise(Path file, Map<String, PickledTensor> chosen, boolean bigEndian,
            ReadBudget budget) {
        Set<StorageRecord> loaded = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        long storageBytes = 0;
        for (PickledTensor t : chosen.values()) {
            if (t.needsStorage() && loaded.add(t.record())) {
                storageBytes += t.record().bytes().length;
            }
        }
        budget.allowCopies(storageBytes);
        Map<String, Tensor> out = new LinkedHashMap<>();
        chosen.forEach((k, t) -> out.put(k, t.materialise(file, k, bigEndian, budget)));
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

    /**
     * Reads a whole entry and checks its CRC. The declared size must be consistent with the compressed size (equal for
     * a stored entry, at most {@link #MAX_INFLATE_RATIO} times it for a deflated one) and is charged to the budget
     * before anything is read; reading stops at the declared size, so an entry that inflates beyond it is refused
     * after at most that many bytes.
     */
    static byte[] readEntry(Path file, ZipFile zip, ZipEntry entry, ReadBudget budget) {
        long declared = entry.getSize();
        long compressed = entry.getCompressedSize();
        if (declared < 0 || compressed < 0) {
            throw new CheckpointException(Reason.CORRUPT, file, "zip entry " + entry.getName() + " does not declare "
                    + "its size");
        }
        if (entry.getMethod() == ZipEntry.STORED && declared != compressed) {
            throw new CheckpointException(Reason.CORRUPT, file, "zip entry " + entry.getName() + " is stored "
                    + "uncompressed but declares " + declared + " bytes in " + compressed + " bytes of the archive");
        }
        if (entry.getMethod() != ZipEntry.STORED && declared > compressed * MAX_INFLATE_RATIO + 1024) {
            throw new CheckpointException(Reason.CORRUPT, file, "zip entry " + entry.getName() + " declares "
                    + declared + " bytes from " + compressed + " compressed bytes, more than deflate can produce (at "
                    + "most " + MAX_INFLATE_RATIO + ":1): its sizes are forged");
        }
        if (declared > PickledTensor.MAX_BYTES) {
            throw new CheckpointException(Reason.UNSUPPORTED, file, "zip entry " + entry.getName() + " has "
                    + declared + " bytes; entries over 2 GiB are not supported");
        }
        budget.charge(declared, "zip entry " + entry.getName());
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = readAtMost(in, (int) declared, compressed);
            if (bytes.length == declared && in.read() >= 0) {
                throw new CheckpointException(Reason.CORRUPT, file, "zip entry " + entry.getName() + " inflates "
                        + "to more than its declared " + declared + " bytes (a zip bomb or a corrupt archive); "
                        + "reading stopped there");
            }
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
        if (bytes.length != declared) {
            throw new CheckpointException(Reason.TRUNCATED, file, "zip entry " + entry.getName() + " holds "
                    + bytes.length + " of its " + declared + " bytes: the file is truncated");
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

    /**
     * Reads up to {@code limit} bytes. The buffer starts at the size the compressed data can plausibly hold and grows
     * with the bytes actually read, so a forged size does not allocate up front.
     */
    private static byte[] readAtMost(InputStream in, int limit, long compressed) throws IOException {
        int capacity = (int) Math.min(limit, Math.max(1 << 16, Math.min(Integer.MAX_VALUE - 16, compressed * 4)));
        byte[] buf = new byte[capacity];
        int n = 0;
        while (n < limit) {
            if (n == buf.length) {
                buf = java.util.Arrays.copyOf(buf, (int) Math.min(limit, 2L * buf.length));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
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
