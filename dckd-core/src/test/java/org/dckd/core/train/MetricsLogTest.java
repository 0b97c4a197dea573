package org.dckd.core.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {

    /** A full disk says only "No space left on device"; the error must name the file. */
    @Test
    void aFullDiskNamesTheFile(@TempDir Path dir) throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.exists(full), "SKIPPED: no /dev/full on this system (Linux only)");
        RunDirectory run = RunDirectory.create(dir.resolve("run"), false);
        try (MetricsLog log = new MetricsLog(run, List.of("l_pix"), 0)) {
            Files.delete(run.resolve("validation.csv"));
            Files.createSymbolicLink(run.resolve("validation.csv"), full); // every write: ENOSPC
            IOException e = assertThrows(IOException.class,
                    () -> log.addValidation(List.of(new MetricsLog.ValidationRow(1, "Set5", 30, 0.9))));
            assertTrue(e.getMessage().contains("validation.csv") && e.getMessage().contains("No space left"),
                    e.getMessage());
        }
        // a metrics file that is not a regular file is refused, not read (reading /dev/full never ends)
        Files.delete(run.resolve("metrics.csv"));
        Files.createSymbolicLink(run.resolve("metrics.csv"), full);
        IOException e = assertThrows(IOException.class, () -> new MetricsLog(run, List.of("l_pix"), 0));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }
}
