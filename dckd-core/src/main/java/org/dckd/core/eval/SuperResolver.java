package org.dckd.core.eval;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.SrBackbone;
import org.dckd.nn.DjlRuntime;

/**
 * Runs a super-resolution network on whole images, optionally in overlapping tiles.
 *
 * <p>Inputs and outputs are NCHW float32 on the [0, 1] scale; the network's own input range ({@code [0, 255]} for the
 * official RLFN weights) is handled here. Outputs are not clamped. With tiling, the image is covered by
 * {@code tile x tile} LR windows with stride {@code tile - overlap} (the last window flush with the border) and the
 * overlapping outputs are averaged, as SwinIR's test script does. Every tile runs in its own {@link NDManager} scope, so
 * memory stays bounded by one tile whatever the image size.
 */
public final class SuperResolver {

    static {
        DjlRuntime.ensureOffline();
    }

    private final SrBackbone network;
    private final int tile;
    private final int overlap;

    private SuperResolver(Builder builder) {
        this.network = builder.network;
        this.tile = builder.tile;
        this.overlap = builder.overlap;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The network. */
    public SrBackbone network() {
        return network;
    }

    /**
     * Upscales a batch of images.
     *
     * @param lr NCHW float32 in [0, 1]
     * @return NCHW float32, {@code scale} times larger, on the [0, 1] scale (unclamped), in {@code lr}'s manager
     */
    public NDArray upscale(NDArray lr) {
        long h = lr.getShape().get(2);
        long w = lr.getShape().get(3);
        if (h < network.minInputSize() || w < network.minInputSize()) {
            throw new IllegalArgumentException("input " + w + "x" + h + " is smaller than the network's minimum "
                    + network.minInputSize() + "x" + network.minInputSize());
        }
        if (tile <= 0 || (h <= tile && w <= tile)) {
            return forward(lr);
        }
        return tiled(lr);
    }

    private NDArray forward(NDArray lr) {
        float range = network.inputRange();
        try (NDManager scope = lr.getManager().newSubManager()) {
            // an op's result belongs to its first input's manager: move the input into the scope first
            NDArray in = range != 1f ? lr.mul(range) : lr.duplicate();
            in.attach(scope);
            NDArray out = network.forward(new ParameterStore(scope, false), new NDList(in), false).singletonOrThrow();
            if (range != 1f) {
                out = out.div(range);
            }
            out.attach(lr.getManager());
            return out;
        }
    }

    private NDArray tiled(NDArray lr) {
        int s = network.scale();
        long n = lr.getShape().get(0);
        int c = Math.toIntExact(lr.getShape().get(1));
        int h = Math.toIntExact(lr.getShape().get(2));
        int w = Math.toIntExact(lr.getShape().get(3));
        int th = Math.min(tile, h);
        int tw = Math.min(tile, w);
        int oh = h * s;
        int ow = w * s;
        float[] sum = new float[Math.toIntExact(n * c * (long) oh * ow)];
        float[] count = new float[oh * ow];
        for (int y : starts(h, th, Math.max(1, th - overlap))) {
            for (int x : starts(w, tw, Math.max(1, tw - overlap))) {
                try (NDManager scope = lr.getManager().newSubManager()) {
                    NDArray patch = lr.get(":, :, " + y + ":" + (y + th) + ", " + x + ":" + (x + tw));
                    patch.attach(scope);
                    float[] out = forward(patch).toFloatArray();
                    accumulate(sum, count, out, (int) n, c, oh, ow, y * s, x * s, th * s, tw * s);
                }
            }
        }
        int plane = oh * ow;
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= count[i % plane];
        }
        return lr.getManager().create(sum, new Shape(n, c, oh, ow)).toType(DataType.FLOAT32, false);
    }

    private static void accumulate(float[] sum, float[] count, float[] tileOut, int n, int c, int oh, int ow,
            int y0, int x0, int th, int tw) {
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                int src = (b * c + ch) * th * tw;
                int dst = (b * c + ch) * oh * ow;
                for (int y = 0; y < th; y++) {
                    int row = dst + (y0 + y) * ow + x0;
                    int srow = src + y * tw;
                    for (int x = 0; x < tw; x++) {
                        sum[row + x] += tileOut[srow + x];
                    }
                }
            }
        }
        for (int y = 0; y < th; y++) {
            int row = (y0 + y) * ow + x0;
            for (int x = 0; x < tw; x++) {
                count[row + x] += 1f;
            }
        }
    }

    /** Window starts covering {@code [0, len)} with windows of {@code size}, the last one flush with the end. */
    static List<Integer> starts(int len, int size, int stride) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < len - size; p += stride) {
            out.add(p);
        }
        out.add(len - size);
        return out;
    }

    /** Builds a {@link SuperResolver}. */
    public static final class Builder {
        private SrBackbone network;
        private int tile;
        private int overlap = 8;

        private Builder() {}

        /** The initialised network (required). */
        public Builder setNetwork(SrBackbone network) {
            this.network = network;
            return this;
        }

        /** Tile size in LR pixels; 0 (default) runs whole images. */
        public Builder optTile(int tile) {
            if (tile < 0) {
                throw new IllegalArgumentException("tile must be >= 0, got " + tile);
            }
            this.tile = tile;
            return this;
        }

        /** Overlap between neighbouring tiles in LR pixels (default 8). */
        public Builder optTileOverlap(int overlap) {
            if (overlap < 0) {
                throw new IllegalArgumentException("tile overlap must be >= 0, got " + overlap);
            }
            this.overlap = overlap;
            return this;
        }

        /** Builds the resolver. */
        public SuperResolver build() {
            if (network == null) {
                throw new IllegalStateException("setNetwork(...) is required");
            }
            if (tile > 0 && overlap >= tile) {
                throw new IllegalArgumentException("tile overlap (" + overlap + ") must be smaller than the tile (" + tile + ")");
            }
            if (tile > 0 && tile < network.minInputSize()) {
                throw new IllegalArgumentException("tile (" + tile + ") is smaller than the network's minimum input "
                        + network.minInputSize());
            }
            return new SuperResolver(this);
        }
    }
}
