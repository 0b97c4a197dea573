package org.dckd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malicious pickles (tools/reference/make_checkpoint_fixtures.py; each payload would create
 * /tmp/dckd_pickle_marker_VARIANT) are refused at the opcode naming the global, in raw-pickle, zip and legacy form.
 */
class UnsafeCheckpointTest {

    static Stream<Arguments> maliciousFiles() {
        Stream.Builder<Arguments> b = Stream.builder();
        String[][] variants = {
            {"os_system", "os.system"},
            {"builtins_eval", "builtins.eval"},
            {"posix_system_inst", "posix.system"},
            {"posix_system_reduce", "posix.system"},
            {"subprocess_popen_obj", "subprocess.Popen"},
            {"getattr_import", "__builtin__.getattr"},
            {"ext1", "extension code 1"},
            {"in_state_dict", "os.system"},
        };
        for (String[] v : variants) {
            b.add(Arguments.of("evil_" + v[0] + ".pkl", v[0], v[1]));
            b.add(Arguments.of("evil_" + v[0] + ".pth", v[0], v[1]));
        }
        b.add(Arguments.of("evil_legacy_main.pth", "os_system", "os.system"));
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maliciousFiles")
    void refusesDisallowedGlobalWithoutRunningIt(String name, String variant, String global) throws IOException {
        Path marker = Path.of("/tmp/dckd_pickle_marker_" + variant);
        Files.deleteIfExists(marker);
        Path file = Fixtures.resource(name);

        DisallowedGlobalException e = assertThrows(DisallowedGlobalException.class, () -> Checkpoints.read(file));

        assertEquals(global, e.global());
        assertEquals(file, e.file());
        assertEquals(CheckpointException.Reason.DISALLOWED_GLOBAL, e.reason());
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("'" + global + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("Nothing from the file was executed"), e.getMessage());
        assertTrue(e.getMessage().contains("can run arbitrary code"), e.getMessage());
        assertFalse(Files.exists(marker), "the payload ran: " + marker + " exists");
    }
}
