package org.dckd.data.training;

import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import org.dckd.data.prepare.FileNamePattern;

/**
 * Flickr2K in its usual layout: {@code ROOT/Flickr2K_HR/000001.png} with
 * {@code ROOT/Flickr2K_LR_bicubic/X<s>/000001x<s>.png}.
 *
 * <p>JSON ({@code type: flickr2k}): {@code root} (required), {@code name} [{@code Flickr2K}], {@code meta_info}
 * [none].
 *
 * @param root the folder holding {@code Flickr2K_HR} and {@code Flickr2K_LR_bicubic}
 * @param name the sample-id prefix, or {@code null} for the default
 * @param metaInfo a meta-info file selecting HR files, or {@code null}
 */
public record Flickr2kSource(@JsonProperty("root") String root, @JsonProperty("name") String name,
                             @JsonProperty("meta_info") String metaInfo) implements SourceConfig {

    /**
     * Validates the fields.
     *
     * @param root required
     * @param name optional
     * @param metaInfo optional
     */
    @JsonCreator
    public Flickr2kSource {
        SourceConfig.require("flickr2k", "root", root);
    }

    @Override
    public SourceFolders folders(Path base, int scale) {
        Path r = SourceConfig.resolve(base, root);
        return new SourceFolders(name != null ? name : "Flickr2K", r.resolve("Flickr2K_HR"),
                r.resolve("Flickr2K_LR_bicubic").resolve("X" + scale), FileNamePattern.STANDARD, false,
                metaInfo == null ? null : SourceConfig.resolve(base, metaInfo));
    }
}
