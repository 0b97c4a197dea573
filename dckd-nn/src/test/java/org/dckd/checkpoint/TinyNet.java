package org.dckd.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.TorchModule;

/**
 * A three-convolution test network named per the {@link TorchModule} convention ({@code head}, {@code body.0},
 * {@code tail}), with an optional child {@code attn} that declares SwinIR-like buffers.
 */
final class TinyNet extends AbstractBlock {

    /** Declares {@code relative_position_index} (int64 [4, 4], verified) and {@code attn_mask} ([1, 4, 4]). */
    static final class Buffers extends AbstractBlock implements BufferOwner {
        @Override
        public Map<String, Tensor> torchBuffers() {
            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put("relative_position_index", index());
            out.put("attn_mask", Tensor.ofFloats(new long[] {1, 4, 4}, new float[16]));
            return out;
        }

        @Override
        public Set<String> verifiedBuffers() {
            return Set.of("relative_position_index");
        }

        static Tensor index() {
            ByteBuffer b = ByteBuffer.allocate(16 * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 16; i++) {
                b.putLong(i * 8, i);
            }
            return new Tensor(DataType.INT64, new long[] {4, 4}, b);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return inputs;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }

    TinyNet(boolean withBuffers) {
        addChildBlock("head", Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                .setFilters(4).build());
        addChildBlock("body.0", Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                .setFilters(4).build());
        addChildBlock("tail", Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(3).build());
        if (withBuffers) {
            addChildBlock("attn", new Buffers());
        }
    }

    /** A network initialised for (1, 3, 8, 8) inputs. */
    static TinyNet initialised(NDManager manager, boolean withBuffers) {
        TinyNet net = new TinyNet(withBuffers);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 8, 8));
        return net;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList x = inputs;
        for (var child : getChildren().values()) {
            x = child.forward(ps, x, training);
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = inputShapes;
        for (var child : getChildren().values()) {
            s = child.getOutputShapes(s);
        }
        return s;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] s = inputShapes;
        for (var child : getChildren().values()) {
            child.initialize(manager, dataType, s);
            s = child.getOutputShapes(s);
        }
    }
}
