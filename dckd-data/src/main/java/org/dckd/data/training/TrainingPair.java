package org.dckd.data.training;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One LR/HR training pair, checked when the {@link TrainingSet} was opened: the LR image is exactly the modcropped
 * HR size divided by the scale, and at least one patch large. Nothing is read until a patch is cut from it.
 *
 * @param id the sample id, {@code SOURCE/NAME} (e.g. {@code DIV2K_train/0001_s001})
 * @param source the source's name
 * @param hrFile the HR image file
 * @param lrFile the LR image file
 * @param hrWidth HR width as stored (before modcrop)
 * @param hrHeight HR height as stored
 * @param lrWidth LR width
 * @param lrHeight LR height
 */
public record TrainingPair(String id, String source, Path hrFile, Path lrFile, int hrWidth, int hrHeight, int lrWidth,
                           int lrHeight) {

    /**
     * Checks that nothing is null.
     *
     * @param id the sample id
     * @param source the source's name
     * @param hrFile the HR file
     * @param lrFile the LR file
     * @param hrWidth HR width
     * @param hrHeight HR height
     * @param lrWidth LR width
     * @param lrHeight LR height
     */
    public TrainingPair {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(hrFile, "hrFile");
        Objects.requireNonNull(lrFile, "lrFile");
    }
}
