package org.dckd.data.prepare;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dckd.data.image.ImageFiles;

/**
 * How an LR file is named after its HR file: a template with the placeholders {@code {name}} (the HR file name without
 * its extension), {@code {scale}} (the scale factor) and {@code {ext}} (the HR file's extension, without the dot).
 * DIV2K and Flickr2K use {@link #STANDARD} ({@code 0001.png -> 0001x4.png}); sub-image folders use
 * {@link #SAME_NAME} ({@code 0001_s001.png -> 0001_s001.png}).
 *
 * @param template the template, e.g. {@code {name}x{scale}.png}
 */
public record FileNamePattern(String template) {

    /** Declared first: the constants below are validated with it. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

    /** {@code {name}x{scale}.png}: the DIV2K / Flickr2K / benchmark LR naming. */
    public static final FileNamePattern STANDARD = new FileNamePattern("{name}x{scale}.png");

    /** {@code {name}.{ext}}: the LR file has the HR file's name (sub-image folders). */
    public static final FileNamePattern SAME_NAME = new FileNamePattern("{name}.{ext}");

    /**
     * Checks the template.
     *
     * @param template the template
     * @throws IllegalArgumentException if it lacks {@code {name}}, has an unknown placeholder, or contains a path
     *     separator
     */
    public FileNamePattern {
        Objects.requireNonNull(template, "template");
        if (!template.contains("{name}")) {
            throw new IllegalArgumentException("file name pattern '" + template + "' must contain {name}");
        }
        if (template.contains("/") || template.contains("\\")) {
            throw new IllegalArgumentException("file name pattern '" + template
                    + "' must be a file name, not a path (no / or \\)");
        }
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            String p = m.group(1);
            if (!p.equals("name") && !p.equals("scale") && !p.equals("ext")) {
                throw new IllegalArgumentException("file name pattern '" + template + "' has an unknown placeholder {"
                        + p + "} (known: {name}, {scale}, {ext})");
            }
        }
    }

    /**
     * The LR file name for an HR file name.
     *
     * @param hrFileName the HR file name, e.g. {@code 0001.png}
     * @param scale the scale factor
     * @return the LR file name, e.g. {@code 0001x4.png}
     */
    public String apply(String hrFileName, int scale) {
        String stem = ImageFiles.stem(hrFileName);
        String ext = stem.length() < hrFileName.length() ? hrFileName.substring(stem.length() + 1) : "";
        return template.replace("{name}", stem).replace("{scale}", Integer.toString(scale)).replace("{ext}", ext);
    }

    /** @return the template */
    @Override
    public String toString() {
        return template;
    }
}
