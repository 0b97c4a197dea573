package org.dckd.checkpoint;

import static org.dckd.checkpoint.HostileFiles.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.dckd.checkpoint.CheckpointException.Reason;
import org.dckd.testing.Bytes;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged and foreign files give a {@link CheckpointException} that names the file and the problem. */
class DamagedCheckpointTest {

    @TempDir
    Path dir;

    private Path cut(Path source, String name, long length) throws IOException {
        byte[] all = Files.readAllBytes(source);
        Path out = dir.resolve(name);
        Files.write(out, Arrays.copyOf(all, (int) length));
        return out;
    }

    @Test
    void truncatedZipCheckpoint() throws IOException {
        Path source = SharedData.require("data/weights/rlfn_official/rlfn_x4.pth");
        refused(cut(source, "rlfn_x4.pth", Files.size(source) / 2), Reason.TRUNCATED, "truncated");
    }

    @Test
    void truncatedLegacyCheckpointInsideAStorage() throws IOException {
        Path source = SharedData.require("data/weights/imdn_official/IMDN_x2.pth");
        refused(cut(source, "IMDN_x2.pth", Files.size(source) * 6 / 10), Reason.TRUNCATED, "truncated",
                "inside storage");
    }

    @Test
    void truncatedLegacyCheckpointInsideThePickle() throws IOException {
        Path source = SharedData.require("data/weights/imdn_official/IMDN_x2.pth");
        refused(cut(source, "IMDN_x2.pth", 3000), Reason.TRUNCATED, "truncated", "inside the main pickle");
    }

    @Test
    void truncatedSafetensors() throws IOException {
        Path full = dir.resolve("full.safetensors");
        Checkpoints.writeSafetensors(Checkpoints.read(Fixtures.resource("dtypes_zip.pth")), full);
        refused(cut(full, "cut.safetensors", Files.size(full) - 5), Reason.TRUNCATED, "truncated");
    }

    @Test
    void corruptStorageInZipFailsTheCrc() throws IOException {
        byte[] all = Files.readAllBytes(Fixtures.resource("dtypes_zip.pth"));
        byte[] name = "dtypes_zip/data/4".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int at = Bytes.indexOf(all, name); // first occurrence: the local file header (30 bytes, then name, extra, data)
        int extra = (all[at - 30 + 28] & 0xff) | (all[at - 30 + 29] & 0xff) << 8;
        all[at + name.length + extra + 3] ^= 0x55; // flip bits inside the stored data; the CRC stays the original
        Path file = dir.resolve("crc.pth");
        Files.write(file, all);
        refused(file, Reason.CORRUPT, "CRC mismatch", "data/4");
    }

    @Test
    void corruptZipDirectory() throws IOException {
        byte[] all = Files.readAllBytes(Fixtures.resource("dtypes_zip.pth"));
        // damage the central directory (it starts after the last local entry; overwrite the last 120 bytes)
        for (int i = all.length - 120; i < all.length - 30; i++) {
            all[i] = (byte) 0xA5;
        }
        Path file = dir.resolve("directory.pth");
        Files.write(file, all);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(file));
        assertTrue(e.reason() == Reason.CORRUPT || e.reason() == Reason.TRUNCATED, e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains("zip"), e.getMessage());
    }

    @Test
    void malformedPickleInZip() throws IOException {
        Path file = rewriteZip("pickle.pth", (name, data) -> name.endsWith("data.pkl")
                ? Arrays.copyOf(data, data.length / 2) : data);
        refused(file, Reason.CORRUPT, "malformed pickle", "data.pkl");
    }

    @Test
    void missingStorageRecord() throws IOException {
        Path file = rewriteZip("missing.pth", (name, data) -> name.endsWith("/data/4") ? null : data);
        refused(file, Reason.MISSING_STORAGE, "data/4", "i64");
    }

    @Test
    void storageShorterThanDeclared() throws IOException {
        Path file = rewriteZip("short.pth", (name, data) -> name.endsWith("/data/4")
                ? Arrays.copyOf(data, data.length - 8) : data);
        refused(file, Reason.SIZE_MISMATCH, "data/4", "24 bytes", "32 bytes");
    }

    @Test
    void randomBytesAreNotACheckpoint() throws IOException {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        noise[0] = 0x17; // not a pickle opcode; the other bytes are random
        Path file = dir.resolve("noise.pth");
        Files.write(file, noise);
        refused(file, Reason.NOT_A_CHECKPOINT, "unknown format");
    }

    @Test
    void randomBytesThatStartLikeAPickleAreNotACheckpoint() throws IOException {
        byte[] noise = new byte[4096];
        new Random(8).nextBytes(noise);
        noise[0] = '(';
        Path file = dir.resolve("noise2.pth");
        Files.write(file, noise);
        refused(file, Reason.NOT_A_CHECKPOINT, "not a valid pickle");
    }

    @Test
    void emptyFile() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.pth"));
        refused(file, Reason.NOT_A_CHECKPOINT, "empty");
    }

    @Test
    void zipOfOtherFiles() throws IOException {
        Path file = dir.resolve("photos.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.write("hello".getBytes());
            z.closeEntry();
        }
        refused(file, Reason.NOT_A_CHECKPOINT, "readme.txt");
    }

    @Test
    void plainPickleWithoutTorchMagic() throws IOException {
        Path file = dir.resolve("plain.pkl");
        // protocol 2: {'a': 1}
        Files.write(file, new byte[] {(byte) 0x80, 2, '}', 'q', 0, 'X', 1, 0, 0, 0, 'a', 'K', 1, 's', '.'});
        refused(file, Reason.NOT_A_CHECKPOINT, "not a PyTorch checkpoint", "magic number");
    }

    @Test
    void hugeLengthPrefixIsRefusedBeforeAllocating() throws IOException {
        Path file = dir.resolve("bomb.pkl");
        // protocol 4, BINBYTES8 announcing 2^40 bytes, in a 12-byte file
        Files.write(file, new byte[] {(byte) 0x80, 4, (byte) 0x8e, 0, 0, 0, 0, 0, 1, 0, 0, '.'});
        refused(file, Reason.NOT_A_CHECKPOINT, "BINBYTES8 announces 1099511627776 bytes, but only 1 remain");
    }

    /** Copies dtypes_zip.pth, transforming (or dropping, on null) entries. */
    private Path rewriteZip(String name, BiFunction<String, byte[], byte[]> change)
            throws IOException {
        Path out = dir.resolve(name);
        try (ZipFile in = new ZipFile(Fixtures.resource("dtypes_zip.pth").toFile());
                OutputStream os = Files.newOutputStream(out);
                ZipOutputStream z = new ZipOutputStream(os)) {
            for (ZipEntry e : Collections.list(in.entries())) {
                byte[] data = change.apply(e.getName(), in.getInputStream(e).readAllBytes());
                if (data == null) {
                    continue;
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setMethod(ZipEntry.STORED);
                copy.setSize(data.length);
                copy.setCompressedSize(data.length);
                CRC32 crc = new CRC32();
                crc.update(data);
                copy.setCrc(crc.getValue());
                z.putNextEntry(copy);
                z.write(data);
                z.closeEntry();
            }
        }
        return out;
    }
}
