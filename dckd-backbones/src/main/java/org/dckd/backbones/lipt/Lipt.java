package org.dckd.backbones.lipt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.BlockChainNetwork;
import org.dckd.backbones.SrBackbone;
import org.dckd.nn.MirrorPad;
import org.dckd.nn.PixelShuffle;
import org.dckd.nn.TorchConv2d;
import org.dckd.nn.TorchModule;

/**
 * LIPT, the latency-aware image-processing transformer (Lucien66/LIPT {@code models/lipt_network.py}), in its training
 * form (DiverseBranchBlocks, convolution + BatchNorm projections) or its deploy form (plain convolutions):
 * <pre>
 * x = reflect_pad_bottom_right(x, to a multiple of lcm(window_sizes))      nothing if already a multiple
 * x = sub_mean(x);  h = head.0(x)                                          conv3x3 3 -> C
 * r = body(h) + h                                                          body.i = {@link LiptBlock}, shifted if i odd
 * y = add_mean(PixelShuffle(s)(tail.0(r)))[:, :, :H s, :W s]               tail.0 conv3x3 C -> 3 s^2
 * </pre>
 * The input is RGB in {@code [0, rgb_range]} (255 in the official configs) and so is the output; it is not clamped.
 * {@code sub_mean}/{@code add_mean} are fixed 1x1 convolutions in the state dict. Keys are the official ones, so the
 * training checkpoints of {@code train.py} and {@code deploy=True} state
 * dicts load strictly; {@code convert.py} output is turned into the deploy layout by
 * {@link LiptCheckpoints#deployFromConverted}.
 *
 * <p>Feature taps ({@link #forwardWithFeatures}): {@code head}, {@code block_1..block_K} (block outputs),
 * {@code body} ({@code r}, the tail input). {@link #intermediates} gives the per-module activations under the
 * official module names.
 */
public final class Lipt extends SrBackbone {

    private static final byte VERSION = 1;

    private final LiptConfig config;
    private final MeanShift subMean;
    private final MeanShift addMean;
    private final TorchConv2d head;
    private final List<LiptBlock> blocks;
    private final TorchConv2d tail;
    private List<String> tapNames;

    /**
     * Creates an uninitialised network.
     *
     * @param config the configuration
     */
    public Lipt(LiptConfig config) {
        super(VERSION);
        this.config = config;
        int c = config.channels();
        subMean = addChildBlock("sub_mean", new MeanShift(config.rgbRange(), -1));
        addMean = addChildBlock("add_mean", new MeanShift(config.rgbRange(), 1));
        head = addChildBlock("head.0", TorchConv2d.same(3, c, 3));
        List<LiptBlock> list = new ArrayList<>();
        for (int i = 0; i < config.blocks(); i++) {
            list.add(addChildBlock("body." + i, new LiptBlock(config, i % 2 == 1)));
        }
        blocks = Collections.unmodifiableList(list);
        tail = addChildBlock("tail.0", TorchConv2d.same(c, 3 * config.scale() * config.scale(), 3));
    }

    /** The input range, {@code rgb_range} (255 for the official configs). */
    @Override
    public float inputRange() {
        return config.rgbRange();
    }

    @Override
    public LiptConfig config() {
        return config;
    }

    /** Whether this is the deploy form. */
    public boolean isDeploy() {
        return config.deploy();
    }

    /** The reflect padding needs each padded side to be longer than its pad: the padding multiple (8). */
    @Override
    public int minInputSize() {
        return config.paddingMultiple();
    }

    /**
     * The number of parameter values as PyTorch counts them ({@code sum(p.numel() for p in model.parameters())}):
     * every parameter including the fixed Sobel masks and MeanShift convolutions, without the BatchNorm running
     * statistics (buffers in PyTorch, parameters without gradient here). LIPT-Tiny x4: 701,064 training form,
     * 273,096 deploy form.
     *
     * @return the count
     */
    @Override
    public long parameterCount() {
        long running = 0;
        for (LiptBlock b : blocks) {
            running += b.runningStatisticsCount();
        }
        return TorchModule.parameterCount(this) - running;
    }

    @Override
    public List<String> tapNames() {
        if (tapNames == null) {
            tapNames = BlockChainNetwork.chainTapNames(blocks.size());
        }
        return tapNames;
    }

    /**
     * The activations of the official modules on one input, by the names of the golden file
     * ({@code sub_mean}, {@code head}, {@code body.0.modules_hrm_a.lcs_a_0.conv0}, {@code body.0.modules_hrm_a.lcs_a_0},
     * {@code body.0.modules_nvsm_sa.smmsa_0.project_inp}, {@code ...smmsa_0.mask_sparse}, {@code ...smmsa_0.y},
     * {@code ...smmsa_0.atn0}, {@code ...smmsa_0.atn1}, {@code ...smmsa_1.y}, {@code body.i}, {@code body},
     * {@code tail} (after the pixel shuffle, before {@code add_mean}) and {@code output}), evaluation mode.
     *
     * @param ps the parameter store
     * @param x the input in {@code [0, rgb_range]}
     * @return the activations, in {@code x}'s manager
     */
    public Map<String, NDArray> intermediates(ParameterStore ps, NDArray x) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("output", forward(ps, x, false, null, out));
        return out;
    }

    @Override
    protected NDArray run(ParameterStore ps, NDArray x, boolean training, Map<String, NDArray> taps) {
        return forward(ps, x, training, taps, null);
    }

    private NDArray forward(ParameterStore ps, NDArray x, boolean training, Map<String, NDArray> taps,
            Map<String, NDArray> modules) {
        requireRgbBatch("LIPT", x);
        Shape s = x.getShape();
        long h = s.get(2);
        long w = s.get(3);
        int m = config.paddingMultiple();
        long padH = (m - h % m) % m;
        long padW = (m - w % m) % m;
        NDArray in = MirrorPad.reflect(MirrorPad.reflect(x, 3, 0, padW), 2, 0, padH);
        NDArray shifted = subMean.apply(ps, in, training);
        NDArray fea = head.apply(ps, shifted, training);
        if (modules != null) {
            modules.put("sub_mean", shifted);
            modules.put("head", fea);
        }
        if (taps != null) {
            taps.put("head", fea);
        }
        NDArray r = fea;
        for (int i = 0; i < blocks.size(); i++) {
            r = blocks.get(i).apply(ps, r, training, modules, "body." + i + ".");
            if (modules != null) {
                modules.put("body." + i, r);
            }
            if (taps != null) {
                taps.put("block_" + (i + 1), r);
            }
        }
        if (modules != null) {
            modules.put("body", r);
        }
        r = r.add(fea);
        if (taps != null) {
            taps.put("body", r);
        }
        NDArray t = PixelShuffle.apply(tail.apply(ps, r, training), scale());
        if (modules != null) {
            modules.put("tail", t);
        }
        NDArray y = addMean.apply(ps, t, training);
        if (padH == 0 && padW == 0) {
            return y;
        }
        return y.get(new NDIndex(":, :, :{}, :{}", h * scale(), w * scale()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        int m = config.paddingMultiple();
        Shape padded = new Shape(in.get(0), 3, Math.max(m, in.get(2)), Math.max(m, in.get(3)));
        subMean.initialize(manager, dataType, padded);
        addMean.initialize(manager, dataType, padded);
        head.initialize(manager, dataType, padded);
        Shape feat = new Shape(in.get(0), config.channels(), padded.get(2), padded.get(3));
        for (LiptBlock b : blocks) {
            b.initialize(manager, dataType, feat);
        }
        tail.initialize(manager, dataType, feat);
    }
}
