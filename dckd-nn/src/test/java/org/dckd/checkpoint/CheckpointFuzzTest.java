package org.dckd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.dckd.checkpoint.CheckpointException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the checkpoint readers with random mutations of the committed fixtures (every format: zip, legacy and
 * big-endian .pth, a Lightning-like .ckpt, safetensors and npz written from them, a compressed npz, and three
 * malicious pickles). Every case must either read or be refused with a {@link CheckpointException} naming the file,
 * within a per-case time bound; never a raw exception or JVM error, never the reader's safety net, and nothing from a
 * file may ever run (the malicious payloads would create marker files). Deterministic: the seed is fixed (5000 cases
 * take a few seconds; {@code -Ddckd.fuzz.cases} and {@code -Ddckd.fuzz.seed} run longer or other campaigns).
 */
class CheckpointFuzzTest {

    /** The fixed seed; {@code -Ddckd.fuzz.seed=N} explores others. */
    private static final long SEED = Long.getLong("dckd.fuzz.seed", 0x5EED_C4EC_0001L);

    /** The number of cases; {@code -Ddckd.fuzz.cases=N} runs more. */
    private static final int CASES = Integer.getInteger("dckd.fuzz.cases", 5000);
    private static final long CASE_TIMEOUT_MS = 5000;

    /** Values that tend to break size and length fields (little-endian when written as 4 or 8 bytes). */
    private static final long[] INTERESTING = {0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, Integer.MAX_VALUE,
        Integer.MIN_VALUE, 0xffffffffL, 1L << 31, 1L << 32, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, 1000,
        1 << 20, 1 << 30};

    @TempDir
    Path dir;

    /** One fixture: its name, bytes, and (for zip archives) its entries for structure-aware mutations. */
    private record Seed(String name, String extension, byte[] bytes, Map<String, byte[]> entries) {}

    @Test
    void mutatedFixturesAreReadOrRefusedCleanly() throws Exception {
        List<Seed> seeds = seeds();
        deleteMarkers();
        Random random = new Random(SEED);
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        int ok = 0;
        int rejected = 0;
        long slowest = 0;
        String slowestCase = "";
        long start = System.nanoTime();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "checkpoint-fuzz");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 0; i < CASES; i++) {
                Seed seed = seeds.get(i % seeds.size());
                StringBuilder description = new StringBuilder("case " + i + " (seed " + SEED + "): " + seed.name());
                byte[] mutated = mutate(seed, random, description);
                Path file = dir.resolve("case" + seed.extension());
                Files.write(file, mutated);
                long t0 = System.nanoTime();
                Future<Object> future = executor.submit(() -> {
                    try {
                        return Checkpoints.read(file);
                    } catch (Throwable t) {
                        return t;
                    }
                });
                Object result;
                try {
                    result = future.get(CASE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    future.cancel(true);
                    fail(description + ": still reading after " + CASE_TIMEOUT_MS + " ms");
                    return;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                if (ms > slowest) {
                    slowest = ms;
                    slowestCase = description.toString();
                }
                if (result instanceof StateDict) {
                    ok++;
                } else if (result instanceof CheckpointException e) {
                    rejected++;
                    reasons.merge(e.reason(), 1, Integer::sum);
                    assertEquals(file, e.file(), description.toString());
                    assertTrue(e.getMessage().startsWith(file + ": "), description + ": " + e.getMessage());
                    assertFalse(e.getMessage().contains("unexpected failure while reading"),
                            description + ": the safety net caught a raw exception: " + e.getMessage());
                    assertFalse(e.getMessage().contains("stack overflowed"), description + ": " + e.getMessage());
                } else {
                    Throwable t = (Throwable) result;
                    AssertionError error = new AssertionError(description + ": " + t, t);
                    throw error;
                }
                outcomes.merge(seed.name(), 1, Integer::sum);
            }
        } finally {
            executor.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("checkpoint fuzz: %d cases in %.1f s: %d read OK, %d rejected %s; slowest %d ms (%s)%n",
                CASES, seconds, ok, rejected, reasons, slowest, slowestCase);
        assertEquals(CASES, ok + rejected);
        assertTrue(rejected > CASES / 4, "too few mutations were refused: " + rejected);
        assertTrue(ok > 0, "no mutation read successfully");
        assertNoMarkers();
    }

    // ------------------------------------------------------------------------------------------------ corpus

    private List<Seed> seeds() throws IOException {
        List<Seed> seeds = new ArrayList<>();
        for (String name : List.of("dtypes_zip.pth", "dtypes_legacy.pth", "dtypes_bigendian.pth", "dataparallel.pth",
                "wrapped_ema.pth", "lightning_like.ckpt", "nested_model.pth", "numpy_compressed.npz",
                "evil_os_system.pth", "evil_posix_system_reduce.pkl", "evil_legacy_main.pth")) {
            seeds.add(seed(name, name.substring(name.lastIndexOf('.')), Fixtures.resource(name)));
        }
        StateDict dtypes = Checkpoints.read(Fixtures.resource("dtypes_zip.pth"));
        Path safetensors = dir.resolve("dtypes.safetensors");
        Checkpoints.writeSafetensors(dtypes, safetensors);
        seeds.add(seed("dtypes.safetensors", ".safetensors", safetensors));
        Map<String, Tensor> noBf16 = new LinkedHashMap<>(dtypes.tensors());
        noBf16.remove("bf16");
        Path npz = dir.resolve("dtypes.npz");
        Checkpoints.writeNpz(new StateDict(noBf16, null), npz);
        seeds.add(seed("dtypes.npz", ".npz", npz));
        return seeds;
    }

    private static Seed seed(String name, String extension, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        if (bytes.length > 4 && bytes[0] == 'P' && bytes[1] == 'K') {
            try (ZipFile zip = new ZipFile(file.toFile())) {
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    try (InputStream in = zip.getInputStream(e)) {
                        entries.put(e.getName(), in.readAllBytes());
                    }
                }
            }
        }
        return new Seed(name, extension, bytes, entries);
    }

    // ------------------------------------------------------------------------------------------------ mutations

    /**
     * One to three random mutations; for zip archives, half of the cases mutate one entry's content and rebuild a
     * valid archive (correct sizes and CRCs), so that the pickle and .npy parsers are reached.
     */
    private byte[] mutate(Seed seed, Random random, StringBuilder description) throws IOException {
        if (!seed.entries().isEmpty() && random.nextBoolean()) {
            List<String> names = new ArrayList<>(seed.entries().keySet());
            String name = names.get(random.nextInt(names.size()));
            description.append(", entry ").append(name);
            Map<String, byte[]> entries = new LinkedHashMap<>(seed.entries());
            entries.put(name, mutateBytes(entries.get(name), random, description));
            Path rebuilt = dir.resolve("rebuilt.zip");
            HostileFiles.storedZip(rebuilt, entries);
            return Files.readAllBytes(rebuilt);
        }
        return mutateBytes(seed.bytes(), random, description);
    }

    private static byte[] mutateBytes(byte[] original, Random random, StringBuilder description) {
        byte[] b = original.clone();
        int count = 1 + random.nextInt(3);
        for (int m = 0; m < count; m++) {
            int kind = random.nextInt(7);
            if (b.length == 0) {
                kind = 4;
            }
            switch (kind) {
                case 0 -> { // bit flips
                    int flips = 1 + random.nextInt(8);
                    for (int i = 0; i < flips; i++) {
                        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                    description.append(", ").append(flips).append(" bit flips");
                }
                case 1 -> { // random byte overwrites
                    int n = 1 + random.nextInt(16);
                    for (int i = 0; i < n; i++) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                    description.append(", ").append(n).append(" bytes overwritten");
                }
                case 2 -> { // an interesting 1-, 4- or 8-byte value written over a size-like field
                    long v = INTERESTING[random.nextInt(INTERESTING.length)];
                    int width = new int[] {1, 4, 8}[random.nextInt(3)];
                    int at = random.nextInt(Math.max(1, b.length - width + 1));
                    ByteBuffer value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
                    for (int i = 0; i < width && at + i < b.length; i++) {
                        b[at + i] = value.get(i);
                    }
                    description.append(", ").append(width).append("-byte ").append(v).append(" at ").append(at);
                }
                case 3 -> { // truncation
                    int length = random.nextInt(b.length);
                    b = java.util.Arrays.copyOf(b, length);
                    description.append(", truncated to ").append(length);
                }
                case 4 -> { // insertion of random bytes
                    int at = random.nextInt(b.length + 1);
                    byte[] inserted = new byte[1 + random.nextInt(16)];
                    random.nextBytes(inserted);
                    b = splice(b, at, 0, inserted);
                    description.append(", ").append(inserted.length).append(" bytes inserted at ").append(at);
                }
                case 5 -> { // deletion of a range
                    int at = random.nextInt(b.length);
                    int n = 1 + random.nextInt(Math.min(32, b.length - at));
                    b = splice(b, at, n, new byte[0]);
                    description.append(", ").append(n).append(" bytes deleted at ").append(at);
                }
                default -> { // a chunk of the file copied elsewhere (duplicated opcodes, headers)
                    int from = random.nextInt(b.length);
                    int n = 1 + random.nextInt(Math.min(64, b.length - from));
                    int at = random.nextInt(b.length + 1);
                    b = splice(b, at, 0, java.util.Arrays.copyOfRange(b, from, from + n));
                    description.append(", ").append(n).append(" bytes from ").append(from).append(" copied to ")
                            .append(at);
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ markers

    /** The files the malicious fixtures' payloads would create (see {@link UnsafeCheckpointTest}). */
    private static List<Path> markers() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/tmp"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("dckd_pickle_marker_")).toList();
        }
    }

    private static void deleteMarkers() throws IOException {
        for (Path p : markers()) {
            Files.deleteIfExists(p);
        }
    }

    private static void assertNoMarkers() throws IOException {
        assertEquals(List.of(), markers(), "a payload ran");
    }
}
