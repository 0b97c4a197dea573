package org.dckd.data.training;

import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import org.dckd.data.prepare.FileNamePattern;

/**
 * DIV2K in its official layout: {@code ROOT/DIV2K_<split>_HR/0001.png} with
 * {@code ROOT/DIV2K_<split>_LR_bicubic/X<s>/0001x<s>.png}.
 *
 * <p>JSON ({@code type: div2k}): {@code root} (required), {@code split} [{@code train}; or {@code valid}],
 * {@code name} [{@code DIV2K_train} / {@code DIV2K_valid}], {@code meta_info} [none].
 *
 * @param root the folder holding {@code DIV2K_train_HR} etc.
 * @param split {@code train} or {@code valid}
 * @param name the sample-id prefix, or {@code null} for the default
 * @param metaInfo a meta-info file selecting HR files, or {@code null}
 */
public record Div2kSource(@JsonProperty("root") String root, @JsonProperty("split") String split,
                          @JsonProperty("name") String name, @JsonProperty("meta_info") String metaInfo)
        implements SourceConfig {

    /**
     * Validates the fields.
     *
     * @param root required
     * @param split train or valid
     * @param name optional
     * @param metaInfo optional
     */
    public Div2kSource {
        SourceConfig.require("div2k", "root", root);
        if (!"train".equals(split) && !"valid".equals(split)) {
            throw new IllegalArgumentException("div2k source: split must be 'train' or 'valid', got '" + split + "'");
        }
    }

    /**
     * The JSON creator: {@code split} defaults to {@code train}.
     *
     * @param root required
     * @param split default train
     * @param name optional
     * @param metaInfo optional
     * @return the source
     */
    @JsonCreator
    public static Div2kSource of(@JsonProperty("root") String root, @JsonProperty("split") String split,
                                 @JsonProperty("name") String name, @JsonProperty("meta_info") String metaInfo) {
        return new Div2kSource(root, split == null ? "train" : split, name, metaInfo);
    }

    /**
     * The training split of a DIV2K root.
     *
     * @param root the DIV2K root folder
     * @return the source
     */
    public static Div2kSource train(String root) {
        return new Div2kSource(root, "train", null, null);
    }

    @Override
    public SourceFolders folders(Path base, int scale) {
        Path r = SourceConfig.resolve(base, root);
        String prefix = "DIV2K_" + split;
        return new SourceFolders(name != null ? name : prefix, r.resolve(prefix + "_HR"),
                r.resolve(prefix + "_LR_bicubic").resolve("X" + scale), FileNamePattern.STANDARD, false,
                metaInfo == null ? null : SourceConfig.resolve(base, metaInfo));
    }
}
