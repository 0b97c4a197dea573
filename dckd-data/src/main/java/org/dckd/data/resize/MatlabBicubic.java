package org.dckd.data.resize;

import java.util.Arrays;
import org.dckd.data.image.Image;

/**
 * MATLAB-compatible bicubic resizing ({@code imresize(img, scale, 'bicubic')}), in pure Java.
 *
 * <p>Both variants use the weights and indices of {@link BicubicContributions} (antialiased kernel when shrinking,
 * symmetric boundary) and resize along the height first, then along the width (MATLAB's order for equal scale
 * factors). They differ in what happens between and after the two 1-D passes:
 * <ul>
 *   <li>{@link #resizeUint8(Image, double)} and {@link #downscale(Image, int)} reproduce MATLAB on a {@code uint8}
 *       image: the input is first quantized ({@link Image#quantized()}), and after <em>each</em> pass the values are
 *       rounded half up and clamped to [0, 255], because MATLAB's result of a pass over {@code uint8} data is
 *       {@code uint8}. This is bit-exact against the benchmark {@code LR_bicubic} files.</li>
 *   <li>{@link #resize(Image, double)} is MATLAB on a {@code double} image (and BasicSR's / KAIR's Python
 *       {@code imresize}): no rounding or clamping at all; the intermediate is stored as {@code float}, sums are
 *       accumulated in {@code double}. Its output can overshoot [0, 255]; apply {@link Image#quantized()} for the
 *       {@code uint8(imresize(double(img), s))} convention. Near saturated edges it differs from the
 *       {@code uint8} variant by up to about 12 levels.</li>
 * </ul>
 * Weight tables are computed once per (input length, output length, scale) and cached; passes are separable loops
 * over primitive arrays. Thread-safe.
 */
public final class MatlabBicubic {

    private MatlabBicubic() {}

    /**
     * Downscales by an integer factor exactly like MATLAB's {@code imresize(uint8_img, 1/factor, 'bicubic')}: the
     * benchmark convention for making LR images. The output size is {@code ceil(H / factor) x ceil(W / factor)}; the
     * benchmark protocol {@linkplain Image#modcrop(int) modcrops} the HR image first so that the division is exact.
     *
     * @param image the image (quantized first if its values are not already 8-bit integers)
     * @param factor the integer downscaling factor, at least 1
     * @return the downscaled image, with integer values 0..255
     */
    public static Image downscale(Image image, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("downscaling factor must be at least 1, got " + factor);
        }
        double scale = 1.0 / factor;
        int outH = (image.height() + factor - 1) / factor;
        int outW = (image.width() + factor - 1) / factor;
        return resize(image, outH, outW, scale, true);
    }

    /**
     * MATLAB's {@code imresize(uint8_img, scale, 'bicubic')}: quantize the input, then round half up and clamp to
     * [0, 255] after each 1-D pass. Output size {@code ceil(H * scale) x ceil(W * scale)}.
     *
     * @param image the image
     * @param scale the scale factor ({@code > 1} enlarges; use {@code 1.0 / s} to shrink by {@code s})
     * @return the resized image, with integer values 0..255
     */
    public static Image resizeUint8(Image image, double scale) {
        return resize(image, BicubicContributions.outputLength(image.height(), scale),
                BicubicContributions.outputLength(image.width(), scale), scale, true);
    }

    /**
     * MATLAB's {@code imresize(double_img, scale, 'bicubic')} on the 0..255 scale, without any intermediate or final
     * rounding or clamping (as BasicSR's {@code imresize}). Output size {@code ceil(H * scale) x ceil(W * scale)}.
     * Used e.g. for the bicubic-upsampling baseline and for training-data degradations.
     *
     * @param image the image
     * @param scale the scale factor ({@code > 1} enlarges; use {@code 1.0 / s} to shrink by {@code s})
     * @return the resized image (values may lie outside [0, 255])
     */
    public static Image resize(Image image, double scale) {
        return resize(image, BicubicContributions.outputLength(image.height(), scale),
                BicubicContributions.outputLength(image.width(), scale), scale, false);
    }

    private static Image resize(Image image, int outH, int outW, double scale, boolean uint8) {
        Image src = uint8 ? image.quantized() : image;
        int inH = src.height();
        int inW = src.width();
        BicubicContributions rows = BicubicContributions.of(inH, outH, scale);
        BicubicContributions cols = BicubicContributions.of(inW, outW, scale);
        float[] in = new float[inH * inW];
        float[] mid = new float[outH * inW];
        float[] out = new float[Image.CHANNELS * outH * outW];
        double[] acc = new double[inW];
        for (int c = 0; c < Image.CHANNELS; c++) {
            src.copyChannelTo(c, in, 0);
            heightPass(in, 0, inW, rows, mid, acc, uint8);
            widthPass(mid, outH, inW, cols, out, c * outH * outW, uint8);
        }
        return Image.of(outW, outH, out);
    }

    /** out[o][x] = sum_t w[o][t] * in[idx[o][t]][x], row by row with a contiguous inner loop. */
    private static void heightPass(float[] in, int inOffset, int width, BicubicContributions t, float[] out,
                                   double[] acc, boolean uint8) {
        int taps = t.taps();
        int[] idx = t.indices;
        double[] wts = t.weights;
        for (int o = 0; o < t.outLength(); o++) {
            Arrays.fill(acc, 0, width, 0.0);
            int base = o * taps;
            for (int k = 0; k < taps; k++) {
                double w = wts[base + k];
                int row = inOffset + idx[base + k] * width;
                for (int x = 0; x < width; x++) {
                    acc[x] += w * in[row + x];
                }
            }
            int dst = o * width;
            if (uint8) {
                for (int x = 0; x < width; x++) {
                    out[dst + x] = toUint8(acc[x]);
                }
            } else {
                for (int x = 0; x < width; x++) {
                    out[dst + x] = (float) acc[x];
                }
            }
        }
    }

    /** out[y][o] = sum_t w[o][t] * in[y][idx[o][t]]. */
    private static void widthPass(float[] in, int height, int inWidth, BicubicContributions t, float[] out,
                                  int outOffset, boolean uint8) {
        int taps = t.taps();
        int outWidth = t.outLength();
        int[] idx = t.indices;
        double[] wts = t.weights;
        for (int y = 0; y < height; y++) {
            int row = y * inWidth;
            int dst = outOffset + y * outWidth;
            for (int o = 0; o < outWidth; o++) {
                int base = o * taps;
                double s = 0;
                for (int k = 0; k < taps; k++) {
                    s += wts[base + k] * in[row + idx[base + k]];
                }
                out[dst + o] = uint8 ? toUint8(s) : (float) s;
            }
        }
    }

    /** MATLAB's double -> uint8 conversion: round half away from zero (= half up here), saturate to [0, 255]. */
    private static float toUint8(double v) {
        if (v <= 0) {
            return 0f;
        }
        if (v >= 255) {
            return 255f;
        }
        return Math.round(v);
    }
}
