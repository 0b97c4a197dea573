package org.dckd.backbones.swinir;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.checkpoint.BufferOwner;
import org.dckd.checkpoint.Tensor;
import org.dckd.nn.Roll;
import org.dckd.nn.WindowPartition;

/**
 * One Swin Transformer block, official {@code SwinTransformerBlock}, on a channels-last map {@code (B, H, W, C)}:
 * <pre>
 * x = x + unshift(windowAttention(partition(shift(norm1(x)))))
 * x = x + mlp(norm2(x))
 * </pre>
 * with a cyclic shift of {@code -shift} rows and columns (and back) when {@code shift > 0}, and the attention mask of
 * {@link ShiftedWindowMask} for the actual {@code H x W}. In training, both residual branches are subject to stochastic
 * depth with this block's drop-path probability.
 *
 * <p>Inputs: {@code [x]} or {@code [x, mask]} (a precomputed mask for this size, shared by the blocks of a forward
 * pass). State dict: children {@code norm1}, {@code attn}, {@code norm2}, {@code mlp}; shifted blocks also declare the
 * buffer {@code attn_mask} for the construction-time resolution (not used: masks are computed for the input size).
 */
final class SwinTransformerBlock extends AbstractBlock implements BufferOwner {

    private static final byte VERSION = 1;

    private final int dim;
    private final int window;
    private final int shift;
    private final int resolution;
    private final float dropPath;
    private final LayerNorm norm1;
    private final WindowAttention attn;
    private final LayerNorm norm2;
    private final Mlp mlp;

    /**
     * Creates a block.
     *
     * @param dim channels
     * @param resolution the construction-time resolution ({@code img_size}); only used for the declared buffer
     * @param heads attention heads
     * @param window the window side (already reduced to {@code img_size} where the official rule does)
     * @param shift the cyclic shift (0 for unshifted blocks)
     * @param mlpHidden MLP hidden width
     * @param qkvBias whether qkv has a bias
     * @param dropPath stochastic-depth probability (training only)
     */
    SwinTransformerBlock(int dim, int resolution, int heads, int window, int shift, int mlpHidden, boolean qkvBias,
            float dropPath) {
        super(VERSION);
        if (shift < 0 || (shift > 0 && shift >= window)) {
            throw new IllegalArgumentException("shift must be in [0, window), got " + shift + " for window " + window);
        }
        this.dim = dim;
        this.window = window;
        this.shift = shift;
        this.resolution = resolution;
        this.dropPath = dropPath;
        norm1 = addChildBlock("norm1", SwinIr.layerNorm());
        attn = addChildBlock("attn", new WindowAttention(dim, window, heads, qkvBias));
        norm2 = addChildBlock("norm2", SwinIr.layerNorm());
        mlp = addChildBlock("mlp", new Mlp(dim, mlpHidden));
    }

    int window() {
        return window;
    }

    int shift() {
        return shift;
    }

    WindowAttention attention() {
        return attn;
    }

    /**
     * The forward pass.
     *
     * @param x {@code (B, H, W, C)}
     * @param mask the mask for this size, or {@code null} to compute it (ignored for unshifted blocks)
     */
    NDArray forward(ParameterStore ps, NDArray x, NDArray mask, boolean training) {
        long[] s = x.getShape().getShape();
        if (s.length != 4 || s[3] != dim) {
            throw new IllegalArgumentException("Swin block (dim " + dim + ") expects (B, H, W, " + dim + "), got "
                    + x.getShape());
        }
        int h = Math.toIntExact(s[1]);
        int w = Math.toIntExact(s[2]);
        if (h % window != 0 || w % window != 0) {
            throw new IllegalArgumentException("feature map " + h + "x" + w
                    + " is not a multiple of the Swin window " + window);
        }
        NDArray y = norm1.forward(ps, new NDList(x), training).singletonOrThrow();
        if (shift > 0) {
            y = Roll.roll(y, -shift, 1, -shift, 2);
            if (mask == null) {
                mask = ShiftedWindowMask.create(x.getManager(), h, w, window, shift);
            }
        } else {
            mask = null;
        }
        NDArray windows = WindowPartition.partition(y, window);
        NDArray attended = attn.forward(ps, windows, mask, training);
        y = WindowPartition.reverse(attended, window, h, w);
        if (shift > 0) {
            y = Roll.roll(y, shift, 1, shift, 2);
        }
        NDArray out = x.add(DropPath.apply(y, dropPath, training));
        NDArray ffn = mlp.forward(ps, norm2.forward(ps, new NDList(out), training).singletonOrThrow(), training);
        return out.add(DropPath.apply(ffn, dropPath, training));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        return new NDList(forward(ps, inputs.head(), mask, training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        norm1.initialize(manager, dataType, in);
        attn.initialize(manager, dataType, new Shape(1, (long) window * window, dim));
        norm2.initialize(manager, dataType, in);
        mlp.initialize(manager, dataType, in);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public Map<String, Tensor> torchBuffers() {
        if (shift == 0) {
            return Map.of();
        }
        float[] values = ShiftedWindowMask.values(resolution, resolution, window, shift);
        int n = window * window;
        long nw = (long) (resolution / window) * (resolution / window);
        return Map.of("attn_mask", Tensor.ofFloats(new long[] {nw, n, n}, values));
    }
}
