package org.dckd.checkpoint;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What {@link WeightLoader} did: which parameters it loaded, which buffers it checked, and (in non-strict mode) which
 * keys were missing or unexpected. All keys are the network's keys (after key mapping).
 */
public final class LoadReport {

    private final Path source;
    private final List<String> loaded;
    private final Map<String, String> converted;
    private final List<String> checkedBuffers;
    private final List<String> missing;
    private final List<String> unexpected;
    private final Map<String, String> ignored;

    LoadReport(Path source, List<String> loaded, Map<String, String> converted, List<String> checkedBuffers,
            List<String> missing, List<String> unexpected, Map<String, String> ignored) {
        this.source = source;
        this.loaded = List.copyOf(loaded);
        this.converted = Collections.unmodifiableMap(converted);
        this.checkedBuffers = List.copyOf(checkedBuffers);
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.ignored = Collections.unmodifiableMap(ignored);
    }

    /** The checkpoint file, or {@code null} for an in-memory state dict. */
    public Path source() {
        return source;
    }

    /** Parameters whose values were copied from the checkpoint, in the block's order. */
    public List<String> loaded() {
        return loaded;
    }

    /** Loaded parameters whose type was converted, with the conversion (e.g. {@code float16 -> float32}). */
    public Map<String, String> converted() {
        return converted;
    }

    /** Buffers present in the checkpoint whose shape (and, for verified buffers, values) matched the block's. */
    public List<String> checkedBuffers() {
        return checkedBuffers;
    }

    /** Block parameters the checkpoint lacks; they keep their initial values (only possible when not strict). */
    public List<String> missing() {
        return missing;
    }

    /** Checkpoint keys the block has no parameter or buffer for (only possible when not strict). */
    public List<String> unexpected() {
        return unexpected;
    }

    /**
     * Keys deliberately skipped, with the reason: input-size-dependent buffers such as SwinIR's {@code attn_mask}
     * (the block recomputes them), and keys excluded with {@link WeightLoader.Builder#optIgnoredKeys}.
     */
    public Map<String, String> ignored() {
        return ignored;
    }

    /** Whether every parameter was loaded and nothing in the checkpoint was left over. */
    public boolean isComplete() {
        return missing.isEmpty() && unexpected.isEmpty();
    }

    @Override
    public String toString() {
        return "LoadReport(" + CheckpointException.describe(source) + ": " + loaded.size() + " loaded, "
                + converted.size() + " converted, " + checkedBuffers.size() + " buffers checked, " + missing.size()
                + " missing, " + unexpected.size() + " unexpected, " + ignored.size() + " ignored)";
    }
}
