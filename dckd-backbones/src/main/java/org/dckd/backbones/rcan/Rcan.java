package org.dckd.backbones.rcan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.PixelShuffleUpsample;
import org.dckd.backbones.SrBackbone;
import org.dckd.nn.IntermediateScope;
import org.dckd.nn.OwnedArrays;
import org.dckd.nn.TorchConv2d;

/**
 * RCAN, the residual channel attention network of Zhang et al. (ECCV 2018), as BasicSR's {@code RCAN} class
 * ({@code basicsr/archs/rcan_arch.py}, identical in the DCKD code):
 * <pre>
 * x'   = (x - rgb_mean) * img_range                   rgb_mean (0.4488, 0.4371, 0.4040), not a parameter
 * head = conv_first(x')                               3x3 3 -> C
 * h    = body.(G-1)(...body.0(head))                  {@link ResidualGroup} x G
 * body = conv_after_body(h) + head                    3x3 C -> C
 * out  = conv_last(upsample(body)) / img_range + rgb_mean    {@link PixelShuffleUpsample}; conv_last: 3x3 C -> 3
 * </pre>
 * Input and output are in [0, 1] whatever {@code img_range} is (BasicSR's convention), not clamped; any input size
 * works. Parameter keys equal BasicSR's state dict ({@code conv_first.weight},
 * {@code body.0.residual_group.0.rcab.3.attention.1.weight}, {@code body.0.conv.bias}, ..., {@code upsample.0.weight},
 * {@code conv_last.bias}); the mean is not in it.
 *
 * <p>Feature taps ({@link #forwardWithFeatures}), in the internal range (after {@code img_range}): {@code head}
 * ({@code conv_first}'s output), {@code block_1..block_G} (the residual groups' outputs, BasicSR's {@code body.0} ..
 * {@code body.(G-1)}), {@code body} ({@code conv_after_body(h) + head}, the upsampler input).
 */
public final class Rcan extends SrBackbone {

    /** The DIV2K RGB mean BasicSR subtracts from the input and adds to the output. */
    static final float[] RGB_MEAN = {0.4488f, 0.4371f, 0.4040f};

    private static final byte VERSION = 1;
    private static final Shape MEAN_SHAPE = new Shape(1, 3, 1, 1);

    private final RcanConfig config;
    private final TorchConv2d convFirst;
    private final List<ResidualGroup> groups;
    private final TorchConv2d convAfterBody;
    private final PixelShuffleUpsample upsample;
    private final TorchConv2d convLast;
    private final List<String> tapNames;

    /**
     * Creates an uninitialised network.
     *
     * @param config the configuration
     */
    public Rcan(RcanConfig config) {
        super(VERSION);
        this.config = config;
        int c = config.numFeat();
        convFirst = addChildBlock("conv_first", TorchConv2d.same(3, c, 3));
        List<ResidualGroup> list = new ArrayList<>();
        for (int g = 0; g < config.numGroup(); g++) {
            list.add(addChildBlock("body." + g,
                    new ResidualGroup(c, config.numBlock(), config.squeezeFactor(), config.resScale())));
        }
        groups = Collections.unmodifiableList(list);
        convAfterBody = addChildBlock("conv_after_body", TorchConv2d.same(c, c, 3));
        upsample = addChildBlock("upsample",
                new PixelShuffleUpsample(config.scale(), c, out -> TorchConv2d.same(c, out, 3)));
        convLast = addChildBlock("conv_last", TorchConv2d.same(c, 3, 3));
        List<String> taps = new ArrayList<>();
        taps.add("head");
        for (int g = 1; g <= config.numGroup(); g++) {
            taps.add("block_" + g);
        }
        taps.add("body");
        tapNames = Collections.unmodifiableList(taps);
    }

    /** RCAN takes and returns images in {@code [0, 1]} (also with {@code img_range} 255). */
    @Override
    public float inputRange() {
        return 1f;
    }

    @Override
    public RcanConfig config() {
        return config;
    }

    /** The residual groups ({@code body.0} ..), in order. */
    public List<ResidualGroup> groups() {
        return groups;
    }

    /** {@code head}, {@code block_1..block_G} (one per residual group), {@code body}. */
    @Override
    public List<String> tapNames() {
        return tapNames;
    }

    /** The head convolution, {@code conv_first}. */
    TorchConv2d convFirst() {
        return convFirst;
    }

    /** The convolution after the residual groups, {@code conv_after_body}. */
    TorchConv2d convAfterBody() {
        return convAfterBody;
    }

    /** The upsampler, {@code upsample}. */
    PixelShuffleUpsample upsample() {
        return upsample;
    }

    /** The last convolution, {@code conv_last}. */
    TorchConv2d convLast() {
        return convLast;
    }

    /**
     * The forward pass. Everything it creates is released when it returns except the output and the taps; in
     * inference a group's output is released as soon as the next group has run.
     */
    @Override
    protected NDArray run(ParameterStore ps, NDArray x, boolean training, Map<String, NDArray> taps) {
        requireRgbBatch("RCAN", x);
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            x.tempAttach(scope);
            NDArray mean = OwnedArrays.create(scope, RGB_MEAN, MEAN_SHAPE);
            NDArray head = convFirst.apply(ps, OwnedArrays.mul(x.sub(mean), config.imgRange()), training);
            if (taps != null) {
                taps.put("head", head);
            }
            NDArray h = head;
            for (int g = 0; g < groups.size(); g++) {
                ResidualGroup group = groups.get(g);
                NDArray next = IntermediateScope.apply(h, in -> group.apply(ps, in, training));
                if (taps != null) {
                    taps.put("block_" + (g + 1), next);
                } else if (h != head) {
                    h.close();
                }
                h = next;
            }
            NDArray body = convAfterBody.apply(ps, h, training).add(head);
            NDArray y = convLast.apply(ps, upsample.apply(ps, body, training), training);
            NDArray out = OwnedArrays.div(y, config.imgRange()).add(mean);
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
        convFirst.initialize(manager, dataType, in);
        Shape feat = new Shape(in.get(0), config.numFeat(), in.get(2), in.get(3));
        for (ResidualGroup g : groups) {
            g.initialize(manager, dataType, feat);
        }
        convAfterBody.initialize(manager, dataType, feat);
        upsample.initialize(manager, dataType, feat);
        Shape up = upsample.getOutputShapes(new Shape[] {feat})[0];
        convLast.initialize(manager, dataType, up);
    }
}
