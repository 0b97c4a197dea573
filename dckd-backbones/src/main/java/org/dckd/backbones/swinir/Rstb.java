package org.dckd.backbones.swinir;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.IntermediateScope;

/**
 * Residual Swin Transformer Block, official {@code RSTB}, on channels-last tokens {@code (B, H, W, C)}:
 * {@code x + embed(conv(unembed(blocks(x))))}, where {@code blocks} alternates unshifted and shifted Swin blocks
 * (children {@code residual_group.blocks.i}) and {@code conv} is the {@code resi_connection} (child {@code conv}).
 *
 * <p>Inputs: {@code [x]} or {@code [x, mask]}, where {@code mask} is the shifted-window mask for this size.
 */
final class Rstb extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int dim;
    private final List<SwinTransformerBlock> blocks = new ArrayList<>();
    private final Block conv;

    /**
     * Creates a residual group.
     *
     * @param config the network config
     * @param layer this group's index
     * @param dropPaths the stochastic-depth probability of each of its blocks
     */
    Rstb(SwinIrConfig config, int layer, float[] dropPaths) {
        super(VERSION);
        this.dim = config.embedDim();
        int depth = config.depths().get(layer);
        int heads = config.numHeads().get(layer);
        for (int i = 0; i < depth; i++) {
            int shift = i % 2 == 0 ? 0 : config.shiftSize();
            SwinTransformerBlock block = new SwinTransformerBlock(dim, config.imgSize(), heads,
                    config.blockWindowSize(), shift, config.mlpHiddenDim(), config.qkvBias(), dropPaths[i]);
            blocks.add(addChildBlock("residual_group.blocks." + i, block));
        }
        conv = addChildBlock("conv", SwinIr.residualConv(config));
    }

    List<SwinTransformerBlock> blocks() {
        return blocks;
    }

    /**
     * The forward pass, reporting each Swin block's output (official token shape) to {@code taps} when not null.
     *
     * @param x {@code (B, H, W, C)}
     * @param mask the shifted-window mask for this size, or {@code null} to let blocks compute it
     * @param taps where to put named intermediate outputs, or {@code null}
     * @param prefix the name prefix of this group's taps (e.g. {@code layers.0.})
     */
    NDArray forward(ParameterStore ps, NDArray x, NDArray mask, boolean training, Map<String, NDArray> taps,
            String prefix) {
        // inference without taps: each block's intermediates (among them several attention maps of 64 floats per
        // pixel and head) are released when it returns, and a block's input once the next has run; otherwise they
        // all live until the caller's manager closes (SwinIR-S on a 256x256 input peaked at 17 GB resident, now 1.6)
        boolean release = !training && taps == null;
        NDArray h = x;
        for (int i = 0; i < blocks.size(); i++) {
            SwinTransformerBlock block = blocks.get(i);
            NDArray in = h;
            h = release ? IntermediateScope.apply(in, y -> block.forward(ps, y, mask, false))
                    : block.forward(ps, in, mask, training);
            if (release && in != x) {
                in.close();
            }
            if (taps != null) {
                taps.put(prefix + "residual_group.blocks." + i, PatchEmbed.tokens(h));
            }
        }
        NDArray image = conv.forward(ps, new NDList(PatchEmbed.unembed(h)), training).singletonOrThrow();
        return PatchEmbed.embed(image).add(x);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        return new NDList(forward(ps, inputs.head(), mask, training, null, ""));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        for (SwinTransformerBlock b : blocks) {
            b.initialize(manager, dataType, in);
        }
        conv.initialize(manager, dataType, new Shape(in.get(0), dim, in.get(1), in.get(2)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
