package org.dckd.nn.reparam;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

import org.dckd.checkpoint.Tensor;
import org.dckd.nn.TorchConv2d;

/**
 * The weight {@code [out, in, kh, kw]} and bias {@code [out]} of a dense, stride-1 convolution, and the exact algebra
 * of structural reparameterisation on them: every operation returns the kernel of ONE convolution that computes the
 * same function as the combination it describes (up to floating-point rounding). Values are held and combined in
 * double precision; {@link #weightValues()} and {@link #biasValues()} round once to float32.
 *
 * <p>Padding convention: a kernel is applied with zero padding {@code (k - 1) / 2} (a "same" convolution), and in a
 * composition ({@link #then}) <b>all the padding of the chain is applied to the input before its first
 * convolution</b>. This is what SPAN's {@code Conv3XC} does (pad, 1x1, 3x3 without padding, 1x1) and what the
 * {@code BNAndPadLayer} of a DiverseBranchBlock amounts to (its pad value is the response of conv+BN to 0), and it is
 * why the merge is exact at the borders as well: a padded pixel enters the first 1x1 convolution as 0 and leaves it
 * as that convolution's bias, which the merged bias accounts for at every tap.
 *
 * <p>Instances are immutable.
 */
public final class ConvKernel {

    private final int outChannels;
    private final int inChannels;
    private final int kernelHeight;
    private final int kernelWidth;
    /** OIHW, C order. */
    private final double[] weight;
    private final double[] bias;

    private ConvKernel(int out, int in, int kh, int kw, double[] weight, double[] bias) {
        this.outChannels = out;
        this.inChannels = in;
        this.kernelHeight = kh;
        this.kernelWidth = kw;
        this.weight = weight;
        this.bias = bias;
    }

    /**
     * A kernel from float values.
     *
     * @param outChannels output channels (positive)
     * @param inChannels input channels (positive)
     * @param kernelHeight kernel height (positive, odd)
     * @param kernelWidth kernel width (positive, odd)
     * @param weight {@code out * in * kh * kw} values in OIHW order (copied)
     * @param bias {@code out} values (copied), or {@code null} for a convolution without bias
     * @return the kernel
     * @throws IllegalArgumentException if a size is invalid or an array has the wrong length
     */
    public static ConvKernel of(int outChannels, int inChannels, int kernelHeight, int kernelWidth, float[] weight,
            float[] bias) {
        checkSizes(outChannels, inChannels, kernelHeight, kernelWidth);
        Objects.requireNonNull(weight, "weight");
        long n = (long) outChannels * inChannels * kernelHeight * kernelWidth;
        if (weight.length != n) {
            throw new IllegalArgumentException("a [" + outChannels + ", " + inChannels + ", " + kernelHeight + ", "
                    + kernelWidth + "] kernel needs " + n + " weight values, got " + weight.length);
        }
        if (bias != null && bias.length != outChannels) {
            throw new IllegalArgumentException("a kernel with " + outChannels + " output channels needs as many bias "
                    + "values, got " + bias.length);
        }
        double[] w = new double[weight.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = weight[i];
        }
        double[] b = new double[outChannels];
        if (bias != null) {
            for (int i = 0; i < b.length; i++) {
                b[i] = bias[i];
            }
        }
        return new ConvKernel(outChannels, inChannels, kernelHeight, kernelWidth, w, b);
    }

    /**
     * A kernel from state-dict tensors.
     *
     * @param weight a 4-d tensor {@code [out, in, kh, kw]}
     * @param bias a 1-d tensor {@code [out]}, or {@code null} for a convolution without bias
     * @return the kernel
     * @throws IllegalArgumentException if the shapes do not fit
     */
    public static ConvKernel of(Tensor weight, Tensor bias) {
        long[] s = weight.shape();
        if (s.length != 4) {
            throw new IllegalArgumentException("a convolution weight is 4-d [out, in, kh, kw], got shape "
                    + Arrays.toString(s));
        }
        if (bias != null && bias.shape().length != 1) {
            throw new IllegalArgumentException("a convolution bias is 1-d [out], got shape "
                    + Arrays.toString(bias.shape()));
        }
        return of(Math.toIntExact(s[0]), Math.toIntExact(s[1]), Math.toIntExact(s[2]), Math.toIntExact(s[3]),
                weight.toFloatArray(), bias == null ? null : bias.toFloatArray());
    }

    /**
     * The current weights of an initialised convolution.
     *
     * @param conv the convolution (stride 1; its padding does not matter to the kernel)
     * @return its kernel
     * @throws IllegalStateException if the convolution is not initialised
     */
    public static ConvKernel of(TorchConv2d conv) {
        Parameter w = conv.getParameters().get("weight");
        Parameter b = conv.getParameters().get("bias");
        if (!w.isInitialized() || b != null && !b.isInitialized()) {
            throw new IllegalStateException("the convolution is not initialised; initialise the block before merging "
                    + "its branches");
        }
        NDArray wa = w.getArray();
        long[] s = wa.getShape().getShape();
        return of(Math.toIntExact(s[0]), Math.toIntExact(s[1]), Math.toIntExact(s[2]), Math.toIntExact(s[3]),
                wa.toFloatArray(), b == null ? null : b.getArray().toFloatArray());
    }

    /**
     * The kernel of the identity map: {@code out = in = channels}, 1 at the centre tap of each channel's own input,
     * bias 0 (the identity branch of a RepVGG/DBB block).
     *
     * @param channels the channel count
     * @param kernelSize the (odd) kernel size
     * @return the kernel
     */
    public static ConvKernel identity(int channels, int kernelSize) {
        checkSizes(channels, channels, kernelSize, kernelSize);
        double[] w = new double[channels * channels * kernelSize * kernelSize];
        int centre = kernelSize / 2;
        for (int c = 0; c < channels; c++) {
            w[((c * channels + c) * kernelSize + centre) * kernelSize + centre] = 1;
        }
        return new ConvKernel(channels, channels, kernelSize, kernelSize, w, new double[channels]);
    }

    /**
     * The kernel of a {@code k x k} average pool with stride 1 as a dense convolution: each channel averages its own
     * input, weight {@code 1 / k^2} at every tap, bias 0 (the {@code dbb_avg} branch of a DiverseBranchBlock). Under
     * the pad-first convention of {@link #then} it reproduces {@code AvgPool2d(k, stride 1, padding 0)} applied to an
     * input that an earlier layer padded.
     *
     * @param channels the channel count
     * @param kernelSize the (odd) pool size
     * @return the kernel
     */
    public static ConvKernel averagePool(int channels, int kernelSize) {
        checkSizes(channels, channels, kernelSize, kernelSize);
        int taps = kernelSize * kernelSize;
        double[] w = new double[channels * channels * taps];
        for (int c = 0; c < channels; c++) {
            java.util.Arrays.fill(w, (c * channels + c) * taps, (c * channels + c + 1) * taps, 1.0 / taps);
        }
        return new ConvKernel(channels, channels, kernelSize, kernelSize, w, new double[channels]);
    }

    /**
     * A depthwise convolution ({@code groups = channels}, weight {@code [C, 1, k, k]}) as the equivalent dense kernel
     * {@code [C, C, k, k]}, zero off the diagonal (the Sobel branches of LIPT's DiverseBranchBlock).
     *
     * @param channels the channel count C
     * @param kernelSize the (odd) kernel size k
     * @param weight {@code C * k * k} values, channel-major
     * @param bias {@code C} values, or {@code null} for none
     * @return the kernel
     * @throws IllegalArgumentException if an array has the wrong length
     */
    public static ConvKernel depthwise(int channels, int kernelSize, float[] weight, float[] bias) {
        checkSizes(channels, channels, kernelSize, kernelSize);
        int taps = kernelSize * kernelSize;
        if (weight.length != channels * taps) {
            throw new IllegalArgumentException("a depthwise [" + channels + ", 1, " + kernelSize + ", " + kernelSize
                    + "] kernel needs " + channels * taps + " weight values, got " + weight.length);
        }
        if (bias != null && bias.length != channels) {
            throw new IllegalArgumentException("a depthwise kernel with " + channels + " channels needs as many bias "
                    + "values, got " + bias.length);
        }
        double[] w = new double[channels * channels * taps];
        double[] b = new double[channels];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < taps; t++) {
                w[(c * channels + c) * taps + t] = weight[c * taps + t];
            }
            b[c] = bias == null ? 0 : bias[c];
        }
        return new ConvKernel(channels, channels, kernelSize, kernelSize, w, b);
    }

    /**
     * This kernel zero-padded to a larger odd size, centred (a 1x1 branch as a 3x3 kernel). Under the "same" padding
     * convention the result computes the same function.
     *
     * @param kernelSize the new height and width, at least the current ones, with the same parity
     * @return the padded kernel (this one if the size is unchanged)
     * @throws IllegalArgumentException if the size is smaller or of another parity
     */
    public ConvKernel padTo(int kernelSize) {
        if (kernelSize < kernelHeight || kernelSize < kernelWidth || (kernelSize - kernelHeight) % 2 != 0
                || (kernelSize - kernelWidth) % 2 != 0) {
            throw new IllegalArgumentException("cannot pad a " + kernelHeight + "x" + kernelWidth + " kernel to "
                    + kernelSize + "x" + kernelSize + " (the size must not shrink and must keep its parity)");
        }
        if (kernelSize == kernelHeight && kernelSize == kernelWidth) {
            return this;
        }
        int dy = (kernelSize - kernelHeight) / 2;
        int dx = (kernelSize - kernelWidth) / 2;
        double[] w = new double[outChannels * inChannels * kernelSize * kernelSize];
        for (int oi = 0; oi < outChannels * inChannels; oi++) {
            for (int y = 0; y < kernelHeight; y++) {
                System.arraycopy(weight, (oi * kernelHeight + y) * kernelWidth, w,
                        (oi * kernelSize + y + dy) * kernelSize + dx, kernelWidth);
            }
        }
        return new ConvKernel(outChannels, inChannels, kernelSize, kernelSize, w, bias.clone());
    }

    /**
     * The sum of two parallel branches on the same input: {@code conv_a(x) + conv_b(x)} as one convolution. A smaller
     * kernel is padded to the larger size first ({@link #padTo}).
     *
     * @param other the other branch, with the same channel counts
     * @return the merged kernel
     * @throws IllegalArgumentException if the channel counts differ or the sizes cannot be aligned
     */
    public ConvKernel plus(ConvKernel other) {
        if (other.outChannels != outChannels || other.inChannels != inChannels) {
            throw new IllegalArgumentException("parallel branches must have the same channels: [" + outChannels + ", "
                    + inChannels + "] vs [" + other.outChannels + ", " + other.inChannels + "]");
        }
        int k = Math.max(Math.max(kernelHeight, kernelWidth), Math.max(other.kernelHeight, other.kernelWidth));
        ConvKernel a = padTo(k);
        ConvKernel b = other.padTo(k);
        double[] w = new double[a.weight.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = a.weight[i] + b.weight[i];
        }
        double[] bs = new double[outChannels];
        for (int i = 0; i < bs.length; i++) {
            bs[i] = a.bias[i] + b.bias[i];
        }
        return new ConvKernel(outChannels, inChannels, k, k, w, bs);
    }

    /**
     * The sum of parallel branches ({@link #plus} over the list).
     *
     * @param branches at least one kernel
     * @return the merged kernel
     * @throws IllegalArgumentException if the list is empty or the branches do not fit together
     */
    public static ConvKernel sum(List<ConvKernel> branches) {
        if (branches.isEmpty()) {
            throw new IllegalArgumentException("no branches to sum");
        }
        ConvKernel s = branches.get(0);
        for (int i = 1; i < branches.size(); i++) {
            s = s.plus(branches.get(i));
        }
        return s;
    }

    /**
     * This convolution followed by a BatchNorm in evaluation mode, as one convolution:
     * {@code W' = W gamma / s}, {@code b' = beta + (b - mean) gamma / s}, {@code s = sqrt(var + eps)}.
     *
     * @param bn the BatchNorm's statistics, one per output channel
     * @return the folded kernel
     * @throws IllegalArgumentException if the channel counts differ
     */
    public ConvKernel foldBatchNorm(BatchNormStatistics bn) {
        if (bn.channels() != outChannels) {
            throw new IllegalArgumentException("the BatchNorm has " + bn.channels() + " channels but the convolution "
                    + "before it has " + outChannels + " outputs");
        }
        int per = inChannels * kernelHeight * kernelWidth;
        double[] w = new double[weight.length];
        double[] b = new double[outChannels];
        for (int o = 0; o < outChannels; o++) {
            double scale = bn.scale(o);
            for (int j = 0; j < per; j++) {
                w[o * per + j] = weight[o * per + j] * scale;
            }
            b[o] = bias[o] * scale + bn.shift(o);
        }
        return new ConvKernel(outChannels, inChannels, kernelHeight, kernelWidth, w, b);
    }

    /**
     * Sequential composition {@code next(this(x))} as one convolution, where one of the two is 1x1: a 1x1 followed by
     * a kxk kernel, or a kxk followed by a 1x1. All the zero padding of the chain is applied before this (the first)
     * convolution (see the class comment), so for a 1x1 followed by a kxk the padded pixels reach the kxk convolution
     * as this kernel's bias: {@code W[o,i,t] = sum_m next[o,m,t] this[m,i]},
     * {@code b[o] = next.b[o] + sum_{m,t} next[o,m,t] this.b[m]}. For a kxk followed by a 1x1:
     * {@code W[o,i,t] = sum_m next[o,m] this[m,i,t]}, {@code b[o] = next.b[o] + sum_m next[o,m] this.b[m]}.
     * A chain 1x1 -> kxk -> 1x1 (SPAN's {@code Conv3XC}) is {@code a.then(b).then(c)}.
     *
     * @param next the convolution applied to this one's output; its input channels must equal this one's outputs
     * @return the composed kernel
     * @throws IllegalArgumentException if the channels do not chain or neither kernel is 1x1
     */
    public ConvKernel then(ConvKernel next) {
        if (next.inChannels != outChannels) {
            throw new IllegalArgumentException("cannot chain a convolution with " + outChannels + " outputs into one "
                    + "with " + next.inChannels + " inputs");
        }
        int mid = outChannels;
        int out = next.outChannels;
        int in = inChannels;
        if (isPointwise()) {
            int taps = next.kernelHeight * next.kernelWidth;
            double[] w = new double[out * in * taps];
            double[] b = new double[out];
            for (int o = 0; o < out; o++) {
                double bo = next.bias[o];
                for (int m = 0; m < mid; m++) {
                    int nBase = (o * mid + m) * taps;
                    double tapSum = 0;
                    for (int t = 0; t < taps; t++) {
                        double v = next.weight[nBase + t];
                        tapSum += v;
                        if (v == 0) {
                            continue;
                        }
                        for (int i = 0; i < in; i++) {
                            w[(o * in + i) * taps + t] += v * weight[m * in + i];
                        }
                    }
                    bo += tapSum * bias[m];
                }
                b[o] = bo;
            }
            return new ConvKernel(out, in, next.kernelHeight, next.kernelWidth, w, b);
        }
        if (next.isPointwise()) {
            int taps = kernelHeight * kernelWidth;
            double[] w = new double[out * in * taps];
            double[] b = new double[out];
            for (int o = 0; o < out; o++) {
                double bo = next.bias[o];
                for (int m = 0; m < mid; m++) {
                    double v = next.weight[o * mid + m];
                    bo += v * bias[m];
                    if (v == 0) {
                        continue;
                    }
                    int src = m * in * taps;
                    int dst = o * in * taps;
                    for (int j = 0; j < in * taps; j++) {
                        w[dst + j] += v * weight[src + j];
                    }
                }
                b[o] = bo;
            }
            return new ConvKernel(out, in, kernelHeight, kernelWidth, w, b);
        }
        throw new IllegalArgumentException("only a chain with a 1x1 convolution composes into one kernel of the same "
                + "size; got " + kernelHeight + "x" + kernelWidth + " then " + next.kernelHeight + "x"
                + next.kernelWidth);
    }

    /** Whether the kernel is 1x1. */
    public boolean isPointwise() {
        return kernelHeight == 1 && kernelWidth == 1;
    }

    /** Output channels. */
    public int outChannels() {
        return outChannels;
    }

    /** Input channels. */
    public int inChannels() {
        return inChannels;
    }

    /** Kernel height. */
    public int kernelHeight() {
        return kernelHeight;
    }

    /** Kernel width. */
    public int kernelWidth() {
        return kernelWidth;
    }

    /** The weight shape {@code [out, in, kh, kw]}. */
    public long[] weightShape() {
        return new long[] {outChannels, inChannels, kernelHeight, kernelWidth};
    }

    /** The weight values rounded to float32, OIHW order. */
    public float[] weightValues() {
        float[] w = new float[weight.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) weight[i];
        }
        return w;
    }

    /** The bias values rounded to float32. */
    public float[] biasValues() {
        float[] b = new float[bias.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) bias[i];
        }
        return b;
    }

    /** The weight as a float32 state-dict tensor {@code [out, in, kh, kw]}. */
    public Tensor weightTensor() {
        return Tensor.ofFloats(weightShape(), weightValues());
    }

    /** The bias as a float32 state-dict tensor {@code [out]}. */
    public Tensor biasTensor() {
        return Tensor.ofFloats(new long[] {outChannels}, biasValues());
    }

    /**
     * The largest absolute difference of weights and biases from another kernel of the same shape (e.g. a stored
     * merged kernel against the merge of its branches).
     *
     * @param other the other kernel
     * @return the largest difference
     * @throws IllegalArgumentException if the shapes differ
     */
    public double maxAbsDifference(ConvKernel other) {
        if (!Arrays.equals(weightShape(), other.weightShape())) {
            throw new IllegalArgumentException("kernels of different shapes " + Arrays.toString(weightShape())
                    + " and " + Arrays.toString(other.weightShape()));
        }
        double d = 0;
        for (int i = 0; i < weight.length; i++) {
            d = Math.max(d, Math.abs(weight[i] - other.weight[i]));
        }
        for (int i = 0; i < bias.length; i++) {
            d = Math.max(d, Math.abs(bias[i] - other.bias[i]));
        }
        return d;
    }

    /** The largest absolute weight or bias value. */
    public double maxAbs() {
        double d = 0;
        for (double v : weight) {
            d = Math.max(d, Math.abs(v));
        }
        for (double v : bias) {
            d = Math.max(d, Math.abs(v));
        }
        return d;
    }

    @Override
    public String toString() {
        return "ConvKernel[" + outChannels + ", " + inChannels + ", " + kernelHeight + ", " + kernelWidth + "]";
    }

    private static void checkSizes(int out, int in, int kh, int kw) {
        if (out <= 0 || in <= 0 || kh <= 0 || kw <= 0 || kh % 2 == 0 || kw % 2 == 0) {
            throw new IllegalArgumentException("invalid kernel [" + out + ", " + in + ", " + kh + ", " + kw
                    + "]: channels must be positive and the kernel size odd");
        }
    }
}
