package org.dckd.backbones.imdn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.BlockChainNetwork;
import org.dckd.nn.ModuleActivation;
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
public final class Imdn extends BlockChainNetwork {

    private static final byte VERSION = 1;

    private final ImdnConfig config;
    private final TorchConv2d head;
    private final List<ImdModule> blocks;
    private final TorchConv2d fusion;
    private final TorchConv2d bodyConv;
    private final TorchConv2d upsampler;

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
        for (int i = 1; i <= config.blocks(); i++) {
            list.add(addChildBlock("IMDB" + i, new ImdModule(f, config.distilled())));
        }
        blocks = Collections.unmodifiableList(list);
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
    @Override
    public List<ImdModule> blocks() {
        return blocks;
    }

    @Override
    protected TorchConv2d head() {
        return head;
    }

    @Override
    protected TorchConv2d upsampler() {
        return upsampler;
    }

    @Override
    protected int features() {
        return config.features();
    }

    /** The fusion concatenates every IMDB's output. */
    @Override
    protected boolean keepsBlockOutputs() {
        return true;
    }

    /** {@code LR_conv(lrelu(c.0(concat(o_1..o_K)))) + fea}. */
    @Override
    protected NDArray body(ParameterStore ps, NDArray fea, List<NDArray> blockOutputs, boolean training) {
        NDArray fused = ModuleActivation.leakyRelu(
                fusion.apply(ps, NDArrays.concat(new NDList(blockOutputs), 1), training), Distillation.LEAKY_SLOPE);
        return bodyConv.apply(ps, fused, training).add(fea);
    }

    @Override
    protected void initializeBody(NDManager manager, DataType dataType, Shape features) {
        fusion.initialize(manager, dataType,
                new Shape(features.get(0), fusion.inChannels(), features.get(2), features.get(3)));
        bodyConv.initialize(manager, dataType, features);
    }

    @Override
    protected void checkInput(NDArray x) {
        requireRgbBatch("IMDN", x);
    }
}
