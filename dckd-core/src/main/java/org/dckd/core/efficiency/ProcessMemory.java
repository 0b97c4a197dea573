package org.dckd.core.efficiency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from {@code /proc/self/status} (Linux); NaN elsewhere. */
public final class ProcessMemory {

    private ProcessMemory() {}

    /** The current resident set size in MB. */
    public static double residentMb() {
        return field("VmRSS:");
    }

    /** The peak resident set size in MB (since start, or since the last {@link #resetPeak()}). */
    public static double peakResidentMb() {
        return field("VmHWM:");
    }

    /**
     * Resets the peak resident set size to the current one (Linux: writes {@code 5} to
     * {@code /proc/self/clear_refs}).
     *
     * @return whether the reset worked; if not, {@link #peakResidentMb()} stays the process's lifetime peak
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;   // not Linux or not permitted
        }
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
