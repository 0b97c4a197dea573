package org.dckd.backbones.swinir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;

import org.dckd.backbones.PixelShuffleUpsample;
import org.dckd.backbones.SrBackbone;
import org.dckd.nn.CountedConv2d;
import org.dckd.nn.CountedLinear;
import org.dckd.nn.MirrorPad;
import org.dckd.nn.ModuleActivation;
import org.dckd.nn.OwnedArrays;
import org.dckd.nn.TorchModule;

/**
 * SwinIR (Liang et al., ICCVW 2021) as a DJL block, reproducing the official {@code SwinIR} class of
 * {@code models/network_swinir.py} (JingyunLiang/SwinIR) for every {@link SwinIrConfig}.
 *
 * <p>Forward pass for an NCHW input in {@code [0, 1]}:
 * <pre>
 * x   = pad(x)                                   # per SwinIrConfig.padding, to a multiple of window_size
 * x   = (x - rgb_mean) * img_range               # rgb_mean (0.4488, 0.4371, 0.4040) for 3 channels, else 0
 * f   = conv_first(x)
 * t   = patch_embed(f)                           # tokens + LayerNorm (patch_norm)
 * t   = layers.i(t) for each RSTB ; t = norm(t)
 * r   = conv_after_body(unembed(t)) + f
 * y   = upsampler(r)                             # pixelshuffle / pixelshuffledirect / nearest+conv / none
 * out = (y / img_range + rgb_mean)[:, :, :H*s, :W*s]
 * </pre>
 * The attention masks of shifted windows are computed for the actual (padded) size, once per forward pass; the
 * relative position bias of each block is gathered once per forward pass; all windows of a block are attended to by
 * one batched matrix product. The output is not clamped.
 *
 * <p>Parameter names are the official state-dict keys ({@code conv_first.weight}, {@code patch_embed.norm.weight},
 * {@code layers.0.residual_group.blocks.1.attn.relative_position_bias_table}, ...; see {@link TorchModule}). The
 * buffers {@code relative_position_index} (verified on load) and {@code attn_mask} (only valid for {@code img_size}
 * inputs; never loaded) are declared by the attention and Swin blocks.
 *
 * <p>Fresh parameters follow the official initialisation where it is explicit (Linear weights and the position tables
 * truncated normal with std 0.02, Linear biases 0, LayerNorm 1 and 0); convolutions use DJL's default initialiser, not
 * PyTorch's default. Training mode applies stochastic depth ({@code drop_path_rate}).
 */
public final class SwinIr extends SrBackbone {

    private static final byte VERSION = 1;

    /** The DIV2K RGB mean the official model subtracts from 3-channel input. */
    private static final float[] RGB_MEAN = {0.4488f, 0.4371f, 0.4040f};
    /** Feature channels of the classical and real-world reconstruction modules (official {@code num_feat}). */
    private static final int NUM_FEAT = 64;
    /** LeakyReLU slope of {@code conv_before_upsample} (PyTorch's default). */
    private static final float BEFORE_UPSAMPLE_SLOPE = 0.01f;
    /** LeakyReLU slope of the {@code nearest+conv} reconstruction. */
    private static final float NEAREST_CONV_SLOPE = 0.2f;

    private final SwinIrConfig config;
    private final Parameter absolutePosEmbed;
    private final Conv2d convFirst;
    private final PatchEmbed patchEmbed;
    private final List<Rstb> layers = new ArrayList<>();
    private final LayerNorm norm;
    private final Block convAfterBody;
    private Conv2d convBeforeUpsample;
    private Block upsample;
    private Conv2d convUp1;
    private Conv2d convUp2;
    private Conv2d convHr;
    private Conv2d convLast;

    /**
     * Adds the attention of the widest stage to {@link SrBackbone#inferenceBytesPerPixel}: each head holds a
     * {@code window^2 x window^2} matrix per window, {@code window^2} floats per pixel, three times (scores, bias and
     * mask, softmax).
     */
    @Override
    public long inferenceBytesPerPixel() {
        long heads = config.numHeads().stream().mapToLong(Integer::longValue).max().orElse(1);
        long window = config.windowSize();
        return super.inferenceBytesPerPixel() + Float.BYTES * 3 * heads * window * window;
    }

    /**
     * Builds an uninitialised network.
     *
     * @param config the configuration
     */
    public SwinIr(SwinIrConfig config) {
        super(VERSION);
        this.config = config;
        int c = config.embedDim();
        if (config.ape()) {
            absolutePosEmbed = addParameter(Parameter.builder()
                    .setName("absolute_pos_embed")
                    .setType(Parameter.Type.OTHER)
                    .optShape(new Shape(1, (long) config.imgSize() * config.imgSize(), c))
                    .optInitializer(new TruncatedNormalInitializer(0.02f))
                    .build());
        } else {
            absolutePosEmbed = null;
        }
        convFirst = addChildBlock("conv_first", conv(c, 3));
        patchEmbed = addChildBlock("patch_embed", new PatchEmbed(config.patchNorm()));
        float[] dropPaths = dropPathRates(config);
        int offset = 0;
        for (int i = 0; i < config.numLayers(); i++) {
            int depth = config.depths().get(i);
            float[] mine = new float[depth];
            System.arraycopy(dropPaths, offset, mine, 0, depth);
            offset += depth;
            layers.add(addChildBlock("layers." + i, new Rstb(config, i, mine)));
        }
        norm = addChildBlock("norm", layerNorm());
        convAfterBody = addChildBlock("conv_after_body", residualConv(config));
        int out = config.inChans();
        switch (config.upsampler()) {
            case PIXEL_SHUFFLE -> {
                convBeforeUpsample = addChildBlock("conv_before_upsample.0", conv(NUM_FEAT, 3));
                upsample = addChildBlock("upsample",
                        new PixelShuffleUpsample(config.scale(), NUM_FEAT, width -> conv(width, 3)));
                convLast = addChildBlock("conv_last", conv(out, 3));
            }
            case PIXEL_SHUFFLE_DIRECT -> upsample = addChildBlock("upsample", new UpsampleOneStep(config.scale(), out));
            case NEAREST_CONV -> {
                convBeforeUpsample = addChildBlock("conv_before_upsample.0", conv(NUM_FEAT, 3));
                convUp1 = addChildBlock("conv_up1", conv(NUM_FEAT, 3));
                if (config.scale() == 4) {
                    convUp2 = addChildBlock("conv_up2", conv(NUM_FEAT, 3));
                }
                convHr = addChildBlock("conv_hr", conv(NUM_FEAT, 3));
                convLast = addChildBlock("conv_last", conv(out, 3));
            }
            case NONE -> convLast = addChildBlock("conv_last", conv(out, 3));
            default -> throw new IllegalStateException(config.upsampler().toString());
        }
    }

    /** The official stochastic-depth rule: {@code linspace(0, drop_path_rate, sum(depths))}, in float32. */
    private static float[] dropPathRates(SwinIrConfig config) {
        int total = config.depths().stream().mapToInt(Integer::intValue).sum();
        float[] out = new float[total];
        float rate = (float) config.dropPathRate();
        for (int i = 0; i < total; i++) {
            out[i] = total == 1 ? 0f : rate * i / (total - 1);
        }
        return out;
    }

    /** SwinIR takes and returns images in {@code [0, 1]} (also with {@code img_range} 255). */
    @Override
    public float inputRange() {
        return 1f;
    }

    @Override
    public SwinIrConfig config() {
        return config;
    }

    /** See {@link SwinIrConfig#minInputSize()}. */
    @Override
    public int minInputSize() {
        return config.minInputSize();
    }

    /** Initialises all parameters for float32 input with {@code in_chans} channels. */
    @Override
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, config.inChans(), 64, 64));
    }

    /**
     * The number of parameter elements, optionally without the relative position bias tables (the convention of the
     * parameter counts usually quoted for SwinIR, e.g. 897K for SwinIR-S x4, whose full count is 929,628).
     *
     * @param includeRelativePositionBiasTables whether to count the {@code relative_position_bias_table}s
     * @return the count (the network must be initialised)
     */
    public long parameterCount(boolean includeRelativePositionBiasTables) {
        long n = 0;
        for (Map.Entry<String, Parameter> e : TorchModule.parameters(this).entrySet()) {
            if (includeRelativePositionBiasTables || !e.getKey().endsWith(".relative_position_bias_table")) {
                n += e.getValue().getArray().getShape().size();
            }
        }
        return n;
    }

    /**
     * The names of the intermediate outputs ("taps") {@link #forwardWithFeatures} returns, each the output of the
     * official PyTorch module of that name (what a forward hook would see), in execution order:
     * <ul>
     *   <li>{@code conv_first} {@code (B, C, H, W)}: {@code conv_first((x - mean) * img_range)};</li>
     *   <li>{@code patch_embed} {@code (B, H*W, C)}: tokens after the patch LayerNorm;</li>
     *   <li>{@code layers.i.residual_group.blocks.j} and {@code layers.i} {@code (B, H*W, C)}: each Swin block and
     *       each RSTB;</li>
     *   <li>{@code norm} {@code (B, H*W, C)}; {@code conv_after_body} {@code (B, C, H, W)} (before the long skip);</li>
     *   <li>reconstruction: {@code pixelshuffle}: {@code conv_before_upsample} (after its LeakyReLU),
     *       {@code upsample}, {@code conv_last}; {@code pixelshuffledirect}: {@code upsample};
     *       {@code nearest+conv}: {@code conv_before_upsample}, {@code conv_up1}, {@code conv_up2} (x4),
     *       {@code conv_hr} (conv outputs, before their LeakyReLU), {@code conv_last}; none: {@code conv_last}
     *       (before the input skip). These are in the internal range, before {@code / img_range + mean}.</li>
     * </ul>
     * H and W are the padded size; taps are not cropped. The taps belong to the manager of the input.
     *
     * @return the tap names (they depend on depths and upsampler)
     */
    @Override
    public List<String> tapNames() {
        List<String> names = new ArrayList<>(List.of("conv_first", "patch_embed"));
        List<Integer> depths = config.depths();
        for (int i = 0; i < depths.size(); i++) {
            for (int j = 0; j < depths.get(i); j++) {
                names.add("layers." + i + ".residual_group.blocks." + j);
            }
            names.add("layers." + i);
        }
        names.add("norm");
        names.add("conv_after_body");
        switch (config.upsampler()) {
            case PIXEL_SHUFFLE -> names.addAll(List.of("conv_before_upsample", "upsample", "conv_last"));
            case PIXEL_SHUFFLE_DIRECT -> names.add("upsample");
            case NEAREST_CONV -> {
                names.addAll(List.of("conv_before_upsample", "conv_up1"));
                if (convUp2 != null) {
                    names.add("conv_up2");
                }
                names.addAll(List.of("conv_hr", "conv_last"));
            }
            case NONE -> names.add("conv_last");
        }
        return Collections.unmodifiableList(names);
    }

    @Override
    protected NDArray run(ParameterStore ps, NDArray input, boolean training, Map<String, NDArray> taps) {
        Shape shape = input.getShape();
        if (shape.dimension() != 4 || shape.get(1) != config.inChans()) {
            throw new IllegalArgumentException(
                    "SwinIR expects (B, " + config.inChans() + ", H, W) input, got " + shape);
        }
        int h = Math.toIntExact(shape.get(2));
        int w = Math.toIntExact(shape.get(3));
        NDManager manager = input.getManager();
        NDArray x = pad(input, h, w);
        long hp = x.getShape().get(2);
        long wp = x.getShape().get(3);

        NDArray mean = config.inChans() == 3 ? OwnedArrays.create(manager, RGB_MEAN, new Shape(1, 3, 1, 1)) : null;
        if (mean != null) {
            x = x.sub(mean);
        }
        if (config.imgRange() != 1.0) {
            x = OwnedArrays.mul(x, config.imgRange());
        }

        NDArray first = convFirst.forward(ps, new NDList(x), training).singletonOrThrow();
        tap(taps, "conv_first", first);

        NDArray t = patchEmbed.forward(ps, first, training);
        tap(taps, "patch_embed", PatchEmbed.tokens(t));
        if (absolutePosEmbed != null) {
            long patches = (long) config.imgSize() * config.imgSize();
            if (hp * wp != patches) {
                throw new IllegalArgumentException("SwinIR with ape=true only accepts inputs padded to img_size "
                        + config.imgSize() + "x" + config.imgSize() + ", got " + hp + "x" + wp);
            }
            NDArray pos = ps.getValue(absolutePosEmbed, input.getDevice(), training);
            // token-first so that every result stays in the input's manager
            long b = t.getShape().get(0);
            t = t.reshape(b, hp * wp, config.embedDim()).add(pos).reshape(b, hp, wp, config.embedDim());
        }
        int window = config.blockWindowSize();
        if (hp % window != 0 || wp % window != 0) {
            throw new IllegalArgumentException(
                    "padded input " + hp + "x" + wp + " is not a multiple of the Swin window " + window);
        }
        NDArray mask = config.shiftSize() > 0 && layers.stream().anyMatch(l -> l.blocks().size() > 1)
                ? ShiftedWindowMask.create(manager, (int) hp, (int) wp, window, config.shiftSize())
                : null;
        for (int i = 0; i < layers.size(); i++) {
            String name = "layers." + i;
            t = layers.get(i).forward(ps, t, mask, training, taps, name + ".");
            tap(taps, name, PatchEmbed.tokens(t));
        }
        t = norm.forward(ps, new NDList(t), training).singletonOrThrow();
        tap(taps, "norm", PatchEmbed.tokens(t));

        NDArray res = convAfterBody.forward(ps, new NDList(PatchEmbed.unembed(t)), training).singletonOrThrow();
        tap(taps, "conv_after_body", res);
        res = res.add(first);

        NDArray y = reconstruct(ps, x, res, training, taps);
        if (config.imgRange() != 1.0) {
            y = OwnedArrays.div(y, config.imgRange());
        }
        if (mean != null) {
            y = y.add(mean);
        }
        long oh = (long) h * config.scale();
        long ow = (long) w * config.scale();
        if (y.getShape().get(2) != oh || y.getShape().get(3) != ow) {
            y = y.get(new NDIndex().addAllDim(2).addSliceDim(0, oh).addSliceDim(0, ow));
        }
        return y;
    }

    private NDArray reconstruct(ParameterStore ps, NDArray x, NDArray res, boolean training,
            Map<String, NDArray> taps) {
        switch (config.upsampler()) {
            case PIXEL_SHUFFLE -> {
                NDArray y = ModuleActivation.leakyRelu(apply(ps, convBeforeUpsample, res, training),
                        BEFORE_UPSAMPLE_SLOPE);
                tap(taps, "conv_before_upsample", y);
                y = apply(ps, upsample, y, training);
                tap(taps, "upsample", y);
                y = apply(ps, convLast, y, training);
                tap(taps, "conv_last", y);
                return y;
            }
            case PIXEL_SHUFFLE_DIRECT -> {
                NDArray y = apply(ps, upsample, res, training);
                tap(taps, "upsample", y);
                return y;
            }
            case NEAREST_CONV -> {
                NDArray y = ModuleActivation.leakyRelu(apply(ps, convBeforeUpsample, res, training),
                        BEFORE_UPSAMPLE_SLOPE);
                tap(taps, "conv_before_upsample", y);
                y = apply(ps, convUp1, nearestTimesTwo(y), training);
                tap(taps, "conv_up1", y);
                y = ModuleActivation.leakyRelu(y, NEAREST_CONV_SLOPE);
                if (convUp2 != null) {
                    y = apply(ps, convUp2, nearestTimesTwo(y), training);
                    tap(taps, "conv_up2", y);
                    y = ModuleActivation.leakyRelu(y, NEAREST_CONV_SLOPE);
                }
                y = apply(ps, convHr, y, training);
                tap(taps, "conv_hr", y);
                y = apply(ps, convLast, ModuleActivation.leakyRelu(y, NEAREST_CONV_SLOPE), training);
                tap(taps, "conv_last", y);
                return y;
            }
            case NONE -> {
                NDArray y = apply(ps, convLast, res, training);
                tap(taps, "conv_last", y);
                return x.add(y);
            }
            default -> throw new IllegalStateException(config.upsampler().toString());
        }
    }

    /** Pads bottom/right per the config's convention; returns the input itself when nothing is added. */
    private NDArray pad(NDArray x, int h, int w) {
        int window = config.windowSize();
        SwinIrConfig.Padding padding = config.padding();
        int padH = padding.padFor(h, window);
        int padW = padding.padFor(w, window);
        if (padding == SwinIrConfig.Padding.REFLECT) {
            if (padH >= h || padW >= w) {
                throw new IllegalArgumentException("SwinIR input " + h + "x" + w + " is too small for 'reflect' padding"
                        + " to a multiple of window_size " + window + " (a pad of " + Math.max(padH, padW)
                        + " needs a longer side; minimum side " + config.minInputSize()
                        + "); use padding 'mirror_test' for tiny inputs");
            }
            return MirrorPad.reflect(MirrorPad.reflect(x, 2, 0, padH), 3, 0, padW);
        }
        return MirrorPad.symmetric(MirrorPad.symmetric(x, 2, 0, padH), 3, 0, padW);
    }

    /** Nearest-neighbour x2 upsampling of an NCHW array ({@code F.interpolate(scale_factor=2, mode='nearest')}). */
    private static NDArray nearestTimesTwo(NDArray x) {
        long[] s = x.getShape().getShape();
        return x.reshape(s[0], s[1], s[2], 1, s[3], 1)
                .broadcast(s[0], s[1], s[2], 2, s[3], 2)
                .reshape(s[0], s[1], s[2] * 2, s[3] * 2);
    }

    private static NDArray apply(ParameterStore ps, Block block, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    private static void tap(Map<String, NDArray> taps, String name, NDArray value) {
        if (taps != null) {
            taps.put(name, value);
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        long b = in.get(0);
        long h = in.get(2);
        long w = in.get(3);
        int c = config.embedDim();
        int s = config.scale();
        Shape image = new Shape(b, c, h, w);
        Shape tokens = new Shape(b, h, w, c);
        convFirst.initialize(manager, dataType, new Shape(b, config.inChans(), h, w));
        patchEmbed.initialize(manager, dataType, image);
        for (Rstb layer : layers) {
            layer.initialize(manager, dataType, tokens);
        }
        norm.initialize(manager, dataType, tokens);
        convAfterBody.initialize(manager, dataType, image);
        switch (config.upsampler()) {
            case PIXEL_SHUFFLE -> {
                convBeforeUpsample.initialize(manager, dataType, image);
                upsample.initialize(manager, dataType, new Shape(b, NUM_FEAT, h, w));
                convLast.initialize(manager, dataType, new Shape(b, NUM_FEAT, h * s, w * s));
            }
            case PIXEL_SHUFFLE_DIRECT -> upsample.initialize(manager, dataType, image);
            case NEAREST_CONV -> {
                convBeforeUpsample.initialize(manager, dataType, image);
                convUp1.initialize(manager, dataType, new Shape(b, NUM_FEAT, h * 2, w * 2));
                if (convUp2 != null) {
                    convUp2.initialize(manager, dataType, new Shape(b, NUM_FEAT, h * 4, w * 4));
                }
                convHr.initialize(manager, dataType, new Shape(b, NUM_FEAT, h * s, w * s));
                convLast.initialize(manager, dataType, new Shape(b, NUM_FEAT, h * s, w * s));
            }
            case NONE -> convLast.initialize(manager, dataType, image);
            default -> throw new IllegalStateException(config.upsampler().toString());
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        int s = config.scale();
        return new Shape[] {new Shape(in.get(0), config.inChans(), in.get(2) * s, in.get(3) * s)};
    }

    @Override
    public String toString() {
        return "SwinIr(" + config + ")";
    }

    // ---- layer factories shared by the package ----

    /**
     * A "same"-padded, stride-1 conv with bias (PyTorch {@code nn.Conv2d(in, out, k, 1, (k-1)/2)}), DJL's
     * initialisation, counted by an open {@code ComplexityCounter}.
     */
    static Conv2d conv(int out, int kernel) {
        return CountedConv2d.of(Conv2d.builder()
                .setFilters(out)
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape((kernel - 1) / 2, (kernel - 1) / 2)));
    }

    /**
     * A Linear on the last axis with the official init (weights truncated normal, std 0.02; biases 0), counted by an
     * open {@code ComplexityCounter}.
     */
    static Linear linear(long units, boolean bias) {
        Linear linear = CountedLinear.of(Linear.builder().setUnits(units).optBias(bias));
        linear.setInitializer(new TruncatedNormalInitializer(0.02f), Parameter.Type.WEIGHT);
        return linear;
    }

    /** A LayerNorm over the channel axis of {@code (B, H, W, C)} tokens, eps 1e-5 (weights 1, biases 0). */
    static LayerNorm layerNorm() {
        return LayerNorm.builder().axis(3).optEpsilon(1e-5f).build();
    }

    /** The {@code resi_connection} block for {@code embed_dim} channels. */
    static Block residualConv(SwinIrConfig config) {
        return config.resiConnection() == SwinIrConfig.ResiConnection.ONE_CONV
                ? conv(config.embedDim(), 3)
                : new ThreeConv(config.embedDim());
    }
}
