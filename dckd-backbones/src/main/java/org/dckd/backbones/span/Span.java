package org.dckd.backbones.span;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.BlockChainNetwork;
import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.BufferOwner;
import org.dckd.nn.IntermediateScope;
import org.dckd.nn.PixelShuffle;
import org.dckd.nn.TorchConv2d;
import org.dckd.nn.TorchModule;

/**
 * SPAN, the swift parameter-free attention network (Wan et al., winner of the NTIRE 2024 efficient SR challenge),
 * identical to the official {@code span_arch.SPAN} (training form) and the team38 {@code SPAN30} (deploy form):
 * <pre>
 * x   = (x - mean) * 255                       mean = (0.4488, 0.4371, 0.4040); input RGB in [0, 1]
 * f   = conv_1(x)                              {@link Conv3xc} 3 -> C
 * b_k = block_k(b_{k-1}), b_0 = f              {@link Spab}, k = 1..K (K = 6)
 * y   = conv_cat(cat[f, conv_2(b_K), b_1, silu(block_K.c1_r(b_{K-1}))])   conv_cat 1x1 4C -> C, conv_2 Conv3xc C -> C
 * out = PixelShuffle(s)(upsampler.0(y))        3x3 C -> 3 s^2
 * </pre>
 * There is <b>no de-normalisation</b> at the end: the output is used directly on the [0, 1] scale (the official test
 * clamps it to [0, 1]); the network itself does not clamp. {@link #inputRange()} is 1.
 *
 * <p>Forms ({@link SpanConfig#deploy()}): the training form has the {@link Conv3xc} branches (and derives their
 * {@code eval_conv} tensors), the deploy form one 3x3 convolution per {@code Conv3xc}. Parameter keys equal the
 * official state dicts ({@code conv_1.eval_conv.weight}, {@code block_1.c1_r.sk.weight}, ..., {@code conv_cat.weight},
 * {@code upsampler.0.bias}), so the NTIRE 2024 checkpoint and BasicSR training checkpoints load strictly.
 *
 * <p>Feature taps ({@link #forwardWithFeatures}): {@code head} (= f), {@code block_1..block_K}, {@code body} (the
 * output of {@code conv_cat}, the upsampler input).
 */
public final class Span extends SrBackbone {

    /** The RGB mean subtracted from the input (a constant of the official code, not in the state dict). */
    static final float[] RGB_MEAN = {0.4488f, 0.4371f, 0.4040f};
    /** The factor applied after subtracting the mean ({@code img_range}). */
    static final float IMG_RANGE = 255f;

    private static final byte VERSION = 1;

    private final SpanConfig config;
    private final Conv3xc head;
    private final List<Spab> blocks;
    private final TorchConv2d concat;
    private final Conv3xc tailConv;
    private final TorchConv2d upsampler;
    private List<String> tapNames;

    /**
     * Creates an uninitialised network.
     *
     * @param config the configuration
     */
    public Span(SpanConfig config) {
        super(VERSION);
        this.config = config;
        int c = config.featureChannels();
        boolean deploy = config.deploy();
        head = addChildBlock("conv_1", Conv3xc.create(3, c, deploy));
        List<Spab> list = new ArrayList<>();
        for (int i = 1; i <= config.blocks(); i++) {
            list.add(addChildBlock("block_" + i, new Spab(c, deploy)));
        }
        blocks = Collections.unmodifiableList(list);
        concat = addChildBlock("conv_cat", TorchConv2d.same(4 * c, c, 1));
        tailConv = addChildBlock("conv_2", Conv3xc.create(c, c, deploy));
        upsampler = addChildBlock("upsampler.0", TorchConv2d.same(c, 3 * config.scale() * config.scale(), 3));
    }

    /** 1: the input is RGB in [0, 1] and the output is on the same scale. */
    @Override
    public float inputRange() {
        return 1f;
    }

    @Override
    public SpanConfig config() {
        return config;
    }

    /** Whether this is the deploy form (merged convolutions). */
    public boolean isDeploy() {
        return config.deploy();
    }

    /** The SPAB blocks, in order. */
    public List<Spab> blocks() {
        return blocks;
    }

    /** {@code conv_1}, the first {@link Conv3xc} (3 -> C). */
    public Conv3xc head() {
        return head;
    }

    /** {@code conv_2}, the {@link Conv3xc} applied to the last block's output. */
    public Conv3xc tailConvolution() {
        return tailConv;
    }

    /**
     * The number of parameter values as PyTorch counts them ({@code sum(p.numel() for p in model.parameters())},
     * what the NTIRE challenges report): in the deploy form the parameters; in the training form the parameters plus
     * the derived {@code eval_conv} tensors, which the official {@code Conv3XC} holds as parameters without gradient
     * (150,688 for the NTIRE 2024 deploy model; 769,428 for its training form). The trainable count is
     * {@code TorchModule.parameterCount(span)}.
     *
     * @return the count
     */
    @Override
    public long parameterCount() {
        long n = TorchModule.parameterCount(this);
        if (!isDeploy()) {
            n += BufferOwner.buffersOf(this).values().stream().mapToLong(t -> t.numel()).sum();
        }
        return n;
    }

    /**
     * An upper estimate of the inference memory per LR pixel: {@code 4 (k C + 6 s^2)} bytes, with {@code k = 48} in
     * the training form (each {@code Conv3XC} of the running block holds two 2C-wide branch outputs, its C-wide
     * results and the SiLU/attention temporaries, besides the kept head, first-block and concatenation features) and
     * {@code k = 24} in the deploy form.
     *
     * @return bytes per LR pixel
     */
    @Override
    public long inferenceBytesPerPixel() {
        long s = scale();
        long k = isDeploy() ? 24 : 48;
        return Float.BYTES * (k * config.featureChannels() + 6 * s * s);
    }

    @Override
    public List<String> tapNames() {
        if (tapNames == null) {
            tapNames = BlockChainNetwork.chainTapNames(blocks.size());
        }
        return tapNames;
    }

    @Override
    protected NDArray run(ParameterStore ps, NDArray x, boolean training, Map<String, NDArray> taps) {
        requireRgbBatch("SPAN", x);
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            x.tempAttach(scope);
            NDArray mean = scope.create(RGB_MEAN, new Shape(1, 3, 1, 1)).toType(x.getDataType(), false);
            NDArray fea = head.apply(ps, x.sub(mean).mul(IMG_RANGE), training);
            if (taps != null) {
                taps.put("head", fea);
            }
            NDArray first = null;
            NDArray h = fea;
            int last = blocks.size() - 1;
            for (int i = 0; i < last; i++) {
                Spab block = blocks.get(i);
                NDArray next = IntermediateScope.apply(h, in -> block.apply(ps, in, training));
                if (taps != null) {
                    taps.put("block_" + (i + 1), next);
                }
                if (i == 0) {
                    first = next;
                } else if (taps == null && h != first) {
                    h.close();
                }
                h = next;
            }
            Spab.Outputs lastOut = blocks.get(last).applyAll(ps, h, training);
            if (taps != null) {
                taps.put("block_" + (last + 1), lastOut.out());
            }
            if (first == null) {
                first = lastOut.out();
            }
            NDArray tail = tailConv.apply(ps, lastOut.out(), training);
            NDArray body = concat.apply(ps, NDArrays.concat(new NDList(fea, tail, first, lastOut.firstActivation()),
                    1), training);
            NDArray out = PixelShuffle.apply(upsampler.apply(ps, body, training), scale());
            out.attach(owner);
            if (taps != null) {
                taps.put("body", body);
                taps.values().forEach(t -> t.attach(owner));
            }
            return out;
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        head.initialize(manager, dataType, in);
        Shape feat = new Shape(in.get(0), config.featureChannels(), in.get(2), in.get(3));
        for (Spab b : blocks) {
            b.initialize(manager, dataType, feat);
        }
        concat.initialize(manager, dataType, new Shape(in.get(0), 4L * config.featureChannels(), in.get(2),
                in.get(3)));
        tailConv.initialize(manager, dataType, feat);
        upsampler.initialize(manager, dataType, feat);
    }
}
