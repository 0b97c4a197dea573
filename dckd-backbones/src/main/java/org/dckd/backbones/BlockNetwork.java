package org.dckd.backbones;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import org.dckd.nn.TappedNetwork;
import org.dckd.nn.TappedOutput;
import org.dckd.nn.TorchModule;

/**
 * Any DJL {@link Block} as a student or teacher: a built-in layer, a {@link SequentialBlock}, or a block of your own.
 *
 * <pre>{@code
 * SrBackbone student = BlockNetwork.builder()
 *         .setFactory(() -> new SequentialBlock().add(conv(24)).add(Activation::relu).add(conv(12)).add(pixelShuffle(2)))
 *         .setScale(2)
 *         .build();
 * }</pre>
 *
 * <ul>
 *   <li><b>Copies.</b> The student's EMA and DCKD's history model are further instances of the same network: the
 *       {@linkplain Builder#setFactory factory} makes them (it must return a new, uninitialised block each call).
 *       {@link Builder#setBlock} wraps one existing block instead, for a teacher or a student trained without EMA
 *       and history model; {@link #newInstance()} then says what is missing.</li>
 *   <li><b>Parameter names</b> are PyTorch state-dict keys under {@code net.} ({@link Builder#optName}): a
 *       {@code SequentialBlock}'s children are numbered as in {@code nn.Sequential} ({@code net.0.weight}), and names
 *       that would collide are refused ({@link TorchModule}). The student's weights therefore save and load with
 *       {@code StateDict} and {@code WeightLoader} like any dckd network's.</li>
 *   <li><b>Range.</b> The block sees inputs on {@code [0, inputRange]} (default 1) and returns outputs on the same
 *       range, {@code scale} times larger.</li>
 *   <li><b>Feature taps</b> (for FAKD and other feature terms): a block that implements {@link TappedNetwork} brings its
 *       own; for a {@code SequentialBlock}, {@link Builder#optSequentialTaps} names the outputs of chosen children
 *       ({@code "2"}: the output of the third child).</li>
 * </ul>
 */
public final class BlockNetwork extends SrBackbone {

    private static final byte VERSION = 1;

    private final Supplier<Block> factory;
    private final Block block;
    private final int scale;
    private final float inputRange;
    private final String name;
    private final List<String> sequentialTaps;
    private final int minInputSize;
    /** The settings this network was built with (a private copy). */
    private final Builder builder;

    private BlockNetwork(Builder b, Block block) {
        super(VERSION);
        this.factory = b.factory;
        this.block = block;
        this.scale = b.scale;
        this.inputRange = b.inputRange;
        this.name = b.name;
        this.sequentialTaps = List.copyOf(b.sequentialTaps);
        this.minInputSize = b.minInputSize;
        addChildBlock(name, block);
        // fail now, not when the first checkpoint misses a tensor
        TorchModule.parameters(this);
        if (!sequentialTaps.isEmpty()) {
            if (!(block instanceof SequentialBlock seq)) {
                throw new IllegalArgumentException("optSequentialTaps needs a SequentialBlock, got "
                        + block.getClass().getSimpleName() + " (implement TappedNetwork on your block instead)");
            }
            int n = seq.getChildren().size();
            for (String t : sequentialTaps) {
                int i = index(t);
                if (i < 0 || i >= n) {
                    throw new IllegalArgumentException("sequential tap '" + t + "' is not a child index 0.." + (n - 1));
                }
            }
        }
        this.builder = b;
    }

    private static int index(String tap) {
        try {
            return Integer.parseInt(tap);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The wrapped block. */
    public Block block() {
        return block;
    }

    @Override
    public int scale() {
        return scale;
    }

    @Override
    public float inputRange() {
        return inputRange;
    }

    @Override
    public int minInputSize() {
        return minInputSize;
    }

    /**
     * Not available: a {@code BlockNetwork} is defined by its block, not by a {@link BackboneConfig}.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public BackboneConfig config() {
        throw new UnsupportedOperationException("a BlockNetwork (" + block.getClass().getSimpleName() + ") has no "
                + "BackboneConfig; it is defined by its block");
    }

    /**
     * A new, uninitialised instance from the factory.
     *
     * @throws IllegalStateException if the network was built with {@link Builder#setBlock} (no factory)
     */
    @Override
    public SrBackbone newInstance() {
        if (factory == null) {
            throw new IllegalStateException("this BlockNetwork wraps one " + block.getClass().getSimpleName()
                    + " (setBlock); the student's EMA and the DCKD history model need further instances of it: "
                    + "build it with setFactory(() -> new ...) instead, or turn the EMA off (optEmaDecay(0))");
        }
        BlockNetwork copy = builder.build();
        if (copy.block == block) {
            throw new IllegalStateException("the factory returned the same " + block.getClass().getSimpleName()
                    + " instance twice; it must build a new block on every call (the EMA would share the student's "
                    + "parameters)");
        }
        return copy;
    }

    @Override
    public List<String> tapNames() {
        if (block instanceof TappedNetwork tapped) {
            return tapped.tapNames();
        }
        return sequentialTaps;
    }

    @Override
    protected NDArray run(ParameterStore ps, NDArray x, boolean training, Map<String, NDArray> taps) {
        if (taps != null && block instanceof TappedNetwork tapped) {
            TappedOutput out = tapped.forwardWithFeatures(ps, x, training);
            taps.putAll(out.features());
            return out.output();
        }
        if (taps != null && !sequentialTaps.isEmpty()) {
            NDList h = new NDList(x);
            int i = 0;
            for (Pair<String, Block> child : block.getChildren()) {
                h = child.getValue().forward(ps, h, training);
                String tap = Integer.toString(i++);
                if (sequentialTaps.contains(tap)) {
                    taps.put(tap, h.singletonOrThrow());
                }
            }
            return h.singletonOrThrow();
        }
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        block.initialize(manager, dataType, inputShapes);
    }

    @Override
    public String toString() {
        return "BlockNetwork(" + block.getClass().getSimpleName() + ", x" + scale + ", range " + inputRange + ")";
    }

    /** Builds a {@link BlockNetwork}. */
    public static final class Builder {
        private Supplier<Block> factory;
        private Block block;
        private int scale;
        private float inputRange = 1f;
        private String name = "net";
        private final List<String> sequentialTaps = new ArrayList<>();
        private int minInputSize = 1;

        private Builder() {}

        /**
         * Makes the network (and its EMA and history-model copies) from a factory that returns a new, uninitialised
         * block each call. This or {@link #setBlock} is required.
         */
        public Builder setFactory(Supplier<Block> factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
            this.block = null;
            return this;
        }

        /**
         * Wraps one existing block (initialised or not): for a teacher, or a student trained without EMA and history
         * model. This or {@link #setFactory} is required.
         */
        public Builder setBlock(Block block) {
            this.block = Objects.requireNonNull(block, "block");
            this.factory = null;
            return this;
        }

        /** The upscaling factor of the block (required). */
        public Builder setScale(int scale) {
            this.scale = scale;
            return this;
        }

        /** The value range the block expects and returns: 1 (default) or e.g. 255. */
        public Builder optInputRange(float range) {
            this.inputRange = range;
            return this;
        }

        /** The name of the block in state-dict keys (default {@code net}: {@code net.0.weight}). */
        public Builder optName(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** For a {@code SequentialBlock}: the child indices whose outputs are feature taps ({@code "0"}, {@code "2"}). */
        public Builder optSequentialTaps(List<String> childIndices) {
            sequentialTaps.clear();
            sequentialTaps.addAll(childIndices);
            return this;
        }

        /** The smallest input side the block accepts (default 1). */
        public Builder optMinInputSize(int size) {
            this.minInputSize = size;
            return this;
        }

        /** An independent copy of these settings (what {@link BlockNetwork#newInstance()} builds from). */
        private Builder copy() {
            Builder c = new Builder();
            c.factory = factory;
            c.block = block;
            c.scale = scale;
            c.inputRange = inputRange;
            c.name = name;
            c.sequentialTaps.addAll(sequentialTaps);
            c.minInputSize = minInputSize;
            return c;
        }

        /** Builds the network (a new block from the factory, or the given block). */
        public BlockNetwork build() {
            if (factory == null && block == null) {
                throw new IllegalStateException("setFactory(...) or setBlock(...) is required");
            }
            if (scale < 1) {
                throw new IllegalStateException("setScale(...) is required (got " + scale + ")");
            }
            if (!(inputRange > 0)) {
                throw new IllegalArgumentException("input range must be > 0, got " + inputRange);
            }
            if (name.isEmpty() || name.contains(".")) {
                throw new IllegalArgumentException("name must be a non-empty state-dict key part without dots, got '"
                        + name + "'");
            }
            Block b = factory != null ? factory.get() : block;
            if (b == null) {
                throw new IllegalStateException("the factory returned null");
            }
            return new BlockNetwork(copy(), b);
        }
    }
}
