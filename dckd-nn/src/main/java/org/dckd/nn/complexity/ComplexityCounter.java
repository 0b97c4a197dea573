package org.dckd.nn.complexity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

/**
 * A recording scope: while one is open on a thread, the layers running on that thread report each call by its
 * shapes (the static {@code record...} methods), and {@link #counts()} sums them by the NTIRE conventions
 * ({@link OperationCounts}).
 *
 * <pre>{@code
 * OperationCounts c = ComplexityCounter.countForward(network, manager, new Shape(1, 3, 256, 256));
 * c.ntireFlops(); c.activations(); c.numConv();
 * }</pre>
 *
 * <p>Who reports: {@code org.dckd.nn.CountedConv2d} (and so {@code TorchConv2d}) every convolution call,
 * {@code org.dckd.nn.CountedLinear} every linear call, {@code org.dckd.nn.ModuleActivation} the activations a network
 * marks as modules of the official code, {@code org.dckd.nn.BilinearResize} every bilinear resize; a block with a
 * matrix product or a batch norm reports it itself ({@link #recordMatMul}, {@link #recordBatchNorm}). A network built
 * from these blocks is counted without a description of its own.
 *
 * <p>Cost when not counting: each report reads one volatile counter of open scopes and returns; nothing else (no
 * shape is read).
 */
public final class ComplexityCounter implements AutoCloseable {

    private static final ThreadLocal<ComplexityCounter> ACTIVE = new ThreadLocal<>();
    /** Open scopes on all threads: lets reports return without a thread-local lookup when nothing is counted. */
    private static final AtomicInteger OPEN = new AtomicInteger();

    private long convMacs;
    private long convCalls;
    private long convOutputElements;
    private final Map<String, Long> activationElements = new TreeMap<>();
    private final Map<String, Long> convSubtypeMacs = new TreeMap<>();
    private long batchNormFlops;
    private long linearMacs;
    private long bilinearOutputElements;
    private long matMulMacs;
    private boolean closed;

    private ComplexityCounter() {}

    /**
     * Opens a counting scope on this thread; close it (try-with-resources) when the forward pass is done.
     *
     * @return the open counter
     * @throws IllegalStateException if a counter is already open on this thread (scopes do not nest)
     */
    public static ComplexityCounter start() {
        if (ACTIVE.get() != null) {
            throw new IllegalStateException("a ComplexityCounter is already open on this thread; close it first "
                    + "(counting scopes do not nest)");
        }
        ComplexityCounter counter = new ComplexityCounter();
        ACTIVE.set(counter);
        OPEN.incrementAndGet();
        return counter;
    }

    /**
     * Counts one inference forward pass of {@code block} on a zero input of {@code inputShape} (only shapes matter),
     * with {@code training = false}; the arrays of the pass are released before returning.
     *
     * @param block an initialised block taking one NCHW array
     * @param manager where the input and the pass's arrays are made (a sub-manager of it, closed afterwards)
     * @param inputShape e.g. {@code (1, 3, 256, 256)}, the challenges' input
     * @return the counts
     * @throws IllegalArgumentException if the network holds a DJL convolution or linear block that does not report
     *     its calls (not a {@link CountedLayer}), naming it
     */
    public static OperationCounts countForward(Block block, NDManager manager, Shape inputShape) {
        List<String> uncounted = new ArrayList<>();
        findUncountedLayers(block, "", uncounted);
        if (!uncounted.isEmpty()) {
            throw new IllegalArgumentException("cannot count this network: its DJL convolution/linear blocks "
                    + uncounted.subList(0, Math.min(5, uncounted.size())) + (uncounted.size() > 5 ? " and "
                    + (uncounted.size() - 5) + " more" : "") + " report nothing to the counter; build them with "
                    + "org.dckd.nn.CountedConv2d.of(Conv2d.builder()...), TorchConv2d or "
                    + "org.dckd.nn.CountedLinear.of(Linear.builder()...)");
        }
        try (NDManager scope = manager.newSubManager();
                ComplexityCounter counter = start()) {
            NDArray input = scope.zeros(inputShape, DataType.FLOAT32);
            block.forward(new ParameterStore(scope, false), new NDList(input), false);
            return counter.counts();
        }
    }

    private static void findUncountedLayers(Block block, String path, List<String> out) {
        if ((block instanceof Convolution || block instanceof Linear) && !(block instanceof CountedLayer)) {
            out.add(path.isEmpty() ? "(the root)" : path);
        }
        for (Pair<String, Block> child : block.getChildren()) {
            findUncountedLayers(child.getValue(), path.isEmpty() ? child.getKey() : path + "/" + child.getKey(), out);
        }
    }

    /** Whether a counter is open on this thread. */
    public static boolean isCounting() {
        return OPEN.get() > 0 && ACTIVE.get() != null;
    }

    /** The sums so far. */
    public OperationCounts counts() {
        return new OperationCounts(convMacs, convCalls, convOutputElements, activationElements, batchNormFlops,
                linearMacs, bilinearOutputElements, matMulMacs, convSubtypeMacs);
    }

    /** Closes the scope: later reports on this thread are no longer counted here. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ACTIVE.get() == this) {
            ACTIVE.remove();
        }
        OPEN.decrementAndGet();
    }

    private static ComplexityCounter active() {
        return OPEN.get() == 0 ? null : ACTIVE.get();
    }

    /**
     * Reports one convolution call: {@code numel(weight) * N * Ho * Wo} MACs ({@code weight} is
     * {@code (out, in/groups, kh, kw)}), one conv, {@code numel(output)} activations.
     *
     * @param convolution the (initialised) convolution block
     * @param output its output
     */
    public static void recordConvolution(Convolution convolution, NDArray output) {
        if (active() != null) {
            recordConvolution(null, convolution.getParameters().get("weight").getArray().getShape(), output);
        }
    }

    /**
     * Reports one call of a convolution that is not a DJL block (a functional convolution, e.g. with fixed weights):
     * {@code numel(weight) * N * Ho * Wo} MACs, one conv, {@code numel(output)} activations, as
     * {@link #recordConvolution(Convolution, NDArray)}.
     *
     * @param moduleType the official module's class name if it is a {@code Conv2d} subclass the official counter
     *     reports under its own name (LIPT's {@code MeanShift}); {@code null} or {@code "Conv2d"} for a plain one
     * @param weightShape the weight's shape {@code (out, in/groups, kh, kw)}
     * @param output its output
     */
    public static void recordConvolution(String moduleType, Shape weightShape, NDArray output) {
        ComplexityCounter c = active();
        if (c == null) {
            return;
        }
        Shape out = output.getShape();
        long macs = weightShape.size() * (out.size() / out.get(1));
        c.convMacs += macs;
        c.convCalls++;
        c.convOutputElements += out.size();
        if (moduleType != null && !"Conv2d".equals(moduleType)) {
            c.convSubtypeMacs.merge(moduleType, macs, Long::sum);
        }
    }

    /**
     * Reports the output of an activation that the official code applies through an {@code nn.Module} of a counted
     * type.
     *
     * @param type the module type
     * @param output its output
     */
    public static void recordActivationModule(ActivationModuleType type, NDArray output) {
        ComplexityCounter c = active();
        if (c == null) {
            return;
        }
        c.activationElements.merge(type.torchName(), output.getShape().size(), Long::sum);
    }

    /**
     * Reports a batch norm ({@code nn.BatchNorm2d}): {@code 2 * numel(output)} FLOPs if affine, else {@code numel}.
     *
     * @param affine whether it has a learned scale and shift
     * @param output its output
     */
    public static void recordBatchNorm(boolean affine, NDArray output) {
        ComplexityCounter c = active();
        if (c == null) {
            return;
        }
        c.batchNormFlops += (affine ? 2 : 1) * output.getShape().size();
    }

    /**
     * Reports a linear layer on the last axis: {@code in_features * numel(output)} MACs.
     *
     * @param input its input ({@code in_features} is the last axis)
     * @param output its output
     */
    public static void recordLinear(NDArray input, NDArray output) {
        ComplexityCounter c = active();
        if (c == null) {
            return;
        }
        Shape in = input.getShape();
        c.linearMacs += in.get(in.dimension() - 1) * output.getShape().size();
    }

    /**
     * Reports a bilinear resize (fvcore counts 4 FLOPs per output element; the NTIRE counter nothing).
     *
     * @param output the resized array
     */
    public static void recordBilinearResize(NDArray output) {
        ComplexityCounter c = active();
        if (c == null) {
            return;
        }
        c.bilinearOutputElements += output.getShape().size();
    }

    /**
     * Reports a (batched) matrix product {@code a @ b} of {@code (..., n, k)} and {@code (..., k, m)}:
     * {@code batch * n * k * m} MACs, the batch axes broadcast.
     *
     * @param a the left operand
     * @param b the right operand
     * @throws IllegalArgumentException if the inner sizes differ
     */
    public static void recordMatMul(NDArray a, NDArray b) {
        ComplexityCounter c = active();
        if (c == null) {
            return;
        }
        c.matMulMacs += matMulMacs(a.getShape(), b.getShape());
    }

    /** MACs of {@code a @ b} (both at least 2-D), the batch axes broadcast. */
    static long matMulMacs(Shape a, Shape b) {
        int ra = a.dimension();
        int rb = b.dimension();
        if (ra < 2 || rb < 2 || a.get(ra - 1) != b.get(rb - 2)) {
            throw new IllegalArgumentException("matrix product of shapes " + a + " and " + b);
        }
        long batch = 1;
        for (int i = 3; i <= Math.max(ra, rb); i++) {
            long da = i <= ra ? a.get(ra - i) : 1;
            long db = i <= rb ? b.get(rb - i) : 1;
            batch *= Math.max(da, db);
        }
        return batch * a.get(ra - 2) * a.get(ra - 1) * b.get(rb - 1);
    }
}
