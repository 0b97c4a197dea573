package org.dckd.data.metrics;

import org.dckd.data.image.Image;

/**
 * The luma (Y) channel used by the super-resolution benchmarks: ITU-R BT.601 "studio swing", as MATLAB's
 * {@code rgb2ycbcr} on double input scaled back to 0..255 and BasicSR's {@code to_y_channel}:
 * {@code Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255} with R, G, B on 0..255, computed in {@code double} and
 * <em>not</em> rounded (rounding Y to 8 bits lowers PSNR by about 0.01-0.02 dB).
 */
public final class YChannel {

    private YChannel() {}

    /**
     * Computes the Y channel of an RGB image.
     *
     * @param image the image, values on 0..255
     * @return Y on the 16..235 scale (for inputs in 0..255), unrounded
     */
    public static Plane of(Image image) {
        int plane = image.width() * image.height();
        float[] rgb = image.toChw();
        double[] y = new double[plane];
        for (int i = 0; i < plane; i++) {
            y[i] = 16.0 + (65.481 * rgb[i] + 128.553 * rgb[plane + i] + 24.966 * rgb[2 * plane + i]) / 255.0;
        }
        return Plane.wrap(image.width(), image.height(), y);
    }
}
