package org.dckd.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from {@code /proc/self/status} (Linux); NaN elsewhere. */
final class ProcessMemory {

    private ProcessMemory() {}

    /** The current resident set size in MB. */
    static double residentMb() {
        return field("VmRSS:");
    }

    /** The peak resident set size in MB (since start, or since the last reset of the peak). */
    static double peakResidentMb() {
        return field("VmHWM:");
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Double.NaN;
    }
}
