package org.dckd.data.training;

import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import org.dckd.data.prepare.BicubicLrGenerator;
import org.dckd.data.prepare.FileNamePattern;

/**
 * A folder of HR images only: the LR images are made once with MATLAB-exact bicubic
 * ({@link BicubicLrGenerator}) when the training set is opened, and cached on disk as
 * {@code LR_CACHE/NAMEx<s>.png}; later runs reuse every cached file that is not older than its HR file.
 *
 * <p>JSON ({@code type: hr_only}): {@code hr} (required), {@code lr_cache} [{@link BicubicLrGenerator#defaultOutput}:
 * a sibling folder, {@code X_HR -> X_LR_bicubic/X<s>}, {@code NAME -> NAME_LR_bicubic/X<s>}], {@code name} [as for
 * {@code paired}], {@code meta_info} [none].
 *
 * @param hr the HR folder
 * @param lrCache the folder for the generated LR images, or {@code null} for the default
 * @param name the sample-id prefix, or {@code null} for the default
 * @param metaInfo a meta-info file selecting HR files, or {@code null}
 */
public record HrOnlySource(@JsonProperty("hr") String hr, @JsonProperty("lr_cache") String lrCache,
                           @JsonProperty("name") String name, @JsonProperty("meta_info") String metaInfo)
        implements SourceConfig {

    /**
     * Validates the fields.
     *
     * @param hr required
     * @param lrCache optional
     * @param name optional
     * @param metaInfo optional
     */
    @JsonCreator
    public HrOnlySource {
        SourceConfig.require("hr_only", "hr", hr);
    }

    /**
     * An HR-only source with an explicit LR cache folder.
     *
     * @param hr the HR folder
     * @param lrCache the LR cache folder
     * @return the source
     */
    public static HrOnlySource of(String hr, String lrCache) {
        return new HrOnlySource(hr, lrCache, null, null);
    }

    @Override
    public SourceFolders folders(Path base, int scale) {
        Path h = SourceConfig.resolve(base, hr);
        Path lr = lrCache != null ? SourceConfig.resolve(base, lrCache) : BicubicLrGenerator.defaultOutput(h, scale);
        return new SourceFolders(name != null ? name : PairedSource.defaultName(h), h, lr, FileNamePattern.STANDARD,
                true, metaInfo == null ? null : SourceConfig.resolve(base, metaInfo));
    }
}
