package org.dckd.backbones.rlfn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.SrBackbone;
import org.dckd.nn.IntermediateScope;
import org.dckd.nn.PixelShuffle;
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
public final class Rlfn extends SrBackbone {

    private static final byte VERSION = 1;

    private final RlfnConfig config;
    private final TorchConv2d head;
    private final List<Rlfb> blocks;
    private final TorchConv2d bodyConv;
    private final TorchConv2d upsampler;
    private final List<String> tapNames;

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
        List<String> taps = new ArrayList<>();
        taps.add("head");
        for (int i = 1; i <= config.blocks(); i++) {
            list.add(addChildBlock("block_" + i, new Rlfb(c, config.midChannels(), config.esaChannels())));
            taps.add("block_" + i);
        }
        taps.add("body");
        blocks = Collections.unmodifiableList(list);
        tapNames = Collections.unmodifiableList(taps);
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
    public List<Rlfb> blocks() {
        return blocks;
    }

    @Override
    public List<String> tapNames() {
        return tapNames;
    }

    /**
     * The forward pass. Everything it creates is released when it returns except the output and the taps; in
     * inference a block's output is released as soon as the next block has run.
     */
    @Override
    protected NDArray run(ParameterStore ps, NDArray x, boolean training, Map<String, NDArray> taps) {
        checkInput(x);
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            x.tempAttach(scope);
            NDArray fea = head.apply(ps, x, training);
            if (taps != null) {
                taps.put("head", fea);
            }
            NDArray h = fea;
            for (int i = 0; i < blocks.size(); i++) {
                Rlfb block = blocks.get(i);
                NDArray next = IntermediateScope.apply(h, in -> block.apply(ps, in, training));
                if (taps != null) {
                    taps.put(tapNames.get(i + 1), next);
                } else if (h != fea) {
                    h.close();
                }
                h = next;
            }
            NDArray body = bodyConv.apply(ps, h, training).add(fea);
            NDArray out = PixelShuffle.apply(upsampler.apply(ps, body, training), scale());
            out.attach(owner);
            if (taps != null) {
                taps.put("body", body);
                taps.values().forEach(t -> t.attach(owner));
            }
            return out;
        }
    }

    private void checkInput(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != 3) {
            throw new IllegalArgumentException("RLFN expects an (N, 3, H, W) input, got " + s);
        }
        if (s.get(2) < minInputSize() || s.get(3) < minInputSize()) {
            throw new IllegalArgumentException("RLFN needs inputs of at least " + minInputSize() + "x"
                    + minInputSize() + " (ESA pooling), got " + s.get(2) + "x" + s.get(3));
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        head.initialize(manager, dataType, in);
        Shape feat = new Shape(in.get(0), config.featureChannels(), in.get(2), in.get(3));
        for (Rlfb b : blocks) {
            b.initialize(manager, dataType, feat);
        }
        bodyConv.initialize(manager, dataType, feat);
        upsampler.initialize(manager, dataType, feat);
    }
}
