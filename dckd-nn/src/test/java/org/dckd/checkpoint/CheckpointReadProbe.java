package org.dckd.checkpoint;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link MemoryBoundTest} (with a small heap): reads one checkpoint and prints one line, either
 * {@code OK <n> tensors} or the class and message of whatever was thrown, including JVM errors such as
 * {@link OutOfMemoryError}. {@code --allocate N} instead allocates one byte array of N bytes, to show that the child's
 * heap really cannot hold what the hostile files ask for.
 */
public final class CheckpointReadProbe {

    private CheckpointReadProbe() {}

    /**
     * Reads the checkpoint named by the first argument, or allocates ({@code --allocate N}).
     *
     * @param args a checkpoint path, or {@code --allocate} and a byte count
     */
    public static void main(String[] args) {
        String line;
        try {
            if (args[0].equals("--allocate")) {
                byte[] b = new byte[Integer.parseInt(args[1])];
                line = "OK allocated " + b.length + " bytes";
            } else {
                line = "OK " + Checkpoints.read(Path.of(args[0])).size() + " tensors";
            }
        } catch (Throwable t) {
            line = t.getClass().getName() + ": " + t.getMessage();
        }
        System.out.println(line);
        System.out.flush();
    }
}
