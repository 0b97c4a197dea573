package org.dckd.backbones.swinir;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The attention mask of shifted-window attention (official {@code SwinTransformerBlock.calculate_mask}).
 *
 * <p>After the cyclic shift, a window at the bottom/right border holds pixels from up to four regions that are not
 * neighbours in the image; tokens may only attend to tokens of the same region. The mask is {@code (nW, N, N)} with
 * {@code N = window^2}, {@code 0} for allowed and {@code -100} for masked pairs, added to the attention logits.
 *
 * <p>Masks are pure functions of {@code (H, W, window, shift)}. The values are cached on the Java heap (a few recent
 * sizes), never as NDArrays, so no cache entry outlives the manager of an array it would belong to.
 */
final class ShiftedWindowMask {

    /** The value of masked logits (official). */
    static final float MASKED = -100f;

    private static final int CACHE_ENTRIES = 8;

    private static final Map<String, float[]> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    private ShiftedWindowMask() {}

    /**
     * The mask as an NDArray {@code (nW, N, N)} in {@code manager}.
     *
     * @param manager the owner of the new array (normally the manager of the current input)
     * @param height feature height, a multiple of {@code window}
     * @param width feature width, a multiple of {@code window}
     * @param window the window side
     * @param shift the cyclic shift, {@code 0 < shift < window}
     * @return the mask
     */
    static NDArray create(NDManager manager, int height, int width, int window, int shift) {
        float[] values = values(height, width, window, shift);
        int n = window * window;
        return manager.create(values, new Shape((long) (height / window) * (width / window), n, n));
    }

    /** The mask values, C-order {@code (nW, N, N)}. The returned array is shared: do not modify it. */
    static float[] values(int height, int width, int window, int shift) {
        if (height % window != 0 || width % window != 0) {
            throw new IllegalArgumentException(
                    "feature map " + height + "x" + width + " is not a multiple of the window size " + window);
        }
        if (shift <= 0 || shift >= window) {
            throw new IllegalArgumentException("shift must be in (0, window), got " + shift + " for window " + window);
        }
        String key = height + "x" + width + "/" + window + "/" + shift;
        synchronized (CACHE) {
            float[] cached = CACHE.get(key);
            if (cached != null) {
                return cached;
            }
        }
        float[] computed = compute(height, width, window, shift);
        synchronized (CACHE) {
            CACHE.put(key, computed);
        }
        return computed;
    }

    private static float[] compute(int height, int width, int window, int shift) {
        int rows = height / window;
        int cols = width / window;
        int n = window * window;
        float[] out = new float[rows * cols * n * n];
        int[] region = new int[n];
        for (int wy = 0; wy < rows; wy++) {
            for (int wx = 0; wx < cols; wx++) {
                for (int py = 0; py < window; py++) {
                    for (int px = 0; px < window; px++) {
                        int y = wy * window + py;
                        int x = wx * window + px;
                        region[py * window + px] = 3 * band(y, height, window, shift) + band(x, width, window, shift);
                    }
                }
                int base = (wy * cols + wx) * n * n;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        out[base + i * n + j] = region[i] == region[j] ? 0f : MASKED;
                    }
                }
            }
        }
        return out;
    }

    /** Which of the three bands {@code [0, L-w)}, {@code [L-w, L-s)}, {@code [L-s, L)} a coordinate falls in. */
    private static int band(int coord, int length, int window, int shift) {
        if (coord < length - window) {
            return 0;
        }
        return coord < length - shift ? 1 : 2;
    }
}
