package org.dckd.data.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an image file's header says, read without decoding the pixels ({@link ImageFiles#readInfo}).
 *
 * <p>The flags tell which of the documented conversions {@link ImageFiles#read} applies to the file: grayscale is
 * replicated to RGB, an alpha channel is dropped, samples of other than 8 bits are scaled to 0..255, palette colours
 * are expanded. A file with none of them is plain 8-bit RGB and is read without any conversion.
 *
 * @param format the format name in upper case ({@code PNG}, {@code JPEG}, ...)
 * @param width width in pixels
 * @param height height in pixels
 * @param bitsPerSample bits per colour sample (8 for ordinary files, 16 for 16-bit PNG); for palette images the bits
 *     of a palette entry's colour (8)
 * @param gray whether the file stores one gray channel
 * @param alpha whether the file has an alpha channel
 * @param palette whether the file stores palette indices
 */
public record ImageFileInfo(String format, int width, int height, int bitsPerSample, boolean gray, boolean alpha,
                            boolean palette) {

    /**
     * Checks the fields.
     *
     * @param format the format name
     * @param width width in pixels
     * @param height height in pixels
     * @param bitsPerSample bits per colour sample
     * @param gray whether the file is grayscale
     * @param alpha whether it has alpha
     * @param palette whether it is a palette image
     */
    public ImageFileInfo {
        Objects.requireNonNull(format, "format");
    }

    /**
     * The conversions {@link ImageFiles#read} applies to this file, in words, e.g.
     * {@code ["grayscale replicated to RGB", "16-bit samples scaled to 0..255"]}; empty for plain 8-bit RGB.
     *
     * @return the conversions
     */
    public List<String> conversions() {
        List<String> out = new ArrayList<>(4);
        if (gray) {
            out.add("grayscale replicated to RGB");
        }
        if (palette) {
            out.add("palette expanded to RGB");
        }
        if (alpha) {
            out.add("alpha channel dropped");
        }
        if (bitsPerSample != 8) {
            out.add(bitsPerSample + "-bit samples scaled to 0..255");
        }
        return out;
    }

    /** @return whether the file is stored as plain 8-bit RGB (read without any conversion) */
    public boolean isPlainRgb8() {
        return conversions().isEmpty();
    }
}
