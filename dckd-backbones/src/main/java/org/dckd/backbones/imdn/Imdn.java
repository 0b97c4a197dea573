package org.dckd.backbones.imdn;

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
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.SrBackbone;
import org.dckd.nn.IntermediateScope;
import org.dckd.nn.PixelShuffle;
import org.dckd.nn.TorchConv2d;

/**
 * The official IMDN (Hui et al., ACM MM 2019; class {@code IMDN} of {@code model/architecture.py}):
 * <pre>
 * fea = fea_conv(x)                               3x3 3 -> F
 * o_k = IMDBk(o_{k-1}), o_0 = fea                  {@link ImdModule}, k = 1..K
 * y = LR_conv(lrelu(c.0(concat(o_1..o_K)))) + fea  c.0: 1x1 K*F -> F, LR_conv: 3x3 F -> F
 * out = PixelShuffle(s)(upsampler.0(y))            3x3 F -> 3 s^2
 * </pre>
 * Input and output are in [0, {@link #inputRange()}] (1 for the official weights), not clamped. Parameter keys equal
 * the official state dict after removing its {@code module.} prefix ({@code fea_conv.weight},
 * {@code IMDB1.cca.conv_du.0.weight}, ..., {@code upsampler.0.bias}).
 *
 * <p>Feature taps: {@code head} (= fea), {@code block_1..block_K} (the IMDB outputs), {@code body} (y).
 */
public final class Imdn extends SrBackbone {

    private static final byte VERSION = 1;

    private final ImdnConfig config;
    private final TorchConv2d head;
    private final List<ImdModule> blocks;
    private final TorchConv2d fusion;
    private final TorchConv2d bodyConv;
    private final TorchConv2d upsampler;
    private final List<String> tapNames;

    /**
     * Creates an uninitialised network.
     *
     * @param config the configuration
     */
    public Imdn(ImdnConfig config) {
        super(VERSION);
        this.config = config;
        int f = config.features();
        head = addChildBlock("fea_conv", TorchConv2d.same(3, f, 3));
        List<ImdModule> list = new ArrayList<>();
        List<String> taps = new ArrayList<>();
        taps.add("head");
        for (int i = 1; i <= config.blocks(); i++) {
            list.add(addChildBlock("IMDB" + i, new ImdModule(f, config.distilled())));
            taps.add("block_" + i);
        }
        taps.add("body");
        blocks = Collections.unmodifiableList(list);
        tapNames = Collections.unmodifiableList(taps);
        fusion = addChildBlock("c.0", TorchConv2d.same(f * config.blocks(), f, 1));
        bodyConv = addChildBlock("LR_conv", TorchConv2d.same(f, f, 3));
        upsampler = addChildBlock("upsampler.0", TorchConv2d.same(f, 3 * config.scale() * config.scale(), 3));
    }

    @Override
    public float inputRange() {
        return config.inputRange();
    }

    @Override
    public ImdnConfig config() {
        return config;
    }

    /** The information multi-distillation blocks, in order. */
    public List<ImdModule> blocks() {
        return blocks;
    }

    @Override
    public List<String> tapNames() {
        return tapNames;
    }

    /** The forward pass; everything it creates is released when it returns except the output and the taps. */
    @Override
    protected NDArray run(ParameterStore ps, NDArray x, boolean training, Map<String, NDArray> taps) {
        ImdnBaseline.checkInput("IMDN", x);
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            x.tempAttach(scope);
            NDArray fea = head.apply(ps, x, training);
            if (taps != null) {
                taps.put("head", fea);
            }
            NDList outs = new NDList(blocks.size());
            NDArray h = fea;
            for (int i = 0; i < blocks.size(); i++) {
                ImdModule block = blocks.get(i);
                h = IntermediateScope.apply(h, in -> block.apply(ps, in, training));
                outs.add(h);
                if (taps != null) {
                    taps.put(tapNames.get(i + 1), h);
                }
            }
            NDArray fused = Activation.leakyRelu(
                    fusion.apply(ps, NDArrays.concat(outs, 1), training), Distillation.LEAKY_SLOPE);
            NDArray body = bodyConv.apply(ps, fused, training).add(fea);
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
        Shape feat = new Shape(in.get(0), config.features(), in.get(2), in.get(3));
        for (ImdModule b : blocks) {
            b.initialize(manager, dataType, feat);
        }
        fusion.initialize(manager, dataType, new Shape(in.get(0), fusion.inChannels(), in.get(2), in.get(3)));
        bodyConv.initialize(manager, dataType, feat);
        upsampler.initialize(manager, dataType, feat);
    }
}
