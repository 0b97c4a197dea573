package org.dckd.nn;

import ai.djl.ndarray.NDArray;

/**
 * Splits a channels-last feature map into non-overlapping square windows and puts them back, as Swin Transformer's
 * {@code window_partition} / {@code window_reverse}.
 *
 * <p>Windows are ordered batch-major, then by window row, then window column; tokens inside a window are row-major.
 */
public final class WindowPartition {

    private WindowPartition() {}

    /**
     * {@code (B, H, W, C) -> (B * (H/w) * (W/w), w * w, C)}.
     *
     * @param x a channels-last map whose height and width are multiples of {@code window}
     * @param window the window side
     * @return the windows, one per row of the first axis
     * @throws IllegalArgumentException if H or W is not a multiple of {@code window}
     */
    public static NDArray partition(NDArray x, int window) {
        long[] s = x.getShape().getShape();
        if (s.length != 4) {
            throw new IllegalArgumentException("window partition expects (B, H, W, C), got " + x.getShape());
        }
        long b = s[0];
        long h = s[1];
        long w = s[2];
        long c = s[3];
        if (h % window != 0 || w % window != 0) {
            throw new IllegalArgumentException(
                    "feature map " + h + "x" + w + " is not a multiple of the window size " + window);
        }
        return x.reshape(b, h / window, window, w / window, window, c)
                .transpose(0, 1, 3, 2, 4, 5)
                .reshape(b * (h / window) * (w / window), (long) window * window, c);
    }

    /**
     * The inverse of {@link #partition}: {@code (B * (H/w) * (W/w), w * w, C) -> (B, H, W, C)}.
     *
     * @param windows the windows (the token axis may also be given as two axes {@code w, w})
     * @param window the window side
     * @param height H
     * @param width W
     * @return the channels-last map
     */
    public static NDArray reverse(NDArray windows, int window, long height, long width) {
        long[] s = windows.getShape().getShape();
        long c = s[s.length - 1];
        long perImage = (height / window) * (width / window);
        long b = s[0] / perImage;
        return windows.reshape(b, height / window, width / window, window, window, c)
                .transpose(0, 1, 3, 2, 4, 5)
                .reshape(b, height, width, c);
    }
}
