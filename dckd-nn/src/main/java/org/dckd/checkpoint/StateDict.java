package org.dckd.checkpoint;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import org.dckd.nn.TorchModule;

/**
 * An ordered map from PyTorch state-dict keys (for example {@code block_1.c1_r.weight}) to heap {@link Tensor}s,
 * remembering the file it came from so errors can name it. Instances are immutable; the transforming methods return
 * copies that share the (immutable) tensors.
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

    /**
     * The parameters and buffers of a block, keyed as PyTorch's {@code state_dict()} would key them: parameters
     * ({@link TorchModule#parameters}) in registration order, then the buffers ({@link BufferOwner#buffersOf}).
     * Parameter values are copied to the heap, so the result stays valid after the block is closed.
     *
     * @param block an initialised block following the {@link TorchModule} naming convention
     * @return the state dict (with no source file)
     * @throws IllegalStateException if a parameter is not initialised
     */
    public static StateDict of(Block block) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : TorchModule.parameters(block).entrySet()) {
            if (!e.getValue().isInitialized()) {
                throw new IllegalStateException("parameter " + e.getKey() + " is not initialised; initialise the "
                        + "block (block.initialize(manager, DataType.FLOAT32, inputShape)) before exporting it");
            }
            out.put(e.getKey(), Tensor.of(e.getValue().getArray()));
        }
        BufferOwner.buffersOf(block).forEach(out::put);
        return new StateDict(out, null);
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
    public long numel(Predicate<String> keyFilter) {
        long n = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (keyFilter.test(e.getKey())) {
                n += e.getValue().numel();
            }
        }
        return n;
    }

    /** A copy in which {@code prefix} is removed from every key that starts with it (e.g. {@code model.}). */
    public StateDict stripPrefix(String prefix) {
        return renameKeys(k -> k.startsWith(prefix) ? k.substring(prefix.length()) : k);
    }

    /**
     * A copy with every key passed through {@code mapping} (for example a {@link KeyMapping}); a {@code null} result
     * drops the tensor.
     *
     * @param mapping old key to new key, or to {@code null} to drop it
     * @return the renamed state dict, in the same order
     * @throws CheckpointException if two keys are mapped to the same new key
     */
    public StateDict renameKeys(UnaryOperator<String> mapping) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String k = mapping.apply(e.getKey());
            if (k == null) {
                continue;
            }
            String previous = origin.put(k, e.getKey());
            if (previous != null) {
                throw new CheckpointException(CheckpointException.Reason.STATE_DICT_MISMATCH, source,
                        "key mapping sends both '" + previous + "' and '" + e.getKey() + "' to '" + k + "'");
            }
            out.put(k, e.getValue());
        }
        return new StateDict(out, source);
    }

    /** A copy that keeps only the tensors whose key is accepted by the filter. */
    public StateDict filter(Predicate<String> keyFilter) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (keyFilter.test(k)) {
                out.put(k, v);
            }
        });
        return new StateDict(out, source);
    }

    @Override
    public String toString() {
        return "StateDict(" + tensors.size() + " tensors" + (source == null ? "" : ", " + source) + ")";
    }
}
