package org.dckd.backbones.rlfn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.BlockChainNetwork;
import org.dckd.nn.TorchConv2d;

/**
 * RLFN, the residual local feature network of Kong et al. (CVPRW 2022), identical to the official {@code RLFN},
 * {@code RLFN_S} and {@code RLFN_Prune} ({@link RlfnConfig} presets):
 * <pre>
 * fea = conv_1(x)                                   3x3 3 -> C
 * h = block_K(...block_1(fea))                      {@link Rlfb}
 * out = PixelShuffle(s)(upsampler.0(conv_2(h) + fea))   conv_2: 3x3 C -> C, upsampler.0: 3x3 C -> 3 s^2
 * </pre>
 * Input and output are in [0, {@link #inputRange()}] (255 for the official weights), not clamped. Inputs must be at
 * least 15x15. Parameter keys equal the official state dict ({@code conv_1.weight}, {@code block_1.c1_r.weight}, ...,
 * {@code upsampler.0.bias}).
 *
 * <p>Feature taps ({@link #forwardWithFeatures}): {@code head} (= fea), {@code block_1..block_K}, {@code body}
 * ({@code conv_2(h) + fea}, the upsampler input).
 */
public final class Rlfn extends BlockChainNetwork {

    private static final byte VERSION = 1;

    private final RlfnConfig config;
    private final TorchConv2d head;
    private final List<Rlfb> blocks;
    private final TorchConv2d bodyConv;
    private final TorchConv2d upsampler;

    /**
     * Creates an uninitialised network.
     *
     * @param config the configuration
     */
    public Rlfn(RlfnConfig config) {
        super(VERSION);
        this.config = config;
        int c = config.featureChannels();
        head = addChildBlock("conv_1", TorchConv2d.same(3, c, 3));
        List<Rlfb> list = new ArrayList<>();
        for (int i = 1; i <= config.blocks(); i++) {
            list.add(addChildBlock("block_" + i, new Rlfb(c, config.midChannels(), config.esaChannels())));
        }
        blocks = Collections.unmodifiableList(list);
        bodyConv = addChildBlock("conv_2", TorchConv2d.same(c, c, 3));
        upsampler = addChildBlock("upsampler.0", TorchConv2d.same(c, 3 * config.scale() * config.scale(), 3));
    }

    @Override
    public float inputRange() {
        return config.inputRange();
    }

    @Override
    public RlfnConfig config() {
        return config;
    }

    /** 15: below that, the ESA's strided convolution yields less than its 7x7 pooling window. */
    @Override
    public int minInputSize() {
        return Esa.MIN_INPUT_SIZE;
    }

    /** The residual local feature blocks, in order. */
    @Override
    public List<Rlfb> blocks() {
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
        return config.featureChannels();
    }

    /** {@code conv_2(h) + fea}. */
    @Override
    protected NDArray body(ParameterStore ps, NDArray fea, List<NDArray> blockOutputs, boolean training) {
        return bodyConv.apply(ps, blockOutputs.get(blockOutputs.size() - 1), training).add(fea);
    }

    @Override
    protected void initializeBody(NDManager manager, DataType dataType, Shape features) {
        bodyConv.initialize(manager, dataType, features);
    }

    @Override
    protected void checkInput(NDArray x) {
        requireRgbBatch("RLFN", x);
        Shape s = x.getShape();
        if (s.get(2) < minInputSize() || s.get(3) < minInputSize()) {
            throw new IllegalArgumentException("RLFN needs inputs of at least " + minInputSize() + "x"
                    + minInputSize() + " (ESA pooling), got " + s.get(2) + "x" + s.get(3));
        }
    }
}
