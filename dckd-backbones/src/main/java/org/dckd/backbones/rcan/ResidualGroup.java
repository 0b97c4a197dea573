package org.dckd.backbones.rcan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.nn.FeatureBlock;
import org.dckd.nn.IntermediateScope;
import org.dckd.nn.TorchConv2d;

/**
 * Residual group of RCAN ({@code body.g}):
 * <pre>
 * h = residual_group.(B-1)(...residual_group.0(x))    {@link Rcab} x B
 * return conv(h) + x                                   conv: 3x3 C -> C
 * </pre>
 * Each block runs in its own {@link IntermediateScope}, so inference keeps about one block's intermediates alive.
 */
public final class ResidualGroup extends FeatureBlock {

    private static final byte VERSION = 1;

    private final List<Rcab> blocks;
    private final TorchConv2d conv;

    /**
     * Creates the group.
     *
     * @param channels the channels C
     * @param numBlock the number B of residual channel attention blocks
     * @param squeezeFactor the channel attention's reduction
     * @param resScale the factor of each block's residual branch
     */
    public ResidualGroup(int channels, int numBlock, int squeezeFactor, double resScale) {
        super(VERSION);
        List<Rcab> list = new ArrayList<>();
        for (int i = 0; i < numBlock; i++) {
            list.add(addChildBlock("residual_group." + i, new Rcab(channels, squeezeFactor, resScale)));
        }
        blocks = Collections.unmodifiableList(list);
        conv = addChildBlock("conv", TorchConv2d.same(channels, channels, 3));
    }

    /** The residual channel attention blocks, in order. */
    public List<Rcab> blocks() {
        return blocks;
    }

    /**
     * Applies the group (initialised).
     *
     * @param ps the parameter store
     * @param x {@code (N, C, H, W)}
     * @param training whether this is a training pass
     * @return {@code conv(blocks(x)) + x}, same shape
     */
    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = x;
        for (Rcab block : blocks) {
            NDArray next = IntermediateScope.apply(h, in -> block.apply(ps, in, training));
            if (h != x) {
                h.close();
            }
            h = next;
        }
        return conv.apply(ps, h, training).add(x);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Rcab b : blocks) {
            b.initialize(manager, dataType, inputShapes[0]);
        }
        conv.initialize(manager, dataType, inputShapes[0]);
    }
}
