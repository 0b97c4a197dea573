package org.dckd.data.training;

import java.nio.file.Path;
import java.util.Objects;

import org.dckd.data.prepare.FileNamePattern;

/**
 * A source's resolved files: where its HR and LR images are and how LR files are named.
 *
 * @param name the source's name (prefix of sample ids)
 * @param hrFolder the HR folder
 * @param lrFolder the LR folder
 * @param lrPattern how an LR file is named after its HR file
 * @param generateLr whether missing LR images are made from the HR images (HR-only sources)
 * @param metaInfo a meta-info file selecting the HR files, or {@code null} for all images in the folder
 */
public record SourceFolders(String name, Path hrFolder, Path lrFolder, FileNamePattern lrPattern, boolean generateLr,
                            Path metaInfo) {

    /**
     * Checks that no required component is null.
     *
     * @param name the name
     * @param hrFolder the HR folder
     * @param lrFolder the LR folder
     * @param lrPattern the LR naming
     * @param generateLr whether LR images are generated
     * @param metaInfo the meta-info file or null
     */
    public SourceFolders {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hrFolder, "hrFolder");
        Objects.requireNonNull(lrFolder, "lrFolder");
        Objects.requireNonNull(lrPattern, "lrPattern");
    }
}
