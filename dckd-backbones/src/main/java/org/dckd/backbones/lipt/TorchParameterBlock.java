package org.dckd.backbones.lipt;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

import org.dckd.checkpoint.BufferOwner;
import org.dckd.checkpoint.Tensor;
import org.dckd.nn.ParameterValues;

/**
 * A block whose tensors are its own parameters, registered under their dotted PyTorch names relative to the block
 * ({@code dbb_origin.conv.weight}, {@code dbb_avg.bn.bn.running_mean}), plus int64 buffers such as BatchNorm's
 * {@code num_batches_tracked}. LIPT's modules are small fixed compositions of functional convolutions; holding their
 * tensors directly keeps the state-dict keys identical to the official ones without one DJL block per PyTorch module.
 */
abstract class TorchParameterBlock extends AbstractBlock implements BufferOwner {

    private static final byte VERSION = 1;

    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    TorchParameterBlock() {
        super(VERSION);
    }

    /** Registers a parameter with a dotted PyTorch name. */
    final Parameter parameter(String name, Shape shape, Initializer initializer, boolean trainable) {
        return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER).optShape(shape)
                .optInitializer(initializer).optRequiresGrad(trainable).build());
    }

    /** Registers a buffer the block does not use (shape-checked on loading, saved with the given value). */
    final void buffer(String name, Tensor value) {
        buffers.put(name, value);
    }

    /** The block's buffers (BatchNorm's {@code num_batches_tracked}, saved as 1). */
    @Override
    public Map<String, Tensor> torchBuffers() {
        return buffers;
    }

    /** The value of a parameter for this pass, owned by the pass ({@link ParameterValues}). */
    static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
        return ParameterValues.of(ps, p, like, training);
    }

    /** A uniform initialiser in {@code [-bound, bound]} (PyTorch's default convolution initialisation). */
    static Initializer uniform(double bound) {
        return (manager, shape, type) -> manager.randomUniform((float) -bound, (float) bound, shape, type);
    }

    /** An initialiser with fixed values (C order). */
    static Initializer constant(float[] values) {
        return (manager, shape, type) -> manager.create(values, shape).toType(type, false);
    }

    /**
     * Applies the block to one array.
     *
     * @param ps the parameter store
     * @param x the input
     * @param training whether this is a training pass
     * @return the output
     */
    abstract NDArray apply(ParameterStore ps, NDArray x, boolean training);

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }
}
