package org.dckd.backbones.imdn;

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
 * The IMDN baseline of the NTIRE 2022 efficient super-resolution challenge (KAIR-style simplified IMDN): no channel
 * attention, no block fusion, one global residual. Keys are the positional ones of the original {@code nn.Sequential}:
 * <pre>
 * fea = model.0(x)                                        3x3 3 -> F
 * h = model.1.sub.{K-1}(...model.1.sub.0(fea))            {@link ImdBlock}
 * y = fea + model.1.sub.K(h)                              3x3 F -> F   (ShortcutBlock)
 * out = PixelShuffle(s)(model.2(y))                       3x3 F -> 3 s^2 (model.3 = PixelShuffle, no parameters)
 * </pre>
 * Input and output are in [0, {@link #inputRange()}] (1 for the NTIRE weights), not clamped.
 *
 * <p>Feature taps: {@code head} (= fea), {@code block_1..block_K}, {@code body} (y).
 */
public final class ImdnBaseline extends SrBackbone {

    private static final byte VERSION = 1;

    private final ImdnBaselineConfig config;
    private final TorchConv2d head;
    private final List<ImdBlock> blocks;
    private final TorchConv2d bodyConv;
    private final TorchConv2d upsampler;
    private final List<String> tapNames;

    /**
     * Creates an uninitialised network.
     *
     * @param config the configuration
     */
    public ImdnBaseline(ImdnBaselineConfig config) {
        super(VERSION);
        this.config = config;
        int f = config.features();
        head = addChildBlock("model.0", TorchConv2d.same(3, f, 3));
        List<ImdBlock> list = new ArrayList<>();
        List<String> taps = new ArrayList<>();
        taps.add("head");
        for (int i = 0; i < config.blocks(); i++) {
            list.add(addChildBlock("model.1.sub." + i, new ImdBlock(f, config.distilled())));
            taps.add("block_" + (i + 1));
        }
        taps.add("body");
        blocks = Collections.unmodifiableList(list);
        tapNames = Collections.unmodifiableList(taps);
        bodyConv = addChildBlock("model.1.sub." + config.blocks(), TorchConv2d.same(f, f, 3));
        upsampler = addChildBlock("model.2", TorchConv2d.same(f, 3 * config.scale() * config.scale(), 3));
    }

    @Override
    public float inputRange() {
        return config.inputRange();
    }

    @Override
    public ImdnBaselineConfig config() {
        return config;
    }

    /** The IMD blocks, in order. */
    public List<ImdBlock> blocks() {
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
        checkInput("IMDN baseline", x);
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            x.tempAttach(scope);
            NDArray fea = head.apply(ps, x, training);
            if (taps != null) {
                taps.put("head", fea);
            }
            NDArray h = fea;
            for (int i = 0; i < blocks.size(); i++) {
                ImdBlock block = blocks.get(i);
                NDArray next = IntermediateScope.apply(h, in -> block.apply(ps, in, training));
                if (taps != null) {
                    taps.put(tapNames.get(i + 1), next);
                } else if (h != fea) {
                    h.close();
                }
                h = next;
            }
            NDArray body = fea.add(bodyConv.apply(ps, h, training));
            NDArray out = PixelShuffle.apply(upsampler.apply(ps, body, training), scale());
            out.attach(owner);
            if (taps != null) {
                taps.put("body", body);
                taps.values().forEach(t -> t.attach(owner));
            }
            return out;
        }
    }

    /** Checks for an {@code (N, 3, H, W)} input. */
    static void checkInput(String network, NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != 3) {
            throw new IllegalArgumentException(network + " expects an (N, 3, H, W) input, got " + s);
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        head.initialize(manager, dataType, in);
        Shape feat = new Shape(in.get(0), config.features(), in.get(2), in.get(3));
        for (ImdBlock b : blocks) {
            b.initialize(manager, dataType, feat);
        }
        bodyConv.initialize(manager, dataType, feat);
        upsampler.initialize(manager, dataType, feat);
    }
}
