package org.dckd.backbones.swinir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;

import org.dckd.checkpoint.BufferOwner;
import org.dckd.checkpoint.Tensor;
import org.dckd.nn.OwnedArrays;
import org.dckd.nn.complexity.ComplexityCounter;

/**
 * Window multi-head self-attention with a learned relative position bias, official {@code WindowAttention}.
 *
 * <p>Input: all windows of a batch stacked, {@code (B*nW, N, C)} with {@code N = window^2}, and optionally the mask of
 * shifted windows {@code (nW, N, N)}. Every window and head is computed by one batched matrix product:
 * {@code softmax(q * head_dim^-0.5 @ k^T + bias [+ mask]) @ v}, then {@code proj}. Both matrix products are reported to
 * an open {@link ComplexityCounter}.
 *
 * <p>State dict: parameter {@code relative_position_bias_table} {@code ((2w-1)^2, heads)}, children {@code qkv}
 * ({@code C -> 3C}) and {@code proj}, and the int64 buffer {@code relative_position_index} {@code (N, N)}, which this
 * block derives itself (a loader verifies a stored copy).
 */
final class WindowAttention extends AbstractBlock implements BufferOwner {

    private static final byte VERSION = 1;

    /** Flat gather indices into the bias table, laid out {@code (heads, N, N)}, by "window/heads". */
    private static final Map<String, long[]> GATHER_INDEX = new ConcurrentHashMap<>();

    private final int dim;
    private final int window;
    private final int heads;
    private final float scale;
    private final Parameter biasTable;
    private final Linear qkv;
    private final Linear proj;

    WindowAttention(int dim, int window, int heads, boolean qkvBias) {
        super(VERSION);
        this.dim = dim;
        this.window = window;
        this.heads = heads;
        this.scale = (float) Math.pow(dim / heads, -0.5);
        long tableRows = (long) (2 * window - 1) * (2 * window - 1);
        biasTable = addParameter(Parameter.builder()
                .setName("relative_position_bias_table")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(tableRows, heads))
                .optInitializer(new TruncatedNormalInitializer(0.02f))
                .build());
        qkv = addChildBlock("qkv", SwinIr.linear(3L * dim, qkvBias));
        proj = addChildBlock("proj", SwinIr.linear(dim, true));
    }

    /** The relative position bias table parameter. */
    Parameter relativePositionBiasTable() {
        return biasTable;
    }

    /**
     * The official {@code relative_position_index}: for tokens {@code i = (yi, xi)} and {@code j = (yj, xj)} of a
     * window, {@code (yi - yj + w - 1) * (2w - 1) + (xi - xj + w - 1)}, row-major {@code (N, N)}.
     */
    static long[] relativePositionIndex(int window) {
        int n = window * window;
        long[] index = new long[n * n];
        for (int i = 0; i < n; i++) {
            int yi = i / window;
            int xi = i % window;
            for (int j = 0; j < n; j++) {
                int yj = j / window;
                int xj = j % window;
                index[i * n + j] = (long) (yi - yj + window - 1) * (2 * window - 1) + (xi - xj + window - 1);
            }
        }
        return index;
    }

    private long[] gatherIndex() {
        return GATHER_INDEX.computeIfAbsent(window + "/" + heads, k -> {
            long[] rpi = relativePositionIndex(window);
            int nn = rpi.length;
            long[] out = new long[heads * nn];
            for (int h = 0; h < heads; h++) {
                for (int p = 0; p < nn; p++) {
                    out[h * nn + p] = rpi[p] * heads + h;
                }
            }
            return out;
        });
    }

    /**
     * The bias {@code (heads, N, N)} gathered from the table, as the official
     * {@code table[index.view(-1)].view(N, N, heads).permute(2, 0, 1)}; owned by {@code manager}.
     */
    NDArray relativePositionBias(ParameterStore ps, NDManager manager, boolean training) {
        NDArray table = ps.getValue(biasTable, manager.getDevice(), training);
        int n = window * window;
        NDArray index = OwnedArrays.create(manager, gatherIndex(), new Shape(heads, n, n)); // take's backward keeps it
        return table.take(manager, index);
    }

    /**
     * Attention over stacked windows.
     *
     * @param windows {@code (B*nW, N, C)}
     * @param mask {@code (nW, N, N)} or {@code null} for unshifted windows
     */
    NDArray forward(ParameterStore ps, NDArray windows, NDArray mask, boolean training) {
        long[] s = windows.getShape().getShape();
        long bw = s[0];
        long n = s[1];
        long c = s[2];
        if (n != (long) window * window || c != dim) {
            throw new IllegalArgumentException("window attention (window " + window + ", dim " + dim
                    + ") got input " + windows.getShape());
        }
        NDManager manager = windows.getManager();
        NDArray qkvOut = qkv.forward(ps, new NDList(windows), training).singletonOrThrow()
                .reshape(bw, n, 3, heads, c / heads)
                .transpose(2, 0, 3, 1, 4);
        NDArray q = OwnedArrays.mul(qkvOut.get(0), scale);
        NDArray k = qkvOut.get(1);
        NDArray v = qkvOut.get(2);
        NDArray keys = k.transpose(0, 1, 3, 2);
        NDArray attn = q.matMul(keys);
        ComplexityCounter.recordMatMul(q, keys);
        attn = attn.add(relativePositionBias(ps, manager, training));
        if (mask != null) {
            long nw = mask.getShape().get(0);
            if (bw % nw != 0) {
                throw new IllegalArgumentException("mask for " + nw + " windows does not fit " + bw + " windows");
            }
            attn = attn.reshape(bw / nw, nw, heads, n, n).add(mask.reshape(1, nw, 1, n, n)).reshape(bw, heads, n, n);
        }
        attn = attn.softmax(-1);
        ComplexityCounter.recordMatMul(attn, v);
        NDArray out = attn.matMul(v).transpose(0, 2, 1, 3).reshape(bw, n, c);
        return proj.forward(ps, new NDList(out), training).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray mask = inputs.size() > 1 ? inputs.get(1) : null;
        return new NDList(forward(ps, inputs.head(), mask, training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        qkv.initialize(manager, dataType, inputShapes[0]);
        proj.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public Map<String, Tensor> torchBuffers() {
        long[] index = relativePositionIndex(window);
        ByteBuffer buf = ByteBuffer.allocate(index.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(index);
        int n = window * window;
        return Map.of("relative_position_index", new Tensor(DataType.INT64, new long[] {n, n}, buf));
    }

    @Override
    public Set<String> verifiedBuffers() {
        return Set.of("relative_position_index");
    }
}
