package org.dckd.backbones.span;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

import org.dckd.nn.FeatureBlock;

/**
 * SPAN's swift parameter-free attention block {@code SPAB} ({@code block_i}), C -> C channels:
 * <pre>
 * o1 = silu(c1_r(x)); o2 = silu(c2_r(o1)); o3 = c3_r(o2)     three {@link Conv3xc}
 * att = sigmoid(o3) - 0.5
 * out = (o3 + x) * att
 * </pre>
 * The official block returns {@code (out, out1, att)} where {@code out1} is {@code c1_r(x)} AFTER the SiLU (its
 * {@code nn.SiLU(inplace=True)} overwrites the tensor it returns); SPAN feeds the last block's {@code out1} into its
 * final concatenation. {@link #applyAll} gives all three.
 */
public final class Spab extends FeatureBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final Conv3xc c1;
    private final Conv3xc c2;
    private final Conv3xc c3;

    /**
     * The three outputs of the block.
     *
     * @param out the block output {@code (o3 + x) * att}
     * @param firstActivation {@code silu(c1_r(x))}
     * @param attention {@code sigmoid(o3) - 0.5}
     */
    public record Outputs(NDArray out, NDArray firstActivation, NDArray attention) {}

    /**
     * Creates the block.
     *
     * @param channels the input/output channels C
     * @param deploy whether the convolutions are in their merged deploy form
     */
    public Spab(int channels, boolean deploy) {
        super(VERSION);
        this.channels = channels;
        c1 = addChildBlock("c1_r", Conv3xc.create(channels, channels, deploy));
        c2 = addChildBlock("c2_r", Conv3xc.create(channels, channels, deploy));
        c3 = addChildBlock("c3_r", Conv3xc.create(channels, channels, deploy));
    }

    @Override
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return applyAll(ps, x, training).out();
    }

    /**
     * The forward pass with the block's three outputs (initialised block).
     *
     * @param ps the parameter store
     * @param x {@code (N, C, H, W)}
     * @param training whether this is a training pass
     * @return the output, the first activation and the attention, each {@code (N, C, H, W)}
     */
    public Outputs applyAll(ParameterStore ps, NDArray x, boolean training) {
        NDArray o1 = silu(c1.apply(ps, x, training));
        NDArray o2 = silu(c2.apply(ps, o1, training));
        NDArray o3 = c3.apply(ps, o2, training);
        NDArray att = Activation.sigmoid(o3).sub(0.5f);
        return new Outputs(o3.add(x).mul(att), o1, att);
    }

    private static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** The three convolutions {@code c1_r}, {@code c2_r}, {@code c3_r}. */
    public List<Conv3xc> convolutions() {
        return List.of(c1, c2, c3);
    }

    /** The input/output channels C. */
    public int channels() {
        return channels;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        c1.initialize(manager, dataType, inputShapes);
        c2.initialize(manager, dataType, inputShapes);
        c3.initialize(manager, dataType, inputShapes);
    }
}
