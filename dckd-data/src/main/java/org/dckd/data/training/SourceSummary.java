package org.dckd.data.training;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What one source contributed to a {@link TrainingSet}.
 *
 * @param name the source's name (prefix of its sample ids)
 * @param hrFolder the HR folder actually used
 * @param lrFolder the LR folder actually used
 * @param pairs the number of pairs
 * @param subImages whether prepared sub-image folders were used instead of the configured folders
 * @param lrGenerated the number of LR images generated while opening (HR-only sources)
 * @param conversions for each conversion applied when reading (e.g. {@code grayscale replicated to RGB}), the number
 *     of files it applies to
 */
public record SourceSummary(String name, Path hrFolder, Path lrFolder, int pairs, boolean subImages, int lrGenerated,
                            Map<String, Integer> conversions) {

    /**
     * Copies the map.
     *
     * @param name the name
     * @param hrFolder the HR folder
     * @param lrFolder the LR folder
     * @param pairs the number of pairs
     * @param subImages whether sub-images were used
     * @param lrGenerated LR images generated
     * @param conversions conversion counts
     */
    public SourceSummary {
        Objects.requireNonNull(name, "name");
        conversions = Map.copyOf(conversions);
    }

    /** @return e.g. {@code DIV2K_train: 32208 pairs (sub-images), HR .../DIV2K_train_HR_sub, LR .../X4_sub} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(": ").append(pairs).append(" pairs");
        if (subImages) {
            sb.append(" (sub-images)");
        }
        sb.append(", HR ").append(hrFolder).append(", LR ").append(lrFolder);
        if (lrGenerated > 0) {
            sb.append(", ").append(lrGenerated).append(" LR images generated");
        }
        conversions.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(", ").append(e.getValue()).append(" files: ").append(e.getKey()));
        return sb.toString();
    }
}
