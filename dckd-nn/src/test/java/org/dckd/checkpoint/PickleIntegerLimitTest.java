package org.dckd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.dckd.checkpoint.CheckpointException.Reason;
import org.dckd.checkpoint.HostileFiles.Pickle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Case 2 of the hardening: parsing a decimal integer takes time quadratic in its digits (a 300,000-digit pickle
 * {@code LONG} took 3.5 s, a million digits 38 s). Text integers ({@code INT}, {@code LONG}) of more than 100
 * digits and binary ones ({@code LONG1}, {@code LONG4}) of more than 64 bytes are refused before they are parsed.
 */
class PickleIntegerLimitTest {

    private static final long TIME_BOUND_NANOS = 2_000_000_000L;

    @TempDir
    Path dir;

    private static String digits(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('1' + i % 9));
        }
        return sb.toString();
    }

    /** Reads the file, which must be refused within the time bound; returns the exception. */
    private static CheckpointException refusedQuickly(Path file, Reason reason, String... phrases) {
        long start = System.nanoTime();
        CheckpointException e = HostileFiles.refused(file, reason, phrases);
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed < TIME_BOUND_NANOS, "took " + elapsed / 1_000_000 + " ms");
        return e;
    }

    @Test
    void aMillionDigitLongIsRefusedBeforeParsing() throws IOException {
        // protocol 0: LONG '1234...L\n', STOP; a 1 MB legacy-looking pickle
        Path file = dir.resolve("long.pth");
        Files.write(file, new Pickle().text("L" + digits(1_000_000) + "L\n.").bytes());
        refusedQuickly(file, Reason.NOT_A_CHECKPOINT, "LONG", "more than 100 digits", "magic number pickle",
                "opcode LONG 'L' at byte 0");
    }

    @Test
    void longTextIntegersAreRefusedInsideAZipPickleToo() throws IOException {
        byte[] pickle = new Pickle().proto(2).orderedDict().raw('(').string("iter").text("L" + digits(200_000)
                + "L\n").raw('u', '.').bytes();
        Path file = HostileFiles.torchZip(dir.resolve("long.pth"), pickle, Map.of());
        refusedQuickly(file, Reason.CORRUPT, "malformed pickle in archive/data.pkl", "LONG", "more than 100 digits");

        byte[] intPickle = new Pickle().proto(2).orderedDict().raw('(').string("iter").text("I" + digits(5000)
                + "\n").raw('u', '.').bytes();
        Path intFile = HostileFiles.torchZip(dir.resolve("int.pth"), intPickle, Map.of());
        refusedQuickly(intFile, Reason.CORRUPT, "archive/data.pkl", "INT", "more than 100 digits");
    }

    @Test
    void longBinaryIntegersAreRefusedBeforeReading() throws IOException {
        // LONG4 announcing a 1 MB integer (the bytes are there)
        byte[] big = new byte[1 << 20];
        big[big.length - 1] = 0x7f;
        Pickle p = new Pickle().proto(2).raw(0x8b).raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(big.length).array());
        Path long4 = dir.resolve("long4.pth");
        byte[] head = p.bytes();
        byte[] all = new byte[head.length + big.length + 1];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(big, 0, all, head.length, big.length);
        all[all.length - 1] = '.';
        Files.write(long4, all);
        refusedQuickly(long4, Reason.NOT_A_CHECKPOINT, "LONG4 announces an integer of 1048576 bytes",
                "more than 64 bytes");

        // LONG1 of 255 bytes
        byte[] b255 = new byte[255];
        Path long1 = dir.resolve("long1.pth");
        Files.write(long1, concat(new Pickle().proto(2).raw(0x8a, 255).bytes(), b255, new byte[] {'.'}));
        refusedQuickly(long1, Reason.NOT_A_CHECKPOINT, "LONG1 announces an integer of 255 bytes");
    }

    @Test
    void malformedTextIntegersNameTheOpcode() throws IOException {
        // Pyrolite used to fail here with NumberFormatException: For input string: "2L"
        byte[] pickle = new Pickle().proto(2).orderedDict().raw('(').string("iter").text("I2L\n").raw('u', '.')
                .bytes();
        Path file = HostileFiles.torchZip(dir.resolve("int2L.pth"), pickle, Map.of());
        CheckpointException e = refusedQuickly(file, Reason.CORRUPT, "archive/data.pkl",
                "INT argument '2L' is not a decimal integer", "opcode INT 'I' at byte");
        assertTrue(!e.getMessage().contains("For input string"), e.getMessage());
    }

    @Test
    void integersACheckpointNeedsStillRead() throws IOException {
        // the legacy magic number (80 bits, LONG1) and 64-bit values in every integer opcode
        assertEquals(18, Checkpoints.read(Fixtures.resource("dtypes_legacy.pth")).size());
        byte[] pickle = new Pickle().proto(2).global("collections", "OrderedDict").raw(')', 'R').raw('(')
                .string("a").text("I9223372036854775807\n").string("b").text("L-9223372036854775808L\n")
                .string("c").text("I01\n").raw('u', '.').bytes();
        Path file = HostileFiles.torchZip(dir.resolve("ints.pth"), pickle, Map.of());
        // the dict holds no tensors, so it is refused for that reason: the integers themselves parsed
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(file));
        assertTrue(e.getMessage().contains("Available entries: a (int), b (int), c (bool)"), e.getMessage());
    }

    @Test
    void legacyHeaderIntegersAreComparedByValue() throws IOException {
        // the protocol version as a protocol-0 LONG reads like the usual BININT2
        byte[] pickle = HostileFiles.stateDictPickle(
                new HostileFiles.TensorSpec("w", "0", 2, 0, new long[] {2}, new long[] {1}));
        Path file = HostileFiles.legacy(dir.resolve("long_protocol.pth"), new Pickle().text("L1001L\n.").bytes(),
                pickle, Map.of("0", Map.entry(2L, HostileFiles.floats(1.5f, 2.5f))));
        assertArrayEquals(new float[] {1.5f, 2.5f}, Checkpoints.read(file).get("w").toFloatArray());
        // a float where the magic number belongs is not a checkpoint (it used to escape as NumberFormatException)
        Path floatMagic = dir.resolve("float_magic.pth");
        Files.write(floatMagic, new Pickle().proto(2).raw('G', 0x44, 0xb9, 0x50, 0xa8, 0x6a, 0x20, 0xf9, 0x47, '.')
                .bytes());
        refusedQuickly(floatMagic, Reason.NOT_A_CHECKPOINT, "does not start with torch.save's magic number",
                "first object: float");
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
