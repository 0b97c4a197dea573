package org.dckd.backbones.imdn;

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
public final class ImdnBaseline extends BlockChainNetwork {

    private static final byte VERSION = 1;

    private final ImdnBaselineConfig config;
    private final TorchConv2d head;
    private final List<ImdBlock> blocks;
    private final TorchConv2d bodyConv;
    private final TorchConv2d upsampler;

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
        for (int i = 0; i < config.blocks(); i++) {
            list.add(addChildBlock("model.1.sub." + i, new ImdBlock(f, config.distilled())));
        }
        blocks = Collections.unmodifiableList(list);
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
    @Override
    public List<ImdBlock> blocks() {
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

    /** {@code fea + model.1.sub.K(h)}. */
    @Override
    protected NDArray body(ParameterStore ps, NDArray fea, List<NDArray> blockOutputs, boolean training) {
        return fea.add(bodyConv.apply(ps, blockOutputs.get(blockOutputs.size() - 1), training));
    }

    @Override
    protected void initializeBody(NDManager manager, DataType dataType, Shape features) {
        bodyConv.initialize(manager, dataType, features);
    }

    @Override
    protected void checkInput(NDArray x) {
        requireRgbBatch("IMDN baseline", x);
    }
}
