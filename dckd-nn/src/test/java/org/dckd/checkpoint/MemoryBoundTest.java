package org.dckd.checkpoint;

import static org.dckd.checkpoint.HostileFiles.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;

import org.dckd.checkpoint.CheckpointException.Reason;
import org.dckd.checkpoint.HostileFiles.RawEntry;
import org.dckd.checkpoint.HostileFiles.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Case 1 of the hardening: a small file cannot make the reader allocate gigabytes. The three files that used to end
 * in {@link OutOfMemoryError} are refused with a {@link CheckpointException} before anything large is allocated,
 * both here and in a child JVM whose heap (256 MiB) could not hold what they ask for.
 */
class MemoryBoundTest {

    /** Elements of a float32 view just under 2 GiB (the largest tensor the heap representation holds). */
    private static final long TWO_GB_OF_FLOATS = 536_870_907L;

    @TempDir
    Path dir;

    // ------------------------------------------------------------------------------------------ the three files

    /** (a) A 1.4 KB .pth of six stride-0 views of 2 GB each over a one-element storage. */
    private Path strideZeroViews() throws IOException {
        TensorSpec[] views = new TensorSpec[6];
        for (int i = 0; i < views.length; i++) {
            views[i] = new TensorSpec("w" + i, "0", 1, 0, new long[] {TWO_GB_OF_FLOATS}, new long[] {0});
        }
        return HostileFiles.torchZip(dir.resolve("stride0.pth"), HostileFiles.stateDictPickle(views),
                Map.of("0", HostileFiles.floats(1f)));
    }

    /** (b) A 64 MB safetensors file (sparse on disk) whose 160 tensors all declare the same 64 MB of data. */
    private Path overlappingSafetensors() throws IOException {
        long bytes = 64L << 20;
        StringBuilder header = new StringBuilder("{");
        for (int i = 0; i < 160; i++) {
            header.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[")
                    .append(bytes / 4).append("],\"data_offsets\":[0,").append(bytes).append("]}");
        }
        Path file = HostileFiles.safetensors(dir.resolve("overlap.safetensors"), header.append('}').toString(),
                new byte[0]);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() + bytes);
        }
        return file;
    }

    /** (c) An .npz whose deflated entry declares 3 MB (its compressed size) but inflates to 3 GB of zeros. */
    private Path lyingNpz() throws IOException {
        byte[] bomb = HostileFiles.deflateBombOfZeros(3 * 1024);
        return HostileFiles.rawZip(dir.resolve("bomb.npz"),
                new RawEntry("w.npy", ZipEntry.DEFLATED, 0, bomb.length, bomb));
    }

    /** (c) The same bomb as the storage of a .pth: declared 3 MB, as the pickle says, inflating to 3 GB. */
    private Path lyingPth() throws IOException {
        byte[] bomb = HostileFiles.deflateBombOfZeros(3 * 1024);
        long numel = bomb.length / 4;
        byte[] pickle = HostileFiles.stateDictPickle(
                new TensorSpec("w", "0", numel, 0, new long[] {numel}, new long[] {1}));
        return HostileFiles.rawZip(dir.resolve("bomb.pth"),
                new RawEntry("archive/data.pkl", ZipEntry.STORED, crc(pickle), pickle.length, pickle),
                new RawEntry("archive/data/0", ZipEntry.DEFLATED, 0, numel * 4, bomb));
    }

    private static long crc(byte[] data) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        return crc.getValue();
    }

    @Test
    void strideZeroViewsOfATinyStorageAreNotExpanded() throws IOException {
        Path file = strideZeroViews();
        assertTrue(Files.size(file) < 2000, "the file is " + Files.size(file) + " bytes");
        refused(file, Reason.TOO_LARGE, "tensor 'w0'", "view", "2147483628 bytes", "4 bytes of storage",
                "not an honest checkpoint");
    }

    @Test
    void overlappingSafetensorsRangesAreRefusedBeforeReading() throws IOException {
        refused(overlappingSafetensors(), Reason.CORRUPT, "tensor 't1'", "overlaps tensor 't0'",
                "data_offsets [0, 67108864]", "may not overlap");
    }

    @Test
    void zipEntryInflatingBeyondItsDeclaredSizeIsCutOff() throws IOException {
        Path npz = lyingNpz();
        assertTrue(Files.size(npz) < 4_000_000, "the file is " + Files.size(npz) + " bytes");
        refused(npz, Reason.CORRUPT, "zip entry w.npy", "inflates to more than its declared", "zip bomb");
        refused(lyingPth(), Reason.CORRUPT, "zip entry archive/data/0", "inflates to more than its declared");
    }

    // ----------------------------------------------------------------------------------------- in a child JVM

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"stride0", "overlap", "bombNpz", "bombPth"})
    void aChildJvmWith256MiBOfHeapSurvivesEveryHostileFile(String which) throws Exception {
        Path file = switch (which) {
            case "stride0" -> strideZeroViews();
            case "overlap" -> overlappingSafetensors();
            case "bombNpz" -> lyingNpz();
            default -> lyingPth();
        };
        String line = runChild(file.toString());
        assertTrue(line.startsWith(CheckpointException.class.getName() + ": " + file + ": "), line);
        assertTrue(line.contains(which.equals("stride0") ? "not an honest checkpoint"
                : which.equals("overlap") ? "may not overlap" : "inflates to more than its declared"), line);
    }

    @Test
    void theChildJvmCannotHoldWhatTheFilesAskFor() throws Exception {
        // the control: the same child JVM fails to allocate one array of the size the stride-0 views ask for
        String line = runChild("--allocate", String.valueOf(TWO_GB_OF_FLOATS * 4));
        assertTrue(line.startsWith(OutOfMemoryError.class.getName()), line);
    }

    /** Runs {@link CheckpointReadProbe} in a JVM with a 256 MiB heap and returns its one line of output. */
    private static String runChild(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                CheckpointReadProbe.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        } finally {
            p.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8).strip();
        String[] lines = text.split("\n");
        assertEquals(0, p.exitValue(), text);
        return lines[lines.length - 1];
    }

    // ------------------------------------------------------------------------------------- forged zip headers

    @Test
    void declaredSizeInconsistentWithTheCompressedSizeIsRefused() throws IOException {
        byte[] bomb = HostileFiles.deflateBombOfZeros(1);
        // a deflated entry may inflate to at most ~1032 times its compressed size; this one declares 3 GB
        Path forged = HostileFiles.rawZip(dir.resolve("forged.npz"),
                new RawEntry("w.npy", ZipEntry.DEFLATED, 0, 3_000_000_000L, bomb));
        refused(forged, Reason.CORRUPT, "zip entry w.npy", "declares 3000000000 bytes from " + bomb.length
                + " compressed bytes", "forged");
        // a stored entry's declared size must equal its size in the archive
        byte[] npy = HostileFiles.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                HostileFiles.floats(1f));
        Path stored = HostileFiles.rawZip(dir.resolve("stored.npz"),
                new RawEntry("w.npy", ZipEntry.STORED, crc(npy), 1L << 30, npy));
        refused(stored, Reason.CORRUPT, "zip entry w.npy", "stored uncompressed but declares 1073741824 bytes");
    }

    // -------------------------------------------------------------------------------------- honest files pass

    @Test
    void sharedContiguousViewsAreNotCopied() throws IOException {
        // 40 tensors viewing the same 1 MiB storage: read within a 3 MiB limit, so no view was copied
        int n = 1 << 18;
        TensorSpec[] views = new TensorSpec[40];
        for (int i = 0; i < views.length; i++) {
            views[i] = new TensorSpec("tied" + i, "0", n, 0, new long[] {512, n / 512}, new long[] {n / 512, 1});
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        Path file = HostileFiles.torchZip(dir.resolve("tied.pth"), HostileFiles.stateDictPickle(views),
                Map.of("0", HostileFiles.floats(values)));
        StateDict sd = Checkpoints.read(file, null, 3L << 20);
        assertEquals(40, sd.size());
        assertEquals(12345f, sd.get("tied39").toFloatArray()[12345]);
    }

    @Test
    void honestExpandedViewsStillRead() throws IOException {
        // a 4-byte storage expanded to 1 MiB: a stride-0 view within the slack every file gets
        Path file = HostileFiles.torchZip(dir.resolve("expanded.pth"), HostileFiles.stateDictPickle(
                new TensorSpec("mask", "0", 1, 0, new long[] {512, 512}, new long[] {0, 0})),
                Map.of("0", HostileFiles.floats(2.5f)));
        float[] v = Checkpoints.read(file).get("mask").toFloatArray();
        assertEquals(512 * 512, v.length);
        assertEquals(2.5f, v[v.length - 1]);
    }

    // ------------------------------------------------------------------------------------- the configured limit

    @Test
    void theLimitIsAParameterAndASystemProperty() throws IOException {
        Path file = Fixtures.resource("dtypes_zip.pth");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(file, null, 1000));
        assertEquals(Reason.TOO_LARGE, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ": reading "), e.getMessage());
        assertTrue(e.getMessage().contains("limit of 1000 bytes") && e.getMessage().contains("zip entry ")
                && e.getMessage().contains(Checkpoints.MAX_BYTES_PROPERTY), e.getMessage());

        String before = System.getProperty(Checkpoints.MAX_BYTES_PROPERTY);
        try {
            System.setProperty(Checkpoints.MAX_BYTES_PROPERTY, "1k");
            assertEquals(1024, Checkpoints.maxBytes());
            CheckpointException small = assertThrows(CheckpointException.class, () -> Checkpoints.read(file));
            assertTrue(small.getMessage().contains("limit of 1024 bytes"), small.getMessage());
            System.setProperty(Checkpoints.MAX_BYTES_PROPERTY, "8g");
            assertEquals(8L << 30, Checkpoints.maxBytes());
            assertEquals(18, Checkpoints.read(file).size());
            System.setProperty(Checkpoints.MAX_BYTES_PROPERTY, "lots");
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, Checkpoints::maxBytes);
            assertTrue(bad.getMessage().contains(Checkpoints.MAX_BYTES_PROPERTY), bad.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(Checkpoints.MAX_BYTES_PROPERTY);
            } else {
                System.setProperty(Checkpoints.MAX_BYTES_PROPERTY, before);
            }
        }
        assertEquals(4L << 30, Checkpoints.DEFAULT_MAX_BYTES);
        if (before == null) {
            assertEquals(Checkpoints.DEFAULT_MAX_BYTES, Checkpoints.maxBytes());
        }
    }

    @Test
    void everyFormatIsBoundByTheLimit() throws IOException {
        Path safetensors = dir.resolve("dtypes.safetensors");
        Checkpoints.writeSafetensors(Checkpoints.read(Fixtures.resource("dtypes_zip.pth")), safetensors);
        Path npz = dir.resolve("dtypes.npz");
        Map<String, Tensor> noBf16 = new LinkedHashMap<>(Checkpoints.read(safetensors).tensors());
        noBf16.remove("bf16");
        Checkpoints.writeNpz(new StateDict(noBf16, null), npz);
        for (Path file : List.of(safetensors, npz, Fixtures.resource("dtypes_legacy.pth"),
                Fixtures.resource("numpy_compressed.npz"))) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(file, null, 64),
                    file.toString());
            assertEquals(Reason.TOO_LARGE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().startsWith(file + ": reading ") && e.getMessage().contains("limit of 64"),
                    e.getMessage());
        }
    }
}
