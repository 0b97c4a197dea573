package org.dckd.checkpoint;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

import org.dckd.checkpoint.StateDictMismatchException.ShapeMismatch;
import org.dckd.nn.TorchModule;

/**
 * Copies a {@link StateDict} into an initialised block by PyTorch key ({@link TorchModule} naming).
 *
 * <p><b>Strict</b> (the default, like PyTorch's {@code load_state_dict(strict=True)}): every parameter of the block
 * must be in the state dict with the same shape, and every key of the state dict must be a parameter or buffer of the
 * block. All problems are collected and reported in one {@link StateDictMismatchException} that names the checkpoint;
 * nothing is copied unless the check passes.
 *
 * <p><b>Buffers</b> ({@link BufferOwner}) are derived by the block itself and never loaded. A checkpoint
 * may contain or omit them; when present their shape must match, and the values of
 * {@link BufferOwner#verifiedBuffers verified buffers} (for example an index table) must be equal. Buffers that depend
 * on the training input size (SwinIR's {@code attn_mask}, whose first dimension is the training-time window count) are
 * accepted with any leading dimension, whether or not the block declares them, and are not loaded.
 *
 * <p><b>Types</b> are converted to each parameter's type (float16, bfloat16 or float64 to float32, ...).
 *
 * <p><b>Non-strict</b> loading ({@code builder().optStrict(false)}) tolerates missing and unexpected keys and reports
 * them in the returned {@link LoadReport}; shape and buffer-value mismatches are errors in both modes (as in PyTorch),
 * since skipping them silently would hide a wrong architecture. Use {@link Builder#optIgnoredKeys} to leave chosen
 * parameters at their initial values (for example a new upsampler when fine-tuning to another scale).
 *
 * <pre>{@code
 * StateDict sd = Checkpoints.read(Path.of("rlfn_x4.pth"));
 * WeightLoader.load(block, sd);                                       // strict
 * LoadReport report = WeightLoader.builder()
 *         .optKeyMapping(KeyMapping.identity().renamePrefix("fea_conv.", "conv_1."))
 *         .optStrict(false)
 *         .build()
 *         .loadInto(block, sd);
 * }</pre>
 */
public final class WeightLoader {

    /** The default test for input-size-dependent buffers: keys whose last component is {@code attn_mask}. */
    public static final Predicate<String> INPUT_SIZE_DEPENDENT_BUFFERS =
            k -> k.equals("attn_mask") || k.endsWith(".attn_mask");

    private static final int HINT_LIST = 5;

    private final boolean strict;
    private final UnaryOperator<String> keyMapping;
    private final Predicate<String> ignoredKeys;
    private final Predicate<String> sizeDependentBuffers;

    private WeightLoader(Builder b) {
        this.strict = b.strict;
        this.keyMapping = b.keyMapping;
        this.ignoredKeys = b.ignoredKeys;
        this.sizeDependentBuffers = b.sizeDependentBuffers;
    }

    /**
     * Loads every parameter of {@code block} from {@code stateDict}, strictly: all keys and shapes must match.
     *
     * @param block an initialised block following the {@link TorchModule} naming convention
     * @param stateDict the weights
     * @return what was loaded and checked
     * @throws StateDictMismatchException listing every missing, unexpected and mis-shaped key
     * @throws IllegalStateException if the block is not initialised
     */
    public static LoadReport load(Block block, StateDict stateDict) {
        return builder().build().loadInto(block, stateDict);
    }

    /** A builder for a loader with other options. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads {@code stateDict} into {@code block} with this loader's options.
     *
     * @param block an initialised block following the {@link TorchModule} naming convention
     * @param stateDict the weights
     * @return what was loaded, checked, missing, unexpected and ignored
     * @throws StateDictMismatchException if the state dict does not fit (see the class comment)
     * @throws IllegalStateException if the block is not initialised
     */
    public LoadReport loadInto(Block block, StateDict stateDict) {
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(stateDict, "stateDict");
        Map<String, Parameter> params = TorchModule.parameters(block);
        Map<String, Tensor> buffers = BufferOwner.buffersOf(block);
        Set<String> verified = BufferOwner.verifiedBuffersOf(block);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (!e.getValue().isInitialized()) {
                throw new IllegalStateException("parameter " + e.getKey() + " of the block is not initialised: call "
                        + "block.initialize(manager, DataType.FLOAT32, inputShape) before loading "
                        + CheckpointException.describe(stateDict.source()));
            }
        }

        // checkpoint keys as the block names them
        Map<String, Tensor> ckpt = new LinkedHashMap<>();
        Map<String, String> originalKey = new LinkedHashMap<>();
        Map<String, String> ignored = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : stateDict.tensors().entrySet()) {
            String k = keyMapping.apply(e.getKey());
            if (k == null) {
                ignored.put(e.getKey(), "dropped by the key mapping");
                continue;
            }
            String previous = originalKey.put(k, e.getKey());
            if (previous != null) {
                throw new CheckpointException(CheckpointException.Reason.STATE_DICT_MISMATCH, stateDict.source(),
                        "key mapping sends both '" + previous + "' and '" + e.getKey() + "' to '" + k + "'");
            }
            ckpt.put(k, e.getValue());
        }

        List<String> missing = new ArrayList<>();
        List<String> missingLines = new ArrayList<>();
        List<ShapeMismatch> shapeMismatches = new ArrayList<>();
        List<String> valueMismatches = new ArrayList<>();
        List<String> toLoad = new ArrayList<>();
        List<String> checkedBuffers = new ArrayList<>();
        int matched = 0;

        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String key = e.getKey();
            long[] expected = e.getValue().getArray().getShape().getShape();
            if (ignoredKeys.test(key)) {
                ignored.put(key, "excluded by optIgnoredKeys (keeps its initial value)");
                continue;
            }
            Tensor t = ckpt.get(key);
            if (t == null) {
                missing.add(key);
                missingLines.add(key + "  " + Arrays.toString(expected));
            } else if (!Arrays.equals(expected, t.shape())) {
                shapeMismatches.add(mismatch(key, expected, t.shape()));
            } else {
                toLoad.add(key);
                matched++;
            }
        }
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            String key = e.getKey();
            Tensor t = ckpt.get(key);
            if (t == null || ignoredKeys.test(key)) {
                continue;
            }
            long[] expected = e.getValue().shape();
            if (sizeDependentBuffers.test(key)) {
                long[] found = t.shape();
                boolean ok = found.length == expected.length && found.length > 0 && Arrays.equals(
                        Arrays.copyOfRange(found, 1, found.length), Arrays.copyOfRange(expected, 1, expected.length));
                if (ok) {
                    ignored.put(key, "input-size-dependent buffer (stored for " + found[0] + " windows); the block "
                            + "recomputes it");
                } else {
                    shapeMismatches.add(mismatch(key, expected, found));
                }
            } else if (!Arrays.equals(expected, t.shape())) {
                shapeMismatches.add(mismatch(key, expected, t.shape()));
            } else {
                if (verified.contains(key)) {
                    String diff = firstDifference(e.getValue(), t);
                    if (diff != null) {
                        valueMismatches.add(key + ": " + diff);
                        continue;
                    }
                }
                checkedBuffers.add(key);
            }
        }
        List<String> unexpected = new ArrayList<>();
        List<String> unexpectedLines = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : ckpt.entrySet()) {
            String key = e.getKey();
            if (params.containsKey(key) || buffers.containsKey(key)) {
                continue;
            }
            if (ignoredKeys.test(key)) {
                ignored.put(key, "excluded by optIgnoredKeys");
            } else if (sizeDependentBuffers.test(key)) {
                ignored.put(key, "input-size-dependent buffer the block does not declare; it recomputes it");
            } else {
                unexpected.add(key);
                String orig = originalKey.get(key);
                unexpectedLines.add(key + "  " + Arrays.toString(e.getValue().shape())
                        + (orig.equals(key) ? "" : "  (checkpoint key '" + orig + "')"));
            }
        }

        boolean fatal = !shapeMismatches.isEmpty() || !valueMismatches.isEmpty()
                || strict && (!missing.isEmpty() || !unexpected.isEmpty());
        if (fatal) {
            throw new StateDictMismatchException(stateDict.source(), message(stateDict, params, buffers, ckpt,
                    missingLines, unexpectedLines, shapeMismatches, valueMismatches, matched), missing, unexpected,
                    shapeMismatches, valueMismatches);
        }

        Map<String, String> converted = new LinkedHashMap<>();
        for (String key : toLoad) {
            String conversion = copy(ckpt.get(key), params.get(key).getArray());
            if (conversion != null) {
                converted.put(key, conversion);
            }
        }
        return new LoadReport(stateDict.source(), toLoad, converted, checkedBuffers, missing, unexpected, ignored);
    }

    /** Copies the values, converting the type; returns the conversion done, or {@code null}. */
    private static String copy(Tensor t, NDArray target) {
        DataType to = target.getDataType();
        DataType from = t.dataType();
        if (from == to) {
            target.set(t.data());
            return null;
        }
        if (to == DataType.FLOAT32) {
            target.set(FloatBuffer.wrap(t.toFloatArray()));
        } else if (to == DataType.FLOAT64) {
            target.set(DoubleBuffer.wrap(t.toDoubleArray()));
        } else {
            try (NDManager scratch = target.getManager().newSubManager()) {
                NDArray source = Tensor.isEngineType(from) ? t.toNDArray(scratch)
                        : scratch.create(t.toFloatArray(), t.djlShape());
                NDArray converted = source.toType(to, false);
                target.set(converted.toByteBuffer());
            }
        }
        return from + " -> " + to;
    }

    private static String firstDifference(Tensor expected, Tensor found) {
        double[] a = expected.toDoubleArray();
        double[] b = found.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            if (Double.compare(a[i], b[i]) != 0 && a[i] != b[i]) {
                return "values differ from the ones the block derives (first at flat index " + i + ": block " + a[i]
                        + ", checkpoint " + b[i] + ")";
            }
        }
        return null;
    }

    private static ShapeMismatch mismatch(String key, long[] expected, long[] found) {
        return new ShapeMismatch(key, Arrays.stream(expected).boxed().toList(), Arrays.stream(found).boxed().toList());
    }

    private String message(StateDict sd, Map<String, Parameter> params, Map<String, Tensor> buffers,
            Map<String, Tensor> ckpt, List<String> missingLines, List<String> unexpectedLines,
            List<ShapeMismatch> shapes, List<String> values, int matched) {
        StringBuilder m = new StringBuilder("the state dict does not fit the block (" + (strict ? "strict" : "non-strict")
                + " loading): " + missingLines.size() + " missing, " + unexpectedLines.size() + " unexpected, "
                + shapes.size() + " shape mismatch" + (shapes.size() == 1 ? "" : "es")
                + (values.isEmpty() ? "" : ", " + values.size() + " buffer value mismatch"
                + (values.size() == 1 ? "" : "es")));
        if (!missingLines.isEmpty()) {
            m.append("\n  missing from the checkpoint (the block has them):");
            missingLines.forEach(l -> m.append("\n    ").append(l));
        }
        if (!unexpectedLines.isEmpty()) {
            m.append("\n  unexpected in the checkpoint (the block has no such parameter or buffer):");
            unexpectedLines.forEach(l -> m.append("\n    ").append(l));
        }
        if (!shapes.isEmpty()) {
            m.append("\n  shape mismatch (block vs checkpoint):");
            shapes.forEach(s -> m.append("\n    ").append(s.key()).append("  block ").append(s.expected())
                    .append(", checkpoint ").append(s.found()));
        }
        if (!values.isEmpty()) {
            m.append("\n  buffer values differ:");
            values.forEach(v -> m.append("\n    ").append(v));
        }
        int blockTotal = params.size();
        if (matched * 2 < blockTotal) {
            m.append("\n  hint: only ").append(matched).append(" of the block's ").append(blockTotal)
                    .append(" parameters match the checkpoint by key and shape: the checkpoint is probably for "
                            + "another architecture or uses other key names.");
            String ckptLayout = KnownLayouts.recognise(sd.keys());
            String blockLayout = KnownLayouts.recognise(params.keySet());
            if (ckptLayout != null) {
                m.append(" Its keys look like ").append(ckptLayout).append('.');
            }
            if (blockLayout != null && !blockLayout.equals(ckptLayout)) {
                m.append(" The block expects ").append(blockLayout).append('.');
            }
            renameHint(m, params, buffers, ckpt);
        }
        return m.toString();
    }

    /** If the checkpoint holds exactly the block's parameter shapes in order, suggest a key mapping. */
    private void renameHint(StringBuilder m, Map<String, Parameter> params, Map<String, Tensor> buffers,
            Map<String, Tensor> ckpt) {
        Set<String> bufferLeaves = new java.util.HashSet<>();
        buffers.keySet().forEach(k -> bufferLeaves.add(k.substring(k.lastIndexOf('.') + 1)));
        List<Map.Entry<String, Tensor>> candidates = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : ckpt.entrySet()) {
            String leaf = e.getKey().substring(e.getKey().lastIndexOf('.') + 1);
            if (!bufferLeaves.contains(leaf) && !sizeDependentBuffers.test(e.getKey())) {
                candidates.add(e);
            }
        }
        if (candidates.size() != params.size() || params.isEmpty()) {
            return;
        }
        int i = 0;
        List<String> renames = new ArrayList<>();
        for (Map.Entry<String, Parameter> p : params.entrySet()) {
            Map.Entry<String, Tensor> c = candidates.get(i++);
            if (!Arrays.equals(p.getValue().getArray().getShape().getShape(), c.getValue().shape())) {
                return;
            }
            if (!p.getKey().equals(c.getKey())) {
                renames.add(c.getKey() + " -> " + p.getKey());
            }
        }
        m.append(" The checkpoint's ").append(params.size()).append(" tensors have exactly the shapes of the block's "
                + "parameters in the same order, so it is probably the same network with other key names: map them "
                + "with WeightLoader.builder().optKeyMapping(KeyMapping...) or StateDict.renameKeys(...). ")
                .append(renames.size()).append(" keys differ, e.g. ")
                .append(String.join(", ", renames.subList(0, Math.min(HINT_LIST, renames.size()))))
                .append(renames.size() > HINT_LIST ? ", ..." : "");
    }

    /** Options of a {@link WeightLoader}. */
    public static final class Builder {
        private boolean strict = true;
        private UnaryOperator<String> keyMapping = KeyMapping.identity();
        private Predicate<String> ignoredKeys = k -> false;
        private Predicate<String> sizeDependentBuffers = INPUT_SIZE_DEPENDENT_BUFFERS;

        private Builder() {}

        /**
         * Whether missing and unexpected keys are errors (default {@code true}). Shape mismatches are always errors.
         *
         * @param strict {@code false} to report missing/unexpected keys in the {@link LoadReport} instead
         * @return this builder
         */
        public Builder optStrict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * Renames checkpoint keys before matching (default: none). A {@code null} result drops the key.
         *
         * @param keyMapping checkpoint key to block key, for example a {@link KeyMapping}
         * @return this builder
         */
        public Builder optKeyMapping(UnaryOperator<String> keyMapping) {
            this.keyMapping = Objects.requireNonNull(keyMapping, "keyMapping");
            return this;
        }

        /**
         * Keys (block keys, after mapping) to leave alone: not loaded, not reported missing or unexpected.
         *
         * @param ignoredKeys which keys to skip
         * @return this builder
         */
        public Builder optIgnoredKeys(Predicate<String> ignoredKeys) {
            this.ignoredKeys = Objects.requireNonNull(ignoredKeys, "ignoredKeys");
            return this;
        }

        /**
         * Which buffers depend on the training input size, so their stored leading dimension may differ and they are
         * never loaded (default {@link #INPUT_SIZE_DEPENDENT_BUFFERS}).
         *
         * @param sizeDependentBuffers the test on block keys
         * @return this builder
         */
        public Builder optInputSizeDependentBuffers(Predicate<String> sizeDependentBuffers) {
            this.sizeDependentBuffers = Objects.requireNonNull(sizeDependentBuffers, "sizeDependentBuffers");
            return this;
        }

        /** Builds the loader. */
        public WeightLoader build() {
            return new WeightLoader(this);
        }
    }
}
