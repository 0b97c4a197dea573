package org.dckd.backbones.span;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.checkpoint.BufferOwner;
import org.dckd.checkpoint.Tensor;
import org.dckd.nn.TorchConv2d;
import org.dckd.nn.reparam.ConvKernel;
import org.dckd.nn.reparam.ReparameterizableBlock;

/**
 * SPAN's reparameterisable 3x3 convolution {@code Conv3XC} (gain 2, stride 1), in one of two forms.
 *
 * <p><b>Training form</b> ({@link Branches}): a 1x1 skip plus a chain 1x1 (C_in -> 2 C_in), 3x3 without padding
 * (2 C_in -> 2 C_out), 1x1 (2 C_out -> C_out), all with bias; the input of the chain is zero-padded by 1 BEFORE its
 * first 1x1 convolution:
 * <pre>
 * y = conv.2(conv.1(conv.0(pad1(x)))) + sk(x)          keys sk.*, conv.0.*, conv.1.*, conv.2.*
 * </pre>
 * The official module also stores the merged kernel as {@code eval_conv.weight/bias} (a parameter without gradient,
 * refreshed from the branches); here these two tensors are derived buffers ({@link BufferOwner}): a saved training-form
 * state dict contains them, equal to the merge of the branches, and loading accepts them (shape-checked) and never
 * uses them, since the block derives them from its branches. So an official training checkpoint loads strictly, and
 * a stale {@code eval_conv} in a file cannot disagree with the network.
 *
 * <p><b>Deploy form</b> ({@link Merged}): the single 3x3 convolution with padding 1 the branches amount to,
 * {@code eval_conv.*} (the team38 NTIRE 2024 layout). {@link #mergedKernel()} of the training form is exactly that
 * convolution ({@link ConvKernel}: {@code conv.0.then(conv.1).then(conv.2).plus(sk)}).
 */
public abstract sealed class Conv3xc extends AbstractBlock permits Conv3xc.Branches, Conv3xc.Merged {

    /** The channel expansion of the branch chain ({@code gain1=2} in SPAN). */
    public static final int GAIN = 2;

    /** The name of the merged convolution in both forms' state dicts. */
    public static final String EVAL_CONV = "eval_conv";

    private static final byte VERSION = 1;

    private final int inChannels;
    private final int outChannels;

    private Conv3xc(int inChannels, int outChannels) {
        super(VERSION);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
    }

    /**
     * A new, uninitialised block.
     *
     * @param inChannels input channels
     * @param outChannels output channels
     * @param deploy {@code true} for the merged deploy form, {@code false} for the training form with branches
     * @return the block
     */
    public static Conv3xc create(int inChannels, int outChannels, boolean deploy) {
        return deploy ? new Merged(inChannels, outChannels) : new Branches(inChannels, outChannels);
    }

    /**
     * Applies the convolution (initialised block).
     *
     * @param ps the parameter store
     * @param x {@code (N, C_in, H, W)}
     * @param training whether this is a training pass
     * @return {@code (N, C_out, H, W)}
     */
    public abstract NDArray apply(ParameterStore ps, NDArray x, boolean training);

    /**
     * The single 3x3 convolution this block computes, from its current parameters.
     *
     * @return the kernel
     * @throws IllegalStateException if the block is not initialised
     */
    public abstract ConvKernel mergedKernel();

    /** Input channels. */
    public int inChannels() {
        return inChannels;
    }

    /** Output channels. */
    public int outChannels() {
        return outChannels;
    }

    /** Whether this is the deploy form. */
    public abstract boolean isDeploy();

    @Override
    protected final NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), outChannels, in.get(2), in.get(3))};
    }

    /** The training form: a 1x1 skip plus the pad-first 1x1 -> 3x3 -> 1x1 chain (see {@link Conv3xc}). */
    public static final class Branches extends Conv3xc implements ReparameterizableBlock, BufferOwner {

        private final TorchConv2d sk;
        private final TorchConv2d expand;
        private final TorchConv2d spatial;
        private final TorchConv2d reduce;

        private Branches(int in, int out) {
            super(in, out);
            sk = addChildBlock("sk", TorchConv2d.of(in, out, 1, 1, 0));
            // a 1x1 convolution with zero padding 1 IS conv.0(pad1(x)): the border pixels get conv.0's bias
            expand = addChildBlock("conv.0", TorchConv2d.of(in, in * GAIN, 1, 1, 1));
            spatial = addChildBlock("conv.1", TorchConv2d.of(in * GAIN, out * GAIN, 3, 1, 0));
            reduce = addChildBlock("conv.2", TorchConv2d.of(out * GAIN, out, 1, 1, 0));
        }

        @Override
        public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            NDArray chain = reduce.apply(ps, spatial.apply(ps, expand.apply(ps, x, training), training), training);
            return chain.add(sk.apply(ps, x, training));
        }

        /** {@code conv.0.then(conv.1).then(conv.2).plus(sk)}: exact, because the chain pads before conv.0. */
        @Override
        public ConvKernel mergedKernel() {
            return ConvKernel.of(expand).then(ConvKernel.of(spatial)).then(ConvKernel.of(reduce))
                    .plus(ConvKernel.of(sk));
        }

        @Override
        public String deployConvolutionName() {
            return EVAL_CONV;
        }

        @Override
        public boolean isDeploy() {
            return false;
        }

        /**
         * {@code eval_conv.weight} and {@code eval_conv.bias}: the merged kernel of the current branches (what the
         * official module stores); zeros of the right shape while the block is not initialised.
         */
        @Override
        public Map<String, Tensor> torchBuffers() {
            Map<String, Tensor> out = new LinkedHashMap<>();
            long[] shape = {outChannels(), inChannels(), 3, 3};
            if (!isInitialized()) {
                out.put(EVAL_CONV + ".weight", Tensor.ofFloats(shape, new float[outChannels() * inChannels() * 9]));
                out.put(EVAL_CONV + ".bias", Tensor.ofFloats(new long[] {outChannels()}, new float[outChannels()]));
                return out;
            }
            ConvKernel k = mergedKernel();
            out.put(EVAL_CONV + ".weight", k.weightTensor());
            out.put(EVAL_CONV + ".bias", k.biasTensor());
            return out;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape in = inputShapes[0];
            long n = in.get(0);
            long h = in.get(2);
            long w = in.get(3);
            sk.initialize(manager, dataType, in);
            expand.initialize(manager, dataType, in);
            spatial.initialize(manager, dataType, new Shape(n, (long) inChannels() * GAIN, h + 2, w + 2));
            reduce.initialize(manager, dataType, new Shape(n, (long) outChannels() * GAIN, h, w));
        }
    }

    /** The deploy form: one 3x3 convolution {@code eval_conv} with padding 1. */
    public static final class Merged extends Conv3xc {

        private final TorchConv2d evalConv;

        private Merged(int in, int out) {
            super(in, out);
            evalConv = addChildBlock(EVAL_CONV, TorchConv2d.same(in, out, 3));
        }

        @Override
        public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            return evalConv.apply(ps, x, training);
        }

        @Override
        public ConvKernel mergedKernel() {
            return ConvKernel.of(evalConv);
        }

        @Override
        public boolean isDeploy() {
            return true;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            evalConv.initialize(manager, dataType, inputShapes);
        }
    }
}
