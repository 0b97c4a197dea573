package org.dckd.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dckd.checkpoint.CheckpointException.Reason;

/**
 * Finds the state dict inside an unpickled checkpoint.
 *
 * <p>A dict whose values are all tensors is the state dict itself. Otherwise the first of {@link #PREFERENCE} that is
 * present (and is a dict) is chosen and the wrapper's other entries are ignored; an explicit entry (a key, or a
 * {@code /}-separated path such as {@code model/encoder}) overrides the preference. The chosen dict must map strings to
 * tensors; nested dicts in it are an error that names the sub-dicts to choose from.
 */
final class StateDictSelector {

    /**
     * Wrapper entries tried in order: BasicSR's EMA weights (what BasicSR validates and publishes when EMA is on),
     * BasicSR/KAIR's raw weights, Lightning's and many training scripts' {@code state_dict}, then {@code model}, then LIPT's {@code model_state_dict}.
     */
    static final List<String> PREFERENCE = List.of("params_ema", "params", "state_dict", "model", "model_state_dict");

    private StateDictSelector() {}

    static Map<String, PickledTensor> select(Path file, Object root, String entry) {
        if (!(root instanceof Map<?, ?> top)) {
            throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, "the checkpoint holds a "
                    + TorchUnpickler.kind(root) + ", not a dict of tensors");
        }
        if (entry != null) {
            Object chosen = resolve(top, entry);
            if (chosen == null) {
                throw new CheckpointException(Reason.MISSING_ENTRY, file, "no entry '" + entry
                        + "' in the checkpoint; available top-level entries: " + describeEntries(top));
            }
            return asStateDict(file, chosen, entry);
        }
        if (!top.isEmpty() && allTensors(top)) {
            return asStateDict(file, top, null);
        }
        for (String key : PREFERENCE) {
            if (top.get(key) instanceof Map<?, ?>) {
                return asStateDict(file, top.get(key), key);
            }
        }
        if (top.isEmpty()) {
            throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, "the checkpoint is an empty dict");
        }
        throw new CheckpointException(Reason.MISSING_ENTRY, file, "no state dict found: the top-level dict is not "
                + "a dict of tensors and has none of the entries " + PREFERENCE + "; choose one with "
                + "Checkpoints.read(file, entry). Available entries: " + describeEntries(top));
    }

    private static Object resolve(Map<?, ?> top, String entry) {
        if (top.containsKey(entry)) {
            return top.get(entry);
        }
        Object node = top;
        for (String part : entry.split("/")) {
            if (!(node instanceof Map<?, ?> m) || !m.containsKey(part)) {
                return null;
            }
            node = m.get(part);
        }
        return node;
    }

    private static Map<String, PickledTensor> asStateDict(Path file, Object chosen, String entry) {
        String where = entry == null ? "the checkpoint" : "entry '" + entry + "'";
        if (!(chosen instanceof Map<?, ?> map)) {
            throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, where + " is a "
                    + TorchUnpickler.kind(chosen) + ", not a state dict");
        }
        List<String> nested = new ArrayList<>();
        Map<String, PickledTensor> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, where + " has a non-string key "
                        + TorchUnpickler.describe(e.getKey()) + " (" + TorchUnpickler.kind(e.getKey())
                        + "), so it is not a state dict");
            }
            if (e.getValue() instanceof PickledTensor t) {
                out.put(key, t);
            } else if (e.getValue() instanceof Map<?, ?>) {
                nested.add(key);
            } else {
                throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, "'" + key + "' in " + where + " is a "
                        + TorchUnpickler.kind(e.getValue()) + ", not a tensor, so " + where
                        + " is not a state dict");
            }
        }
        if (!nested.isEmpty()) {
            String prefix = entry == null ? "" : entry + "/";
            throw new CheckpointException(Reason.NOT_A_CHECKPOINT, file, where + " is not a flat state dict: "
                    + nested + " hold nested dicts; choose one with Checkpoints.read(file, \"" + prefix
                    + nested.get(0) + "\")");
        }
        return out;
    }

    private static boolean allTensors(Map<?, ?> map) {
        for (Object v : map.values()) {
            if (!(v instanceof PickledTensor)) {
                return false;
            }
        }
        return true;
    }

    /** Lists a dict's entries with the kind of each value, e.g. {@code params (dict of 76 entries), iter (int)}. */
    static String describeEntries(Map<?, ?> map) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object key = e.getKey();
            parts.add((key instanceof String k ? k : TorchUnpickler.describe(key)) + " ("
                    + TorchUnpickler.kind(e.getValue()) + ")");
            if (parts.size() == 40) {
                parts.add("... " + (map.size() - 40) + " more");
                break;
            }
        }
        return String.join(", ", parts);
    }
}
