package org.dckd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.dckd.checkpoint.CheckpointException.Reason;
import org.dckd.checkpoint.HostileFiles.Pickle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Case 3 of the hardening: hashing a list that contains itself recursed until the stack overflowed (a 14-byte pickle
 * ended in {@link StackOverflowError}). Lists, dicts and sets are refused as dict keys and set elements, as Python
 * refuses them (unhashable), so no container is ever hashed; the error names the file, the pickle and the opcode.
 */
class RecursivePickleTest {

    @TempDir
    Path dir;

    /** Protocol 2: EMPTY_LIST, BINPUT 0, BINGET 0, APPEND: a list that contains itself. */
    private static Pickle selfList() {
        return new Pickle().proto(2).raw(']', 'q', 0, 'h', 0, 'a');
    }

    static Stream<Arguments> recursivePickles() {
        return Stream.of(
                // {l: None} with l = [l]: EMPTY_DICT, BINGET 0, NONE, SETITEM
                Arguments.of("setitem", selfList().raw('}', 'h', 0, 'N', 's', '.').bytes(), "SETITEM"),
                Arguments.of("setitems", selfList().raw('}', '(', 'h', 0, 'N', 'u', '.').bytes(), "SETITEMS"),
                Arguments.of("dict", selfList().raw('(', 'h', 0, 'N', 'd', '.').bytes(), "DICT"),
                // OrderedDict([(l, None)]) through the allowed callable
                Arguments.of("ordereddict", selfList().raw('p', '0', '\n').global("collections", "OrderedDict")
                        .raw('(', ']', '(', 'g', '0', '\n', 'N', 't', 'a', 't', 'R', '.').bytes(), "OrderedDict"),
                Arguments.of("frozenset", selfList().raw('(', 'h', 0, 0x91, '.').bytes(), "FROZENSET"),
                // a set added to itself: EMPTY_SET, BINPUT 1, MARK, BINGET 1, ADDITEMS
                Arguments.of("additems", new Pickle().proto(4).raw(0x8f, 'q', 1, '(', 'h', 1, 0x90, '.').bytes(),
                        "ADDITEMS"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recursivePickles")
    void selfContainingKeysAreRefusedWithoutRecursing(String name, byte[] pickle, String opcode) throws IOException {
        // as a raw (legacy-format) pickle ...
        Path raw = dir.resolve(name + ".pkl");
        Files.write(raw, pickle);
        assertTrue(pickle.length < 64, pickle.length + " bytes");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(raw));
        assertEquals(Reason.NOT_A_CHECKPOINT, e.reason(), e.getMessage());
        assertEquals(raw, e.file());
        assertTrue(e.getMessage().startsWith(raw + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(opcode) && e.getMessage().contains("unhashable")
                && e.getMessage().contains("magic number pickle"), e.getMessage());

        // ... and as the data.pkl of a zip checkpoint
        Path zip = HostileFiles.torchZip(dir.resolve(name + ".pth"), pickle, Map.of());
        CheckpointException z = assertThrows(CheckpointException.class, () -> Checkpoints.read(zip));
        assertEquals(Reason.CORRUPT, z.reason(), z.getMessage());
        assertTrue(z.getMessage().startsWith(zip + ": malformed pickle in archive/data.pkl: "), z.getMessage());
        assertTrue(z.getMessage().contains(opcode) && z.getMessage().contains("unhashable"), z.getMessage());
    }

    @Test
    void theFourteenBytePickleOfTheReport() throws IOException {
        // \x80\x02 ] q\x00 h\x00 a } h\x00 N s .
        byte[] pickle = {(byte) 0x80, 2, ']', 'q', 0, 'h', 0, 'a', '}', 'h', 0, 'N', 's', '.'};
        Path file = dir.resolve("recursive.pth");
        Files.write(file, pickle);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not a checkpoint: unknown format (the content is not a valid "
                + "pickle: malformed pickle in the magic number pickle: SETITEM uses a list of 1 as a dict key"),
                e.getMessage());
        assertTrue(e.getMessage().contains("(opcode SETITEM 's' at byte 12)"),
                e.getMessage());
    }

    @Test
    void selfContainingValuesAreHarmlessButNeverPrinted() throws IOException {
        // a legacy header whose protocol-version pickle is a list containing itself: the message describes it
        // without printing it (printing a cyclic structure recurses too)
        byte[] magic = new Pickle().proto(2).raw(0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50,
                0x19, '.').bytes();
        // a = [b], b = [a]: EMPTY_LIST, BINPUT 0, EMPTY_LIST, BINPUT 1, BINGET 0, APPEND (b.append(a)),
        // APPEND (a.append(b)), STOP
        byte[] cyclic = new Pickle().proto(2).raw(']', 'q', 0, ']', 'q', 1, 'h', 0, 'a', 'a', '.').bytes();
        byte[] all = new byte[magic.length + cyclic.length];
        System.arraycopy(magic, 0, all, 0, magic.length);
        System.arraycopy(cyclic, 0, all, magic.length, cyclic.length);
        Path file = dir.resolve("cyclic_protocol.pth");
        Files.write(file, all);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(file));
        assertEquals(Reason.UNSUPPORTED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("legacy checkpoint protocol version list of 1"), e.getMessage());
    }
}
