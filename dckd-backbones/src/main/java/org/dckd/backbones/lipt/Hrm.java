package org.dckd.backbones.lipt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.ModuleActivation;
import org.dckd.nn.TorchConv2d;

/**
 * LIPT's high-frequency reparameterisation module {@code HRM}: {@code conv1(relu(conv0(x)))}, conv0 C -> C r and
 * conv1 C r -> C, each a {@link DiverseBranchBlock} in the training form and a 3x3 convolution with bias in the deploy
 * form (keys {@code conv0.weight}, {@code conv0.bias}).
 */
final class Hrm extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block conv0;
    private final Block conv1;
    private final int hidden;

    Hrm(int channels, int expansion, boolean deploy) {
        super(VERSION);
        this.hidden = channels * expansion;
        conv0 = addChildBlock("conv0", deploy ? TorchConv2d.same(channels, hidden, 3)
                : new DiverseBranchBlock(channels, hidden));
        conv1 = addChildBlock("conv1", deploy ? TorchConv2d.same(hidden, channels, 3)
                : new DiverseBranchBlock(hidden, channels));
    }

    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return conv(conv1, ps, ModuleActivation.relu(conv(conv0, ps, x, training)), training);
    }

    private static NDArray conv(Block conv, ParameterStore ps, NDArray x, boolean training) {
        if (conv instanceof DiverseBranchBlock d) {
            return d.apply(ps, x, training);
        }
        return ((TorchConv2d) conv).apply(ps, x, training);
    }

    /** The first DiverseBranchBlock (conv0) for the golden per-module test, or null in the deploy form. */
    DiverseBranchBlock firstBranchBlock() {
        return conv0 instanceof DiverseBranchBlock d ? d : null;
    }

    long runningStatisticsCount() {
        long n = 0;
        if (conv0 instanceof DiverseBranchBlock d) {
            n += d.runningStatisticsCount();
        }
        if (conv1 instanceof DiverseBranchBlock d) {
            n += d.runningStatisticsCount();
        }
        return n;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        conv0.initialize(manager, dataType, in);
        conv1.initialize(manager, dataType, new Shape(in.get(0), hidden, in.get(2), in.get(3)));
    }
}
