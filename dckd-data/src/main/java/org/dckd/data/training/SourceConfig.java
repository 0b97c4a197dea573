package org.dckd.data.training;

import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One source of training pairs, chosen by the {@code type} key: {@code div2k}, {@code flickr2k}, {@code paired} (any
 * HR folder with an LR folder and a file-name pattern) or {@code hr_only} (LR images made with MATLAB-exact bicubic
 * and cached on disk). Several sources are mixed in one run by listing them; relative paths are resolved against the
 * base folder given to {@link TrainingSet#open}.
 *
 * <p>Every source accepts {@code name} (the prefix of its sample ids; default from the folder, see each type) and
 * {@code meta_info} (a BasicSR meta-info file listing the HR files to use, relative to the HR folder; without it every
 * image file in the HR folder is used, sorted by name).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Div2kSource.class, name = "div2k"),
    @JsonSubTypes.Type(value = Flickr2kSource.class, name = "flickr2k"),
    @JsonSubTypes.Type(value = PairedSource.class, name = "paired"),
    @JsonSubTypes.Type(value = HrOnlySource.class, name = "hr_only")
})
public sealed interface SourceConfig permits Div2kSource, Flickr2kSource, PairedSource, HrOnlySource {

    /** @return the configured name, or {@code null} for the default */
    String name();

    /** @return the configured meta-info file, or {@code null} */
    String metaInfo();

    /**
     * Where this source's files are.
     *
     * @param base the folder relative paths are resolved against
     * @param scale the scale factor
     * @return the resolved folders and naming
     */
    SourceFolders folders(Path base, int scale);

    /**
     * Resolves a configured path.
     *
     * @param base the base folder
     * @param path the configured path ({@code ~/} is the user's home)
     * @return the absolute, normalised path
     */
    static Path resolve(Path base, String path) {
        String p = path;
        if (p.equals("~") || p.startsWith("~/")) {
            p = System.getProperty("user.home") + p.substring(1);
        }
        return base.resolve(p).toAbsolutePath().normalize();
    }

    /**
     * Checks that a required path field is present.
     *
     * @param type the source type, for the message
     * @param field the field name
     * @param value the value
     * @return the value
     * @throws IllegalArgumentException if it is null or blank
     */
    static String require(String type, String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(type + " source: " + field + " is required");
        }
        return value;
    }
}
