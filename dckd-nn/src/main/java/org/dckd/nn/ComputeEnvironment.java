package org.dckd.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ai.djl.engine.Engine;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What decides the last bits of a result on a CPU: which kernels libtorch runs and how many threads it uses.
 *
 * <p>ATen's vectorised operators, oneDNN's convolutions and MKL's matrix products each pick a kernel for the processor
 * they run on, and a reduction split over more threads adds in another order. The same code, data and seed therefore
 * give bit-identical results on one machine with the same thread count, and results that differ in the last bits (and,
 * after many training steps, in the digits) elsewhere. The kernels can be capped to those of an older processor with
 * {@code ATEN_CPU_CAPABILITY} (e.g. {@code avx2}, {@code default}), {@code ONEDNN_MAX_CPU_ISA} (e.g. {@code AVX2}) and
 * {@code MKL_ENABLE_INSTRUCTIONS} (e.g. {@code AVX2}), set before the process starts. dckd records this environment
 * with every training run (results.json, the checkpoints' training state) so that a result can be reproduced where it
 * is reproducible.
 *
 * @param cpuKernels {@code native}, or the caps that are set ({@code ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2})
 * @param torchThreads libtorch's intra-op threads (0 if the engine did not say)
 * @param os the operating system ({@code os.name})
 * @param arch the processor architecture ({@code os.arch})
 * @param cpu the processor's model name where the system tells it, else empty
 * @param java the Java runtime version
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ComputeEnvironment(String cpuKernels, int torchThreads, String os, String arch, String cpu,
        String java) {

    /** The environment variables that cap the CPU kernels, in the order they are reported. */
    public static final List<String> KERNEL_VARIABLES =
            List.of("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_ENABLE_INSTRUCTIONS");

    private static volatile ComputeEnvironment current;

    /** This process's environment (loads the engine to ask for its thread count; read once per process). */
    public static ComputeEnvironment current() {
        if (current == null) {
            current = new ComputeEnvironment(currentKernels(), currentThreads(), System.getProperty("os.name"),
                    System.getProperty("os.arch"), currentCpuModel(), Runtime.version().toString());
        }
        return current;
    }

    /** {@code native}, or the kernel caps set in this process's environment, space separated. */
    public static String currentKernels() {
        List<String> set = new ArrayList<>();
        for (String name : KERNEL_VARIABLES) {
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) {
                set.add(name + "=" + value.trim());
            }
        }
        return set.isEmpty() ? "native" : String.join(" ", set);
    }

    /**
     * Whether results computed in {@code other} are expected to be bit-identical to results computed here: the same
     * kernels, threads, processor, operating system and architecture.
     */
    public boolean bitCompatibleWith(ComputeEnvironment other) {
        return cpuKernels.equals(other.cpuKernels) && torchThreads == other.torchThreads && os.equals(other.os)
                && arch.equals(other.arch) && cpu.equals(other.cpu);
    }

    private static int currentThreads() {
        DjlRuntime.ensureOffline();
        try {
            Engine.getInstance();
            Object n = Class.forName("ai.djl.pytorch.jni.JniUtils").getMethod("getNumThreads").invoke(null);
            return (Integer) n;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return 0;
        }
    }

    private static String currentCpuModel() {
        Path info = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(info)) {
                for (String line : Files.readAllLines(info)) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not a Linux system, or not readable: the model stays unknown
        }
        return "";
    }
}
