package org.dckd.backbones.lipt;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

import org.dckd.checkpoint.Tensor;
import org.dckd.nn.complexity.ComplexityCounter;
import org.dckd.nn.reparam.ConvKernel;

/**
 * The training form of LIPT's 3x3 {@code DiverseBranchBlock} (stride 1, groups 1): the sum of six branches, each a
 * chain that pads before its first convolution and is therefore exactly one 3x3 convolution
 * ({@link #mergedKernel()}):
 * <pre>
 * dbb_origin   conv3x3 (no bias, padding 1) -> BN
 * dbb_1x1      conv1x1 (no bias) -> BN
 * dbb_avg      conv1x1 (no bias) -> BNAndPad -> AvgPool3x3 (stride 1, padding 0) -> avgbn
 * dbb_1x1_kxk  IdentityBasedConv1x1 (weight + I, no bias) -> BNAndPad -> conv3x3 (no bias, padding 0) -> bn2
 * dbb_sobelx   RepSRB: y0 = conv1x1(x, k0, b0) padded by 1 with b0, then depthwise 3x3 (scale * mask, bias)
 * dbb_sobely   the same with the Sobel-y mask
 * </pre>
 * {@code BNAndPad} is a BatchNorm followed by padding 1 with its response to 0 ({@code beta - mean gamma / s}); in
 * every chain the padded border therefore equals what the first convolution would produce from a zero-padded input,
 * which is the pad-first convention of {@link ConvKernel#then}. The Sobel masks
 * ({@code [[1,0,-1],[sqrt2,0,-sqrt2],[1,0,-1]]} and its transpose, {@code mask} in the state dict) are parameters
 * without gradient, as in the official code, and count as parameters. All BatchNorms have eps 1e-5; evaluation uses
 * their running statistics.
 *
 * <p>The deploy form is one 3x3 convolution with bias, stored as {@code weight}/{@code bias} directly under the
 * block's prefix ({@link #deployConvolutionName()} is empty: LIPT's {@code deploy=True} layout {@code ...conv0.weight}).
 */
public final class DiverseBranchBlock extends PlainConvolutionBlock {

    private static final int K = 3;
    private static final Shape ONE = new Shape(1, 1);
    private static final Shape ZERO = new Shape(0, 0);
    private static final Shape PAD_ONE = new Shape(1, 1);

    private final int inChannels;
    private final int outChannels;
    private final Parameter originWeight;
    private final BatchNormParameters originBn;
    private final Parameter avgWeight;
    private final BatchNormParameters avgPadBn;
    private final BatchNormParameters avgBn;
    private final Parameter pointWeight;
    private final BatchNormParameters pointBn;
    private final Parameter idWeight;
    private final BatchNormParameters idPadBn;
    private final Parameter kxkWeight;
    private final BatchNormParameters kxkBn;
    private final Sobel sobelX;
    private final Sobel sobelY;
    /** The identity that {@code IdentityBasedConv1x1} adds to its weight, {@code [in, in, 1, 1]}. */
    private final float[] identityValues;

    /**
     * A new, uninitialised block.
     *
     * @param inChannels input channels
     * @param outChannels output channels
     */
    public DiverseBranchBlock(int inChannels, int outChannels) {
        super(outChannels);
        if (inChannels <= 0 || outChannels <= 0) {
            throw new IllegalArgumentException("a DiverseBranchBlock needs positive channel counts, got " + inChannels
                    + " -> " + outChannels);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        identityValues = ConvKernel.identity(inChannels, 1).weightValues();
        double b3 = 1 / Math.sqrt(inChannels * 9.0);
        double b1 = 1 / Math.sqrt(inChannels);
        originWeight = parameter("dbb_origin.conv.weight", new Shape(outChannels, inChannels, K, K), uniform(b3), true);
        originBn = new BatchNormParameters(this, "dbb_origin.bn", outChannels);
        avgWeight = parameter("dbb_avg.conv.weight", new Shape(outChannels, inChannels, 1, 1), uniform(b1), true);
        avgPadBn = new BatchNormParameters(this, "dbb_avg.bn.bn", outChannels);
        avgBn = new BatchNormParameters(this, "dbb_avg.avgbn", outChannels);
        pointWeight = parameter("dbb_1x1.conv.weight", new Shape(outChannels, inChannels, 1, 1), uniform(b1), true);
        pointBn = new BatchNormParameters(this, "dbb_1x1.bn", outChannels);
        idWeight = parameter("dbb_1x1_kxk.idconv1.weight", new Shape(inChannels, inChannels, 1, 1),
                Initializer.ZEROS, true);
        idPadBn = new BatchNormParameters(this, "dbb_1x1_kxk.bn1.bn", inChannels);
        kxkWeight = parameter("dbb_1x1_kxk.conv2.weight", new Shape(outChannels, inChannels, K, K), uniform(b3), true);
        kxkBn = new BatchNormParameters(this, "dbb_1x1_kxk.bn2", outChannels);
        sobelX = new Sobel("dbb_sobelx", true);
        sobelY = new Sobel("dbb_sobely", false);
    }

    /** Input channels. */
    public int inChannels() {
        return inChannels;
    }

    /** Output channels. */
    public int outChannels() {
        return outChannels;
    }

    /** The running-statistics values of the block's BatchNorms (state-dict tensors PyTorch does not count). */
    long runningStatisticsCount() {
        return originBn.runningStatisticsCount() + avgPadBn.runningStatisticsCount() + avgBn.runningStatisticsCount()
                + pointBn.runningStatisticsCount() + idPadBn.runningStatisticsCount()
                + kxkBn.runningStatisticsCount();
    }

    @Override
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        // what the challenge counter sees (README section 1 of golden_esr): the five nn.Conv2d modules (one of them the
        // IdentityBasedConv1x1 subclass, reported under its own name) and the six BatchNorm2d modules; the RepSRB
        // branches run F.conv2d, which it does not see, and the average pool is not counted
        NDArray out = originBn.apply(ps, countedConv(x, value(ps, originWeight, x, training), PAD_ONE, null), training);
        out = out.add(pointBn.apply(ps, countedConv(x, value(ps, pointWeight, x, training), ZERO, null), training));
        NDArray avg = padWithResponse(ps, avgPadBn,
                avgPadBn.apply(ps, countedConv(x, value(ps, avgWeight, x, training), ZERO, null), training), training);
        avg = Pool.avgPool2d(avg, new Shape(K, K), ONE, ZERO, false, true);
        out = out.add(avgBn.apply(ps, avg, training));
        NDArray identity = x.getManager().create(identityValues, new Shape(inChannels, inChannels, 1, 1));
        NDArray kxk = padWithResponse(ps, idPadBn, idPadBn.apply(ps, countedConv(x,
                value(ps, idWeight, x, training).add(identity), ZERO, "IdentityBasedConv1x1"), training), training);
        out = out.add(kxkBn.apply(ps, countedConv(kxk, value(ps, kxkWeight, x, training), ZERO, null), training));
        out = out.add(sobelX.apply(ps, x, training));
        return out.add(sobelY.apply(ps, x, training));
    }

    /** A bias-free convolution of one of the official {@code nn.Conv2d} modules, reported to an open counter. */
    private static NDArray countedConv(NDArray x, NDArray weight, Shape padding, String moduleType) {
        NDArray y = conv(x, weight, null, padding, 1);
        ComplexityCounter.recordConvolution(moduleType, weight.getShape(), y);
        return y;
    }

    /**
     * The sum of the six branches as one 3x3 convolution with bias (exact up to rounding, borders included).
     *
     * @return the merged kernel {@code [out, in, 3, 3]}
     * @throws IllegalStateException if the block is not initialised
     */
    @Override
    public ConvKernel mergedKernel() {
        if (!isInitialized()) {
            throw new IllegalStateException("the DiverseBranchBlock is not initialised; initialise it before merging");
        }
        ConvKernel origin = kernel(originWeight, null).foldBatchNorm(originBn.statistics());
        ConvKernel point = kernel(pointWeight, null).foldBatchNorm(pointBn.statistics());
        ConvKernel avg = kernel(avgWeight, null).foldBatchNorm(avgPadBn.statistics())
                .then(ConvKernel.averagePool(outChannels, K).foldBatchNorm(avgBn.statistics()));
        ConvKernel kxk = kernel(idWeight, null).plus(ConvKernel.identity(inChannels, 1))
                .foldBatchNorm(idPadBn.statistics())
                .then(kernel(kxkWeight, null).foldBatchNorm(kxkBn.statistics()));
        return ConvKernel.sum(List.of(origin, point, kxk, avg, sobelX.mergedKernel(), sobelY.mergedKernel()));
    }



    static NDArray conv(NDArray x, NDArray weight, NDArray bias, Shape padding, int groups) {
        return Conv2d.conv2d(x, weight, bias, ONE, padding, ONE, groups).singletonOrThrow();
    }

    /** {@code y} padded by 1 with the BatchNorm's response to 0 (the official {@code BNAndPadLayer}). */
    private static NDArray padWithResponse(ParameterStore ps, BatchNormParameters bn, NDArray y, boolean training) {
        NDArray v = bn.zeroResponse(ps, y, training);
        return y.sub(v).pad(new Shape(1, 1, 1, 1), 0).add(v);
    }

    private static ConvKernel kernel(Parameter weight, Parameter bias) {
        NDArray w = weight.getArray();
        return ConvKernel.of(Tensor.of(w), bias == null ? null : Tensor.of(bias.getArray()));
    }

    /** One {@code RepSRB} branch: 1x1 ({@code k0}, {@code b0}), pad with {@code b0}, depthwise Sobel 3x3. */
    private final class Sobel {

        private final Parameter k0;
        private final Parameter b0;
        private final Parameter scale;
        private final Parameter bias;
        private final Parameter mask;

        Sobel(String prefix, boolean horizontal) {
            k0 = parameter(prefix + ".k0", new Shape(outChannels, inChannels, 1, 1), uniform(1 / Math.sqrt(inChannels)),
                    true);
            b0 = parameter(prefix + ".b0", new Shape(outChannels), uniform(1 / Math.sqrt(inChannels)), true);
            scale = parameter(prefix + ".scale", new Shape(outChannels, 1, 1, 1), uniform(1e-3), true);
            bias = parameter(prefix + ".bias", new Shape(outChannels), uniform(1e-3), true);
            mask = parameter(prefix + ".mask", new Shape(outChannels, 1, K, K), constant(sobel(outChannels, horizontal)),
                    false);
        }

        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            // a 1x1 convolution with zero padding 1 gives b0 on the border: the official explicit b0 padding
            NDArray y0 = conv(x, value(ps, k0, x, training), value(ps, b0, x, training), PAD_ONE, 1);
            NDArray w = value(ps, scale, x, training).mul(value(ps, mask, x, training));
            return conv(y0, w, value(ps, bias, x, training), ZERO, outChannels);
        }

        ConvKernel mergedKernel() {
            float[] s = scale.getArray().toFloatArray();
            float[] m = mask.getArray().toFloatArray();
            float[] w = new float[m.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = s[i / (K * K)] * m[i];
            }
            ConvKernel depthwise = ConvKernel.depthwise(outChannels, K, w, bias.getArray().toFloatArray());
            return kernel(k0, b0).then(depthwise);
        }
    }

    /** The fixed Sobel masks of {@code RepSRB}, {@code [C, 1, 3, 3]}. */
    static float[] sobel(int channels, boolean horizontal) {
        float r = (float) Math.sqrt(2.0);
        float[] one = horizontal
                ? new float[] {1, 0, -1, r, 0, -r, 1, 0, -1}
                : new float[] {1, r, 1, 0, 0, 0, -1, -r, -1};
        float[] out = new float[channels * one.length];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(one, 0, out, c * one.length, one.length);
        }
        return out;
    }
}
