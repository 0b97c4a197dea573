package org.dckd.checkpoint;

import java.nio.file.Path;
import java.util.List;

/**
 * A state dict does not fit a network. One exception lists every problem at once: every missing key, every unexpected
 * key, every shape mismatch and every verified buffer whose values differ, plus a hint when the checkpoint is probably
 * for another architecture or uses other key names.
 */
public class StateDictMismatchException extends CheckpointException {

    private static final long serialVersionUID = 1L;

    /** A tensor whose shape differs between the network and the checkpoint. */
    public record ShapeMismatch(String key, List<Long> expected, List<Long> found) {}

    private final List<String> missingKeys;
    private final List<String> unexpectedKeys;
    private final List<ShapeMismatch> shapeMismatches;
    private final List<String> valueMismatches;

    StateDictMismatchException(Path file, String message, List<String> missingKeys, List<String> unexpectedKeys,
            List<ShapeMismatch> shapeMismatches, List<String> valueMismatches) {
        super(Reason.STATE_DICT_MISMATCH, file, message);
        this.missingKeys = List.copyOf(missingKeys);
        this.unexpectedKeys = List.copyOf(unexpectedKeys);
        this.shapeMismatches = List.copyOf(shapeMismatches);
        this.valueMismatches = List.copyOf(valueMismatches);
    }

    /** Keys the network has and the checkpoint lacks. */
    public List<String> missingKeys() {
        return missingKeys;
    }

    /** Keys the checkpoint has and the network lacks (after key mapping). */
    public List<String> unexpectedKeys() {
        return unexpectedKeys;
    }

    /** Keys present on both sides with different shapes. */
    public List<ShapeMismatch> shapeMismatches() {
        return shapeMismatches;
    }

    /** Verified buffers (for example SwinIR's {@code relative_position_index}) whose values differ. */
    public List<String> valueMismatches() {
        return valueMismatches;
    }
}
