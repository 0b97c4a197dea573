package org.dckd.data.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable RGB image: three channels of {@code float} values on the 0..255 scale, stored planar (CHW: the whole
 * R plane, then G, then B; each plane row-major).
 *
 * <p>Values are not restricted: an image made from a network output may hold values outside [0, 255] or between
 * integers. {@link #quantized()} applies the super-resolution convention (clamp to [0, 255], round half up) and
 * gives an image whose values are the integers 0..255, like an 8-bit file.
 *
 * <p>Conversions to and from the scaled CHW {@code float[]} arrays used to build NCHW tensors elsewhere are
 * {@link #toChw(float)}, {@link #copyChwTo(float[], int, float)} and {@link #fromChw(int, int, float[], int, float)};
 * the {@code range} argument is the value that 255 maps to ({@code 1} for [0, 1] inputs, {@code 255} for [0, 255]).
 */
public final class Image {

    /** The number of channels (always 3: R, G, B). */
    public static final int CHANNELS = 3;

    private final int width;
    private final int height;
    private final float[] data;

    private Image(int width, int height, float[] data) {
        this.width = width;
        this.height = height;
        this.data = data;
    }

    /** Wraps an array without copying it; the caller must not keep or change {@code chw}. */
    static Image wrap(int width, int height, float[] chw) {
        checkSize(width, height);
        if (chw.length != CHANNELS * (long) width * height) {
            throw new IllegalArgumentException("CHW array of length " + chw.length + " does not hold a 3x"
                    + height + "x" + width + " image");
        }
        return new Image(width, height, chw);
    }

    private static void checkSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (CHANNELS * (long) width * height > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("image too large: " + width + "x" + height);
        }
    }

    /**
     * Creates an image from planar values on the 0..255 scale (copied).
     *
     * @param width image width in pixels
     * @param height image height in pixels
     * @param chw {@code 3 * height * width} values, CHW order, on the 0..255 scale
     * @return the image
     */
    public static Image of(int width, int height, float[] chw) {
        return fromChw(width, height, chw, 0, 255f);
    }

    /**
     * Creates an image from planar values scaled so that {@code range} means 255 (copied; not clamped).
     *
     * @param width image width in pixels
     * @param height image height in pixels
     * @param chw the source array
     * @param offset index in {@code chw} of the first value (e.g. {@code n * 3 * height * width} for sample n of an
     *     NCHW batch)
     * @param range the value that corresponds to 255 ({@code 1} for [0, 1] data, {@code 255} for [0, 255] data)
     * @return the image, values multiplied by {@code 255 / range}
     */
    public static Image fromChw(int width, int height, float[] chw, int offset, float range) {
        checkSize(width, height);
        Objects.requireNonNull(chw, "chw");
        checkRange(range);
        int n = CHANNELS * width * height;
        if (offset < 0 || offset > chw.length - n) {
            throw new IllegalArgumentException("array of length " + chw.length + " has no 3x" + height + "x" + width
                    + " image at offset " + offset);
        }
        float[] data = Arrays.copyOfRange(chw, offset, offset + n);
        if (range != 255f) {
            float f = 255f / range;
            for (int i = 0; i < n; i++) {
                data[i] *= f;
            }
        }
        return new Image(width, height, data);
    }

    /**
     * Creates an image whose three channels are all equal to one gray plane on the 0..255 scale.
     *
     * @param width image width in pixels
     * @param height image height in pixels
     * @param gray {@code height * width} values, row-major
     * @return the image with R = G = B = gray
     */
    public static Image fromGray(int width, int height, float[] gray) {
        checkSize(width, height);
        int plane = width * height;
        if (gray.length != plane) {
            throw new IllegalArgumentException("gray array of length " + gray.length + " does not hold a " + height
                    + "x" + width + " plane");
        }
        float[] data = new float[CHANNELS * plane];
        for (int c = 0; c < CHANNELS; c++) {
            System.arraycopy(gray, 0, data, c * plane, plane);
        }
        return new Image(width, height, data);
    }

    private static void checkRange(float range) {
        if (!(range > 0f) || Float.isInfinite(range)) {
            throw new IllegalArgumentException("range must be a positive finite number, got " + range);
        }
    }

    /** @return the width in pixels */
    public int width() {
        return width;
    }

    /** @return the height in pixels */
    public int height() {
        return height;
    }

    /** @return the number of channels, always {@value #CHANNELS} */
    public int channels() {
        return CHANNELS;
    }

    /** @return {@code 3 * height * width}, the number of values */
    public int size() {
        return data.length;
    }

    /**
     * Returns one value.
     *
     * @param channel 0 (R), 1 (G) or 2 (B)
     * @param y row, 0 at the top
     * @param x column, 0 at the left
     * @return the value on the 0..255 scale
     */
    public float get(int channel, int y, int x) {
        Objects.checkIndex(channel, CHANNELS);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return data[(channel * height + y) * width + x];
    }

    /** Direct access for this module's own loops: never modify, never hand out. */
    float[] data() {
        return data;
    }

    /**
     * Copies one channel (row-major, 0..255 scale) into {@code dst}, e.g. into a reused buffer.
     *
     * @param channel 0 (R), 1 (G) or 2 (B)
     * @param dst destination array
     * @param offset index in {@code dst} of the first value
     */
    public void copyChannelTo(int channel, float[] dst, int offset) {
        Objects.checkIndex(channel, CHANNELS);
        int plane = width * height;
        System.arraycopy(data, channel * plane, dst, offset, plane);
    }

    /** @return a copy of the values on the 0..255 scale, CHW order */
    public float[] toChw() {
        return data.clone();
    }

    /**
     * Returns the values scaled so that 255 maps to {@code range}, CHW order.
     *
     * @param range the value that 255 maps to ({@code 1} for [0, 1], {@code 255} for [0, 255])
     * @return a new array of {@link #size()} values
     */
    public float[] toChw(float range) {
        float[] out = new float[data.length];
        copyChwTo(out, 0, range);
        return out;
    }

    /**
     * Writes the values scaled so that 255 maps to {@code range} into {@code dst} (e.g. one sample of an NCHW batch).
     *
     * @param dst destination array
     * @param offset index in {@code dst} of the first value
     * @param range the value that 255 maps to
     */
    public void copyChwTo(float[] dst, int offset, float range) {
        checkRange(range);
        if (offset < 0 || offset > dst.length - data.length) {
            throw new IllegalArgumentException("array of length " + dst.length + " has no room for " + data.length
                    + " values at offset " + offset);
        }
        if (range == 255f) {
            System.arraycopy(data, 0, dst, offset, data.length);
        } else {
            float f = range / 255f;
            for (int i = 0; i < data.length; i++) {
                dst[offset + i] = data[i] * f;
            }
        }
    }

    /**
     * Rounds to 8-bit values the way super-resolution outputs are saved and evaluated: clamp to [0, 255], then round
     * half up ({@code floor(v + 0.5)}, i.e. MATLAB's {@code uint8()} conversion). numpy's {@code np.round} rounds
     * ties to even instead; for network outputs exact ties have probability zero, but for data that hits
     * {@code k + 0.5} exactly the two differ, and this method always rounds up.
     *
     * @return this image if it is already quantized, otherwise a new image with integer values 0..255
     * @throws IllegalArgumentException if a value is NaN (naming its position)
     */
    public Image quantized() {
        float[] out = null;
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            float q = quantize(v, i);
            if (q != v && out == null) {
                out = new float[data.length];
                System.arraycopy(data, 0, out, 0, i);
            }
            if (out != null) {
                out[i] = q;
            }
        }
        return out == null ? this : new Image(width, height, out);
    }

    private float quantize(float v, int index) {
        if (v >= 255f) {
            return 255f;
        }
        if (v > 0f) {
            return Math.round(v); // floor(v + 0.5) computed without the float rounding trap at v = k + 0.5 - ulp
        }
        if (v <= 0f) {
            return 0f;
        }
        int plane = width * height;
        throw new IllegalArgumentException("image value is NaN at channel " + index / plane + ", row "
                + (index % plane) / width + ", column " + index % width);
    }

    /** @return whether every value is one of the integers 0..255 (as after {@link #quantized()}) */
    public boolean isQuantized() {
        for (float v : data) {
            if (!(v >= 0f && v <= 255f) || v != (int) v) {
                return false;
            }
        }
        return true;
    }

    /**
     * Cuts out a rectangle.
     *
     * @param x left column of the rectangle
     * @param y top row of the rectangle
     * @param cropWidth width of the rectangle
     * @param cropHeight height of the rectangle
     * @return the rectangle as a new image (this image when it is the whole image)
     * @throws IllegalArgumentException if the rectangle is empty or not inside the image
     */
    public Image crop(int x, int y, int cropWidth, int cropHeight) {
        if (cropWidth <= 0 || cropHeight <= 0 || x < 0 || y < 0 || x > width - cropWidth || y > height - cropHeight) {
            throw new IllegalArgumentException("crop " + cropWidth + "x" + cropHeight + " at (x=" + x + ", y=" + y
                    + ") is not inside a " + width + "x" + height + " image");
        }
        if (x == 0 && y == 0 && cropWidth == width && cropHeight == height) {
            return this;
        }
        float[] out = new float[CHANNELS * cropWidth * cropHeight];
        int o = 0;
        for (int c = 0; c < CHANNELS; c++) {
            for (int r = 0; r < cropHeight; r++) {
                System.arraycopy(data, (c * height + y + r) * width + x, out, o, cropWidth);
                o += cropWidth;
            }
        }
        return new Image(cropWidth, cropHeight, out);
    }

    /**
     * Crops the image to the largest size whose width and height are multiples of {@code scale}, keeping the
     * top-left corner (rows {@code 0 .. H - H % scale - 1}, columns {@code 0 .. W - W % scale - 1}), as the
     * super-resolution benchmarks do before downscaling and evaluating.
     *
     * @param scale the scale factor, at least 1
     * @return the cropped image (this image when nothing is cut)
     * @throws IllegalArgumentException if the image is smaller than {@code scale} in a dimension
     */
    public Image modcrop(int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be at least 1, got " + scale);
        }
        int w = width - width % scale;
        int h = height - height % scale;
        if (w == 0 || h == 0) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image is smaller than the scale "
                    + scale);
        }
        return crop(0, 0, w, h);
    }

    /** @return whether {@code o} is an image of the same size with exactly the same values */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Image)) {
            return false;
        }
        Image other = (Image) o;
        return width == other.width && height == other.height && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(data);
    }

    /** @return the size, e.g. {@code Image[3x288x352]} (channels x height x width) */
    @Override
    public String toString() {
        return "Image[" + CHANNELS + "x" + height + "x" + width + "]";
    }
}
