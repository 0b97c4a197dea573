package org.dckd.core.eval;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.SrBackbone;
import org.dckd.config.ByteSize;
import org.dckd.nn.DjlRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a super-resolution network on whole images, optionally in overlapping tiles.
 *
 * <p>Inputs and outputs are NCHW float32 on the [0, 1] scale; the network's own input range ({@code [0, 255]} for the
 * official RLFN weights) is handled here. Outputs are not clamped. With tiling, the image is covered by
 * {@code tile x tile} LR windows with stride {@code tile - overlap} (the last window flush with the border) and the
 * overlapping outputs are averaged, as SwinIR's test script does. Every tile runs in its own {@link NDManager} scope, so
 * memory stays bounded by one tile whatever the image size. Without a tile size, an image too large for the memory
 * budget ({@link Builder#optMemoryBudget}) is tiled automatically, with a log line.
 */
public final class SuperResolver {

    static {
        DjlRuntime.ensureOffline();
    }

    private static final Logger LOG = LoggerFactory.getLogger(SuperResolver.class);

    /** The system property that sets the default inference memory budget ({@code 2g}, {@code 512m}, bytes). */
    public static final String MEMORY_BUDGET_PROPERTY = "dckd.inference.memoryBudget";

    private final SrBackbone network;
    private final int tile;
    private final int overlap;
    private final long memoryBudget;

    private SuperResolver(Builder builder) {
        this.network = builder.network;
        this.tile = builder.tile;
        this.overlap = builder.overlap;
        this.memoryBudget = builder.memoryBudget > 0 ? builder.memoryBudget : defaultMemoryBudget();
    }

    /**
     * The default inference memory budget: the {@value #MEMORY_BUDGET_PROPERTY} system property, else a quarter of
     * the machine's physical memory (at least 512 MB, at most 8 GB).
     */
    public static long defaultMemoryBudget() {
        String set = System.getProperty(MEMORY_BUDGET_PROPERTY);
        if (set != null) {
            return ByteSize.parse(set, MEMORY_BUDGET_PROPERTY);
        }
        long physical = 8L << 30;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            physical = os.getTotalMemorySize();
        }
        return Math.max(512L << 20, Math.min(8L << 30, physical / 4));
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
        if (tile > 0) {
            return h <= tile && w <= tile ? forward(lr) : tiled(lr, tile, overlap);
        }
        // whole images, unless that would not fit the memory budget: then tiles that do
        long n = lr.getShape().get(0);
        long bytes = network.inferenceBytesPerPixel() * n * h * w;
        if (bytes <= memoryBudget) {
            return forward(lr);
        }
        int auto = autoTile(n);
        int autoOverlap = Math.min(16, auto / 4);
        LOG.info("A {}x{} input needs about {} MB in one pass, more than the inference memory budget of {} MB: "
                + "running it in {} px tiles (overlap {}); set a tile size, or a larger budget, to choose otherwise",
                w, h, bytes >> 20, memoryBudget >> 20, auto, autoOverlap);
        return tiled(lr, auto, autoOverlap);
    }

    /** The largest tile side (a multiple of 8) whose pass fits the memory budget. */
    private int autoTile(long batch) {
        long pixels = memoryBudget / Math.max(1, network.inferenceBytesPerPixel() * batch);
        int side = (int) Math.min(Integer.MAX_VALUE, (long) Math.floor(Math.sqrt(pixels)));
        side -= side % 8;
        int min = Math.max(network.minInputSize(), 32);
        if (side < min) {
            throw new IllegalArgumentException("even a " + min + " px tile needs about "
                    + ((network.inferenceBytesPerPixel() * batch * min * min) >> 20) + " MB, more than the inference"
                    + " memory budget of " + (memoryBudget >> 20) + " MB; raise the budget");
        }
        return side;
    }

    /** The memory budget of one inference pass, in bytes (see {@link Builder#optMemoryBudget}). */
    public long memoryBudget() {
        return memoryBudget;
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

    private NDArray tiled(NDArray lr, int tile, int overlap) {
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
        private long memoryBudget;

        private Builder() {}

        /** The initialised network (required). */
        public Builder setNetwork(SrBackbone network) {
            this.network = network;
            return this;
        }

        /**
         * Tile size in LR pixels; 0 (default) runs whole images, or tiles when an image would exceed the memory budget.
         */
        public Builder optTile(int tile) {
            if (tile < 0) {
                throw new IllegalArgumentException("tile must be >= 0, got " + tile);
            }
            this.tile = tile;
            return this;
        }

        /**
         * The memory one inference pass may use (default {@link SuperResolver#defaultMemoryBudget()}). With tile 0, an
         * image whose estimated pass ({@link SrBackbone#inferenceBytesPerPixel}) exceeds it runs in the largest tiles
         * that fit, and says so in the log.
         *
         * @param bytes the budget
         * @return this
         */
        public Builder optMemoryBudget(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("memory budget must be > 0, got " + bytes);
            }
            this.memoryBudget = bytes;
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
