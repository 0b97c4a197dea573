package org.dckd.data.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Checks, before a command writes anything, that its outputs cannot destroy its inputs.
 *
 * <p>Two rules hold for every dckd command: an output location (a file or a folder) that <em>is</em>, <em>contains</em>
 * or <em>lies inside</em> one of the command's inputs is refused, and two inputs that would be written to the same
 * output name are refused. Paths are compared as the file system resolves them: absolute, normalised, and through
 * symbolic links where they exist (an output that does not exist yet is resolved through its nearest existing parent),
 * so {@code out/../data} and a link to {@code data} are {@code data}.
 *
 * <pre>{@code
 * OutputLocations.of("--output", outputDir)
 *         .input("--input", inputDir)
 *         .input("--weights", weights)
 *         .check();                       // throws UnsafeOutputException naming both paths
 * }</pre>
 */
public final class OutputLocations {

    private final Map<String, Path> outputs = new LinkedHashMap<>();
    private final Map<String, Path> inputs = new LinkedHashMap<>();

    private OutputLocations() {}

    /**
     * Starts a check with one output.
     *
     * @param what the option or key the output came from ({@code --out}, {@code lr_cache})
     * @param output the output file or folder (need not exist)
     * @return the check, to add inputs and more outputs to
     */
    public static OutputLocations of(String what, Path output) {
        return new OutputLocations().output(what, output);
    }

    /**
     * Adds an output.
     *
     * @param what the option or key it came from
     * @param output the output file or folder; {@code null} is ignored
     * @return this
     */
    public OutputLocations output(String what, Path output) {
        if (output != null) {
            outputs.put(what, output);
        }
        return this;
    }

    /**
     * Adds an input.
     *
     * @param what the option or key it came from
     * @param input the input file or folder; {@code null} is ignored
     * @return this
     */
    public OutputLocations input(String what, Path input) {
        if (input != null) {
            inputs.put(what, input);
        }
        return this;
    }

    /**
     * Adds several inputs of one option ({@code validation.sets[0]}, {@code validation.sets[1]}, ...).
     *
     * @param what the option or key they came from
     * @param list the inputs
     * @return this
     */
    public OutputLocations inputs(String what, List<Path> list) {
        for (int i = 0; i < list.size(); i++) {
            input(what + "[" + i + "]", list.get(i));
        }
        return this;
    }

    /**
     * Adds named inputs.
     *
     * @param named option or key -> input
     * @return this
     */
    public OutputLocations inputs(Map<String, Path> named) {
        named.forEach(this::input);
        return this;
    }

    /**
     * Refuses any output that is, contains or lies inside an input.
     *
     * @throws UnsafeOutputException naming the output, the input and how they overlap
     * @throws IOException if a path cannot be resolved
     */
    public void check() throws IOException {
        for (Map.Entry<String, Path> out : outputs.entrySet()) {
            Path o = resolved(out.getValue());
            for (Map.Entry<String, Path> in : inputs.entrySet()) {
                Path i = resolved(in.getValue());
                String relation = o.equals(i) ? "is" : i.startsWith(o) ? "contains" : o.startsWith(i) ? "lies inside"
                        : null;
                if (relation != null) {
                    throw new UnsafeOutputException(out.getKey() + " " + out.getValue() + " " + relation + " the input "
                            + in.getKey() + " " + in.getValue() + "; writing there could overwrite or delete the input."
                            + " Choose an output location outside every input.");
                }
            }
        }
    }

    /**
     * Refuses two inputs that map to the same output file, and an output that is one of the inputs.
     *
     * @param inputs the input files
     * @param target the output file of each input
     * @param <T> what the inputs are (paths, names)
     * @return the outputs, in the order of the inputs
     * @throws UnsafeOutputException naming the inputs that collide and their output
     * @throws IOException if a path cannot be resolved
     */
    public static <T> List<Path> distinctTargets(List<T> inputs, Function<T, Path> target) throws IOException {
        Map<Path, T> seen = new LinkedHashMap<>();
        List<Path> targets = new ArrayList<>(inputs.size());
        for (T in : inputs) {
            Path t = target.apply(in);
            T before = seen.putIfAbsent(resolved(t), in);
            if (before != null) {
                throw new UnsafeOutputException("the inputs " + before + " and " + in + " would both be written to "
                        + t + "; rename one of them");
            }
            targets.add(t);
        }
        for (T in : inputs) {
            if (in instanceof Path p && seen.containsKey(resolved(p))) {
                throw new UnsafeOutputException("the input " + p + " would be overwritten by the output of "
                        + seen.get(resolved(p)) + "; write the outputs to another folder");
            }
        }
        return targets;
    }

    /** Whether {@code a} and {@code b} are the same location on the file system (links followed where they exist). */
    public static boolean sameLocation(Path a, Path b) throws IOException {
        return resolved(a).equals(resolved(b));
    }

    /** The absolute, normalised path with symbolic links resolved as far as the path exists. */
    static Path resolved(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
    }
}
