package org.dckd.nn;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;

import org.dckd.nn.complexity.ComplexityCounter;

/**
 * PyTorch's {@code F.interpolate(x, size=(h, w), mode='bilinear', align_corners=False)} on NCHW arrays, for
 * upsampling (DJL's interpolation always anti-aliases, which changes nothing when enlarging but does when shrinking,
 * so shrinking is refused). Differentiable. Every call is reported to an open
 * {@link ComplexityCounter} (PyTorch runs {@code F.interpolate} even to the same size, and fvcore counts it).
 */
public final class BilinearResize {

    private static final int BILINEAR = Image.Interpolation.BILINEAR.ordinal();

    private BilinearResize() {}

    /**
     * Resizes the last two axes of an NCHW array to {@code (height, width)}.
     *
     * @param x the input, {@code (N, C, h, w)} with {@code h <= height}, {@code w <= width}
     * @param height the output height
     * @param width the output width
     * @return the resized array (or {@code x} itself if it already has that size)
     * @throws IllegalArgumentException if {@code x} is not 4-D or the target is smaller than the input
     */
    public static NDArray upsample(NDArray x, long height, long width) {
        if (x.getShape().dimension() != 4) {
            throw new IllegalArgumentException("bilinear resize expects an NCHW array, got shape " + x.getShape());
        }
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        if (height < h || width < w) {
            throw new IllegalArgumentException("bilinear resize only enlarges (DJL anti-aliases when shrinking): "
                    + h + "x" + w + " -> " + height + "x" + width);
        }
        NDArray out = h == height && w == width ? x
                : x.getNDArrayInternal().interpolation(new long[] {height, width}, BILINEAR, false);
        ComplexityCounter.recordBilinearResize(out);
        return out;
    }
}
