package org.dckd.backbones.swinir;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Official {@code PatchEmbed} with patch size 1 and its inverse {@code PatchUnEmbed}: the change between the image
 * layout {@code (B, C, H, W)} and the token layout, optionally followed by a LayerNorm (child {@code norm}).
 *
 * <p>The official token layout is {@code (B, H*W, C)}; this implementation keeps tokens as {@code (B, H, W, C)}, which
 * is the same memory order and lets blocks see the spatial size. Use {@link #tokens} to get the official shape.
 */
final class PatchEmbed extends AbstractBlock {

    private static final byte VERSION = 1;

    private final LayerNorm norm;

    PatchEmbed(boolean withNorm) {
        super(VERSION);
        norm = withNorm ? addChildBlock("norm", SwinIr.layerNorm()) : null;
    }

    /** {@code (B, C, H, W) -> (B, H, W, C)}, then the LayerNorm if any. */
    NDArray forward(ParameterStore ps, NDArray image, boolean training) {
        NDArray t = embed(image);
        return norm == null ? t : norm.forward(ps, new NDList(t), training).singletonOrThrow();
    }

    /** {@code (B, C, H, W) -> (B, H, W, C)}. */
    static NDArray embed(NDArray image) {
        return image.transpose(0, 2, 3, 1);
    }

    /** {@code (B, H, W, C) -> (B, C, H, W)} (official {@code PatchUnEmbed}). */
    static NDArray unembed(NDArray tokens) {
        return tokens.transpose(0, 3, 1, 2);
    }

    /** {@code (B, H, W, C) -> (B, H*W, C)}, the official token shape. */
    static NDArray tokens(NDArray tokens) {
        long[] s = tokens.getShape().getShape();
        return tokens.reshape(s[0], s[1] * s[2], s[3]);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.head(), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (norm != null) {
            norm.initialize(manager, dataType, getOutputShapes(inputShapes));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), in.get(2), in.get(3), in.get(1))};
    }
}
