package org.dckd.checkpoint;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An ordered map from PyTorch state-dict keys (for example {@code block_1.c1_r.weight}) to heap {@link Tensor}s,
 * remembering the file it came from so errors can name it.
 */
public final class StateDict {

    private final Map<String, Tensor> tensors;
    private final Path source;

    /**
     * Creates a state dict.
     *
     * @param tensors the tensors in file order (copied)
     * @param source the file they were read from, or {@code null} if built in memory
     */
    public StateDict(Map<String, Tensor> tensors, Path source) {
        this.tensors = new LinkedHashMap<>(tensors);
        this.source = source;
    }

    /** The tensors in file order (unmodifiable). */
    public Map<String, Tensor> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /** The keys in file order. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /** The tensor for {@code key}, or {@code null}. */
    public Tensor get(String key) {
        return tensors.get(key);
    }

    /** The number of tensors. */
    public int size() {
        return tensors.size();
    }

    /** The file this was read from, or {@code null}. */
    public Path source() {
        return source;
    }

    /** The total number of elements over all tensors whose key is accepted by the filter. */
    public long numel(java.util.function.Predicate<String> keyFilter) {
        long n = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (keyFilter.test(e.getKey())) {
                n += e.getValue().numel();
            }
        }
        return n;
    }

    /** A copy in which {@code prefix} is removed from every key that starts with it (e.g. {@code module.}). */
    public StateDict stripPrefix(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k.startsWith(prefix) ? k.substring(prefix.length()) : k, v));
        return new StateDict(out, source);
    }

    @Override
    public String toString() {
        return "StateDict(" + tensors.size() + " tensors" + (source == null ? "" : ", " + source) + ")";
    }
}
