package org.dckd.backbones.lipt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.Roll;
import org.dckd.nn.TorchConv2d;
import org.dckd.nn.complexity.ComplexityCounter;

/**
 * LIPT's non-volatile sparse masking self-attention {@code NVSM_SA} over non-overlapping windows.
 *
 * <p>The first module of a block ({@code calc_attn}): {@code p = project_inp(x)} (1x1 C -> 2C, then BatchNorm in the
 * training form), split into two halves of C channels. Half {@code i} uses window {@code w_i}; if the block is
 * shifted it is rolled by {@code -w_i / 2} on both axes ({@code out[r] = in[(r + w/2) mod H]}); half 1 then goes
 * through the {@link SparseWindowMask}. Its first C/2 channels are the queries (and keys: {@code atn = softmax(q q^T)},
 * <b>no 1/sqrt(d) scaling</b>), the last C/2 the values; {@code y = atn v} per window, windows back to the map, rolled
 * back. {@code out = project_out(cat[y_0, y_1])}. The attention maps ({@code (N * windows, w^2, w^2)} each) are
 * returned for the shared modules.
 *
 * <p>A shared module ({@code calc_attn = false}): {@code project_inp} is 1x1 C -> C (+ BatchNorm), both halves of C/2
 * channels are values only (rolled if shifted, no mask), {@code y_i = atn_i v_i} with the first module's attention.
 */
final class NvsmAttention extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final boolean computesAttention;
    private final boolean shifted;
    private final int[] windows;
    private final Block projectIn;
    private final TorchConv2d projectOut;

    NvsmAttention(int channels, boolean shifted, int[] windows, boolean computesAttention, boolean deploy) {
        super(VERSION);
        this.channels = channels;
        this.shifted = shifted;
        this.windows = windows.clone();
        this.computesAttention = computesAttention;
        int inner = computesAttention ? 2 * channels : channels;
        projectIn = addChildBlock("project_inp", deploy ? TorchConv2d.same(channels, inner, 1)
                : new ProjectInput(channels, inner));
        projectOut = addChildBlock("project_out", TorchConv2d.same(channels, channels, 1));
    }

    /** The output of one module and the attention maps it used. */
    record Result(NDArray y, List<NDArray> attention) {}

    /**
     * Runs the module.
     *
     * @param taps where to put intermediate arrays ({@code project_inp}, {@code mask_sparse}, {@code atn0},
     *     {@code atn1}) under {@code prefix}, or null
     */
    Result apply(ParameterStore ps, NDArray x, List<NDArray> previous, boolean training, Map<String, NDArray> taps,
            String prefix) {
        long n = x.getShape().get(0);
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray p = projectIn instanceof ProjectInput pi ? pi.apply(ps, x, training)
                : ((TorchConv2d) projectIn).apply(ps, x, training);
        if (taps != null) {
            taps.put(prefix + "project_inp", p);
        }
        long half = p.getShape().get(1) / 2;
        List<NDArray> ys = new ArrayList<>();
        List<NDArray> atns = new ArrayList<>();
        for (int idx = 0; idx < 2; idx++) {
            int ws = windows[idx];
            NDArray part = p.get(NDIndex.sliceAxis(1, idx * half, (idx + 1) * half));
            if (shifted) {
                part = Roll.roll(part, -(long) (ws / 2), 2, -(long) (ws / 2), 3);
            }
            NDArray atn;
            NDArray v;
            if (computesAttention) {
                if (idx == 1) {
                    part = SparseWindowMask.apply(part, ws);
                    if (taps != null) {
                        taps.put(prefix + "mask_sparse", part);
                    }
                }
                NDArray tokens = toWindows(part, ws);                       // (N*nw, w*w, C)
                long c2 = half / 2;
                NDArray q = tokens.get(new NDIndex(":, :, :{}", c2));
                v = tokens.get(new NDIndex(":, :, {}:", c2));
                NDArray keys = q.transpose(0, 2, 1);
                ComplexityCounter.recordMatMul(q, keys);
                atn = q.matMul(keys).softmax(-1);
            } else {
                atn = previous.get(idx);
                v = toWindows(part, ws);
            }
            if (taps != null) {
                taps.put(prefix + "atn" + idx, atn);
            }
            ComplexityCounter.recordMatMul(atn, v);
            NDArray y = fromWindows(atn.matMul(v), ws, n, h, w);
            if (shifted) {
                y = Roll.roll(y, ws / 2, 2, ws / 2, 3);
            }
            ys.add(y);
            atns.add(atn);
        }
        NDArray out = projectOut.apply(ps, NDArrays.concat(new NDList(ys.get(0), ys.get(1)), 1), training);
        return new Result(out, atns);
    }

    /** {@code 'b c (h dh) (w dw) -> (b h w) (dh dw) c'}. */
    private static NDArray toWindows(NDArray x, int ws) {
        long[] s = x.getShape().getShape();
        return x.reshape(s[0], s[1], s[2] / ws, ws, s[3] / ws, ws).transpose(0, 2, 4, 3, 5, 1)
                .reshape(s[0] * (s[2] / ws) * (s[3] / ws), (long) ws * ws, s[1]);
    }

    /** {@code '(b h w) (dh dw) c -> b c (h dh) (w dw)'}. */
    private static NDArray fromWindows(NDArray t, int ws, long n, long h, long w) {
        long c = t.getShape().get(2);
        return t.reshape(n, h / ws, w / ws, ws, ws, c).transpose(0, 5, 1, 3, 2, 4).reshape(n, c, h, w);
    }

    long runningStatisticsCount() {
        return projectIn instanceof ProjectInput pi ? pi.runningStatisticsCount() : 0;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (!computesAttention) {
            throw new UnsupportedOperationException("a shared NVSM-SA module needs the attention of the first one");
        }
        return new NDList(apply(ps, inputs.singletonOrThrow(), null, training, null, "").y());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        projectIn.initialize(manager, dataType, in);
        projectOut.initialize(manager, dataType, new Shape(in.get(0), channels, in.get(2), in.get(3)));
    }
}
