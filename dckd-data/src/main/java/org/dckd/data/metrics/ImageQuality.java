package org.dckd.data.metrics;

import org.dckd.data.image.Image;

/**
 * The super-resolution evaluation protocol behind the published PSNR/SSIM numbers (RCAN/IMDN MATLAB script, BasicSR):
 * <ol>
 *   <li>the SR output is quantized to 8-bit values: clamp to [0, 255], round half up ({@link Image#quantized()});</li>
 *   <li>the HR image is modcropped to a multiple of the scale (top-left kept) and must then have the SR output's
 *       size;</li>
 *   <li>both are converted to the unrounded BT.601 Y channel ({@link YChannel});</li>
 *   <li>{@code scale} pixels are removed from every border;</li>
 *   <li>PSNR ({@link Psnr}, peak 255) and SSIM ({@link Ssim}) are computed on what remains.</li>
 * </ol>
 * Set averages are means of per-image values ({@link QualityScore#mean}).
 *
 * <p>A model working on [0, 1] data gives its output to {@link Image#fromChw(int, int, float[], int, float)} with
 * range 1: the values are multiplied by 255 in {@code float} and then clamped and rounded, which gives the same
 * 8-bit values as the usual "clamp to [0, 1], times 255, round" (rounding half up; numpy's half-to-even
 * {@code np.round} differs only on exact ties, which network outputs practically never produce).
 */
public final class ImageQuality {

    private ImageQuality() {}

    /**
     * Evaluates a super-resolved image against its ground truth with the full protocol.
     *
     * @param sr the super-resolved image on the 0..255 scale (any float values; quantized here)
     * @param hr the ground-truth HR image as read from its file (modcropped here)
     * @param scale the super-resolution scale factor; also the border removed before measuring
     * @return PSNR (dB, {@code +Infinity} if identical) and SSIM on the Y channel
     * @throws IllegalArgumentException if the SR size differs from the modcropped HR size (the message gives both)
     *     or the image is too small for the border and the 11x11 SSIM window
     */
    public static QualityScore evaluate(Image sr, Image hr, int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, got " + scale);
        }
        Image target = hr.modcrop(scale);
        if (sr.width() != target.width() || sr.height() != target.height()) {
            throw new IllegalArgumentException("SR image is " + sr.width() + "x" + sr.height()
                    + " (width x height) but the HR image, " + hr.width() + "x" + hr.height() + ", modcropped to a"
                    + " multiple of " + scale + " is " + target.width() + "x" + target.height());
        }
        return compare(sr.quantized(), target, scale);
    }

    /**
     * Measures two equally sized images as they are (no quantization, no modcrop): Y channel, remove
     * {@code border} pixels per side, PSNR and SSIM.
     *
     * @param a one image (0..255 scale)
     * @param b the other image, same size
     * @param border pixels removed from every side before measuring, at least 0
     * @return PSNR (dB) and SSIM on the Y channel
     */
    public static QualityScore compare(Image a, Image b, int border) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("images differ in size: " + a.width() + "x" + a.height() + " vs "
                    + b.width() + "x" + b.height() + " (width x height)");
        }
        Plane ya = YChannel.of(a).shave(border);
        Plane yb = YChannel.of(b).shave(border);
        return new QualityScore(Psnr.of(ya, yb), Ssim.of(ya, yb));
    }
}
