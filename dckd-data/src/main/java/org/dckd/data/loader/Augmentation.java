package org.dckd.data.loader;

/**
 * The flips applied to one training patch, identically to its LR and HR parts: a horizontal flip, then a vertical
 * flip, then a transpose (BasicSR's order); the eight combinations are the symmetries of the square.
 *
 * <p>Applied to a square CHW patch {@code in} of side {@code n}, the output is
 * {@code out[c][y][x] = in[c][a][b]} with {@code (a, b) = transpose ? (x, y) : (y, x)}, then
 * {@code a -> n-1-a} if {@code vflip} and {@code b -> n-1-b} if {@code hflip}.
 *
 * @param hflip whether the patch is flipped left-right
 * @param vflip whether the patch is flipped top-bottom
 * @param transpose whether rows and columns are swapped
 */
public record Augmentation(boolean hflip, boolean vflip, boolean transpose) {

    /** No change. */
    public static final Augmentation IDENTITY = new Augmentation(false, false, false);

    /**
     * Writes the transformed patch, each value multiplied by {@code factor}, into {@code dst}.
     *
     * @param src a CHW patch, {@code 3 * n * n} values
     * @param n the side length
     * @param dst the destination
     * @param offset index of the first value in {@code dst}
     * @param factor multiplies every value
     */
    public void apply(float[] src, int n, float[] dst, int offset, float factor) {
        int plane = n * n;
        for (int c = 0; c < 3; c++) {
            int base = c * plane;
            int o = offset + base;
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    dst[o++] = src[base + sourceIndex(y, x, n)] * factor;
                }
            }
        }
    }

    /**
     * Divides values by 255 (not multiplying by {@code 1/255}), as {@code float} tensors made from 8-bit images
     * usually are ({@code torch ToTensor}, BasicSR {@code img2tensor}).
     *
     * @param src a CHW patch on the 0..255 scale
     * @param n the side length
     * @param dst the destination
     * @param offset index of the first value in {@code dst}
     */
    public void applyUnitRange(float[] src, int n, float[] dst, int offset) {
        int plane = n * n;
        for (int c = 0; c < 3; c++) {
            int base = c * plane;
            int o = offset + base;
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    dst[o++] = src[base + sourceIndex(y, x, n)] / 255f;
                }
            }
        }
    }

    /**
     * Undoes the transform: the patch as it was cut from the image (used to check alignment).
     *
     * @param patch a transformed CHW patch, {@code 3 * n * n} values, starting at {@code offset}
     * @param offset index of the first value
     * @param n the side length
     * @return a new array with the original orientation
     */
    public float[] undo(float[] patch, int offset, int n) {
        int plane = n * n;
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int base = c * plane;
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    out[base + sourceIndex(y, x, n)] = patch[offset + base + y * n + x];
                }
            }
        }
        return out;
    }

    /** The row-major index in the source patch of output pixel (y, x). */
    private int sourceIndex(int y, int x, int n) {
        int a = transpose ? x : y;
        int b = transpose ? y : x;
        if (vflip) {
            a = n - 1 - a;
        }
        if (hflip) {
            b = n - 1 - b;
        }
        return a * n + b;
    }
}
