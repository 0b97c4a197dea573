package org.dckd.losses.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.OwnedArrays;
import org.dckd.nn.TorchConv2d;

/**
 * The single-head spatial self-attention of the taming-transformers VQGAN encoder ({@code AttnBlock}):
 * <pre>
 * h = norm(x);  q, k, v = q(h), k(h), v(h)                 1x1 convolutions, C -> C
 * w = softmax_j( sum_c q[c, i] k[c, j] / sqrt(C) )           over the H*W positions
 * return x + proj_out( sum_j v[c, j] w[i, j] )
 * </pre>
 */
public final class AttentionBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final float scale;
    private final TorchGroupNorm norm;
    private final TorchConv2d q;
    private final TorchConv2d k;
    private final TorchConv2d v;
    private final TorchConv2d projOut;

    /**
     * Creates the block.
     *
     * @param channels the channels C (a multiple of 32)
     */
    public AttentionBlock(int channels) {
        super(VERSION);
        this.channels = channels;
        this.scale = (float) Math.pow(channels, -0.5);
        norm = addChildBlock("norm", Vqgan.normalize(channels));
        q = addChildBlock("q", TorchConv2d.same(channels, channels, 1));
        k = addChildBlock("k", TorchConv2d.same(channels, channels, 1));
        v = addChildBlock("v", TorchConv2d.same(channels, channels, 1));
        projOut = addChildBlock("proj_out", TorchConv2d.same(channels, channels, 1));
    }

    /**
     * Applies the block.
     *
     * @param ps the parameter store
     * @param x {@code (N, C, H, W)}
     * @param training whether this is a training pass (no effect)
     * @return {@code (N, C, H, W)} in {@code x}'s manager
     */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        Shape s = x.getShape();
        long n = s.get(0);
        long hw = s.get(2) * s.get(3);
        NDArray h = norm.apply(ps, x, training);
        NDArray queries = q.apply(ps, h, training).reshape(n, channels, hw).transpose(0, 2, 1); // n, hw, c
        NDArray keys = k.apply(ps, h, training).reshape(n, channels, hw);                      // n, c, hw
        NDArray values = v.apply(ps, h, training).reshape(n, channels, hw);                    // n, c, hw
        NDArray weights = OwnedArrays.mul(queries.batchMatMul(keys), scale).softmax(2);       // n, hw(q), hw(k)
        NDArray attended = values.batchMatMul(weights.transpose(0, 2, 1)).reshape(s);          // n, c, hw(q)
        return x.add(projOut.apply(ps, attended, training));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (AbstractBlock b : new AbstractBlock[] {norm, q, k, v, projOut}) {
            b.initialize(manager, dataType, inputShapes[0]);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
