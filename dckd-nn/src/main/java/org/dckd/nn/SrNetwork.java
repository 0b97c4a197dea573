package org.dckd.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * What a loss term or a training step needs of a single-image super-resolution network, whatever its family: a DJL
 * {@link Block} taking NCHW RGB in {@code [0, inputRange()]} and returning it {@link #scale()} times larger, with named
 * intermediate features ({@link TappedNetwork}) and a way to make a fresh copy of its architecture (the student's EMA
 * and the DCKD history model are made with it).
 *
 * <p>The dckd networks ({@code org.dckd.backbones.SrBackbone}) implement it; the loss terms ({@code dckd-losses}) see
 * the networks only through this interface, so they depend on no network family.
 */
public interface SrNetwork extends Block, TappedNetwork {

    /** The upscaling factor. */
    int scale();

    /** The value range of input and output: 1 or 255. */
    float inputRange();

    /**
     * A new, uninitialised network of the same architecture (same parameter names and shapes).
     *
     * @return the new network
     */
    SrNetwork newInstance();

    /** The smallest input height/width the network accepts (e.g. 15 for RLFN's ESA pooling); the default is 1. */
    default int minInputSize() {
        return 1;
    }

    /**
     * Initialises all parameters for 3-channel float32 input.
     *
     * @param manager where the parameters live
     */
    default void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
    }

    /** The number of parameter elements (initialised network). */
    default long parameterCount() {
        return TorchModule.parameterCount(this);
    }
}
