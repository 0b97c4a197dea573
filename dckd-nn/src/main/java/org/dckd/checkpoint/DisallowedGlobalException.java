package org.dckd.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint's pickle references a Python global (a function or class) that a weights-only checkpoint does not need,
 * for example {@code os.system} or {@code builtins.eval}. The reader refuses the file at the opcode that names the
 * global, before anything is constructed: nothing from the file is executed.
 */
public class DisallowedGlobalException extends CheckpointException {

    private static final long serialVersionUID = 1L;

    private final String global;

    /**
     * Creates the exception.
     *
     * @param file the checkpoint
     * @param global the global as {@code module.name} (or a description such as {@code extension code 1})
     * @param message the full explanation (the file is prepended)
     */
    public DisallowedGlobalException(Path file, String global, String message) {
        super(Reason.DISALLOWED_GLOBAL, file, message);
        this.global = global;
    }

    /** The refused global as {@code module.name}. */
    public String global() {
        return global;
    }
}
