package org.dckd.data.training;

import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import org.dckd.data.prepare.FileNamePattern;

/**
 * Any HR folder with an LR folder: the LR partner of {@code HR/NAME.EXT} is {@code LR/<lr_pattern>}.
 *
 * <p>JSON ({@code type: paired}): {@code hr} (required), {@code lr} (required), {@code lr_pattern}
 * [{@code {name}x{scale}.png}; placeholders {@code {name}}, {@code {scale}}, {@code {ext}}], {@code name} [the HR
 * folder's name, or its parent's name when it is called {@code HR}], {@code meta_info} [none].
 *
 * @param hr the HR folder
 * @param lr the LR folder
 * @param lrPattern the LR file naming
 * @param name the sample-id prefix, or {@code null} for the default
 * @param metaInfo a meta-info file selecting HR files, or {@code null}
 */
public record PairedSource(@JsonProperty("hr") String hr, @JsonProperty("lr") String lr,
                           @JsonProperty("lr_pattern") String lrPattern, @JsonProperty("name") String name,
                           @JsonProperty("meta_info") String metaInfo) implements SourceConfig {

    /**
     * Validates the fields.
     *
     * @param hr required
     * @param lr required
     * @param lrPattern a valid {@link FileNamePattern}
     * @param name optional
     * @param metaInfo optional
     */
    public PairedSource {
        SourceConfig.require("paired", "hr", hr);
        SourceConfig.require("paired", "lr", lr);
        try {
            new FileNamePattern(lrPattern);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("paired source: lr_pattern: " + e.getMessage(), e);
        }
    }

    /**
     * The JSON creator: {@code lr_pattern} defaults to {@code {name}x{scale}.png}.
     *
     * @param hr required
     * @param lr required
     * @param lrPattern default {@code {name}x{scale}.png}
     * @param name optional
     * @param metaInfo optional
     * @return the source
     */
    @JsonCreator
    public static PairedSource of(@JsonProperty("hr") String hr, @JsonProperty("lr") String lr,
                                  @JsonProperty("lr_pattern") String lrPattern, @JsonProperty("name") String name,
                                  @JsonProperty("meta_info") String metaInfo) {
        return new PairedSource(hr, lr, lrPattern == null ? FileNamePattern.STANDARD.template() : lrPattern, name,
                metaInfo);
    }

    /**
     * A paired source with the standard naming.
     *
     * @param hr the HR folder
     * @param lr the LR folder
     * @return the source
     */
    public static PairedSource of(String hr, String lr) {
        return of(hr, lr, null, null, null);
    }

    @Override
    public SourceFolders folders(Path base, int scale) {
        Path h = SourceConfig.resolve(base, hr);
        return new SourceFolders(name != null ? name : defaultName(h), h, SourceConfig.resolve(base, lr),
                new FileNamePattern(lrPattern), false, metaInfo == null ? null : SourceConfig.resolve(base, metaInfo));
    }

    /** The folder's name, or its parent's for a folder called {@code HR}. */
    static String defaultName(Path hrFolder) {
        Path n = hrFolder.getFileName();
        if (n == null) {
            return "images";
        }
        if (n.toString().equals("HR") && hrFolder.getParent() != null && hrFolder.getParent().getFileName() != null) {
            return hrFolder.getParent().getFileName().toString();
        }
        return n.toString();
    }
}
