package org.dckd.nn;

import ai.djl.ndarray.NDArray;

/**
 * PyTorch's {@code PixelShuffle(r)}: {@code (N, C*r*r, H, W) -> (N, C, H*r, W*r)} with
 * {@code out[c, h*r+i, w*r+j] = in[c*r*r + i*r + j, h, w]}. DJL has no depth-to-space op with this layout.
 */
public final class PixelShuffle {

    private PixelShuffle() {}

    /** Applies pixel shuffle with factor {@code r} to an NCHW array. */
    public static NDArray apply(NDArray x, int r) {
        long[] s = x.getShape().getShape();
        long n = s[0];
        long c = s[1] / ((long) r * r);
        long h = s[2];
        long w = s[3];
        return x.reshape(n, c, r, r, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c, h * r, w * r);
    }
}
