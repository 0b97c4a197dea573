package org.dckd.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

import org.dckd.nn.TorchModule;

/**
 * A block with exactly the parameter keys and shapes of a given layout and no computation: one child per module path
 * (named per the {@link TorchModule} convention, e.g. {@code block_1.c1_r}) holding {@code weight}/{@code bias}/...
 * parameters. Buffers can be declared per module path. Lets loader tests use real checkpoints without the real
 * networks.
 */
final class LayoutBlock extends AbstractBlock {

    /** A module holding parameters (and optionally buffers) with given names and shapes. */
    static final class Module extends AbstractBlock implements BufferOwner {
        private final Map<String, Tensor> buffers = new LinkedHashMap<>();
        private final Set<String> verified = new java.util.HashSet<>();

        void parameter(String name, long[] shape) {
            addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(new Shape(shape))
                    .optInitializer(Initializer.ZEROS).build());
        }

        void buffer(String name, Tensor value, boolean verify) {
            buffers.put(name, value);
            if (verify) {
                verified.add(name);
            }
        }

        @Override
        public Map<String, Tensor> torchBuffers() {
            return buffers;
        }

        @Override
        public Set<String> verifiedBuffers() {
            return verified;
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
            return in;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }

    private final Map<String, Module> modules = new LinkedHashMap<>();

    private Module module(String path) {
        return modules.computeIfAbsent(path, p -> addChildBlock(p, new Module()));
    }

    /** Adds a parameter with a full state-dict key such as {@code block_1.c1_r.weight}. */
    LayoutBlock parameter(String key, long[] shape) {
        module(key.substring(0, key.lastIndexOf('.'))).parameter(key.substring(key.lastIndexOf('.') + 1), shape);
        return this;
    }

    /** Declares a buffer with a full state-dict key. */
    LayoutBlock buffer(String key, Tensor value, boolean verify) {
        module(key.substring(0, key.lastIndexOf('.'))).buffer(key.substring(key.lastIndexOf('.') + 1), value, verify);
        return this;
    }

    /** A block whose parameters are exactly the tensors of {@code layout} accepted by the filter. */
    static LayoutBlock of(StateDict layout, java.util.function.Predicate<String> isParameter) {
        LayoutBlock b = new LayoutBlock();
        layout.tensors().forEach((k, t) -> {
            if (isParameter.test(k)) {
                b.parameter(k, t.shape());
            }
        });
        return b;
    }

    LayoutBlock initialised(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1));
        return this;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        return in;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (var child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }
}
