package org.dckd.losses.encoders;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.IntermediateScope;
import org.dckd.nn.TorchConv2d;

/**
 * The encoder of the taming-transformers VQGAN ({@code taming.modules.diffusionmodules.model.Encoder}, the
 * {@code encoder.*} keys of a VQGAN checkpoint), without time embedding:
 * <pre>
 * conv_in (3x3, 3 -> ch)
 * for level i:  num_res_blocks x [ResnetBlock (ch*in_mult[i] -> ch*ch_mult[i]), AttnBlock if curr_res in attn_resolutions]
 *               Downsample (pad right/bottom by 1, 3x3 conv stride 2) except at the last level; curr_res halves
 * mid: ResnetBlock, AttnBlock, ResnetBlock;  norm_out, swish, conv_out (3x3 -> z_channels)
 * </pre>
 * {@code curr_res} starts at the config's {@code resolution} (256), whatever the actual input size, so attention sits at
 * the levels the config names. {@link #features} is DCKD's {@code Encoder.get_feas}: the output of the FIRST residual
 * block of every level (before attention), stopping right after it at the last level.
 */
public final class TamingEncoder extends AbstractBlock {

    private static final byte VERSION = 1;

    private final VqganEncoderConfig config;
    private final TorchConv2d convIn;
    private final List<List<ResnetBlock>> blocks = new ArrayList<>();
    private final List<List<AttentionBlock>> attentions = new ArrayList<>();
    private final List<TorchConv2d> downsamples = new ArrayList<>();
    private final ResnetBlock midBlock1;
    private final AttentionBlock midAttention;
    private final ResnetBlock midBlock2;
    private final TorchGroupNorm normOut;
    private final TorchConv2d convOut;

    /**
     * Creates the encoder.
     *
     * @param config the architecture (its checkpoint is not read here)
     */
    public TamingEncoder(VqganEncoderConfig config) {
        super(VERSION);
        this.config = config;
        int ch = config.ch();
        List<Integer> mult = config.chMult();
        convIn = addChildBlock("conv_in", TorchConv2d.same(3, ch, 3));
        int currentResolution = config.resolution();
        int blockIn = ch;
        for (int i = 0; i < mult.size(); i++) {
            List<ResnetBlock> levelBlocks = new ArrayList<>();
            List<AttentionBlock> levelAttention = new ArrayList<>();
            blockIn = ch * (i == 0 ? 1 : mult.get(i - 1));
            int blockOut = ch * mult.get(i);
            for (int j = 0; j < config.numResBlocks(); j++) {
                levelBlocks.add(addChildBlock("down." + i + ".block." + j, new ResnetBlock(blockIn, blockOut)));
                blockIn = blockOut;
            }
            if (config.attnResolutions().contains(currentResolution)) {
                for (int j = 0; j < config.numResBlocks(); j++) {
                    levelAttention.add(addChildBlock("down." + i + ".attn." + j, new AttentionBlock(blockIn)));
                }
            }
            if (i != mult.size() - 1) {
                downsamples.add(addChildBlock("down." + i + ".downsample.conv", TorchConv2d.of(blockIn, blockIn, 3, 2, 0)));
                currentResolution /= 2;
            }
            blocks.add(levelBlocks);
            attentions.add(levelAttention);
        }
        midBlock1 = addChildBlock("mid.block_1", new ResnetBlock(blockIn, blockIn));
        midAttention = addChildBlock("mid.attn_1", new AttentionBlock(blockIn));
        midBlock2 = addChildBlock("mid.block_2", new ResnetBlock(blockIn, blockIn));
        normOut = addChildBlock("norm_out", Vqgan.normalize(blockIn));
        convOut = addChildBlock("conv_out", TorchConv2d.same(blockIn, config.zChannels(), 3));
    }

    /**
     * DCKD's {@code get_feas}: the output of the first residual block of every level.
     *
     * @param ps the parameter store
     * @param x {@code (N, 3, H, W)}
     * @return one array per level, {@code (N, ch*ch_mult[i], H/2^i, W/2^i)}, in {@code x}'s manager
     */
    public List<NDArray> features(ParameterStore ps, NDArray x) {
        List<NDArray> levels = new ArrayList<>();
        run(ps, x, levels, false);
        return levels;
    }

    /**
     * The full encoder ({@code Encoder.forward}): all blocks, the middle, {@code norm_out}, swish, {@code conv_out}.
     *
     * @param ps the parameter store
     * @param x {@code (N, 3, H, W)}
     * @return {@code (N, z_channels, H/16, W/16)} (for 5 levels) in {@code x}'s manager
     */
    public NDArray encode(ParameterStore ps, NDArray x) {
        return run(ps, x, null, true);
    }

    /**
     * The full encoder, also collecting the {@link #features} levels on the way (one pass for both).
     *
     * @param ps the parameter store
     * @param x {@code (N, 3, H, W)}
     * @param levels receives the first residual block's output of every level
     * @return the {@code conv_out} output, in {@code x}'s manager
     */
    public NDArray encodeWithFeatures(ParameterStore ps, NDArray x, List<NDArray> levels) {
        return run(ps, x, levels, true);
    }

    private NDArray run(ParameterStore ps, NDArray x, List<NDArray> levels, boolean full) {
        boolean t = FeatureEncoder.TRAINING;
        NDArray h = convIn.apply(ps, x, t);
        int last = blocks.size() - 1;
        for (int i = 0; i <= last; i++) {
            List<ResnetBlock> levelBlocks = blocks.get(i);
            List<AttentionBlock> levelAttention = attentions.get(i);
            for (int j = 0; j < levelBlocks.size(); j++) {
                ResnetBlock block = levelBlocks.get(j);
                h = IntermediateScope.apply(h, in -> block.apply(ps, in, t));
                if (j == 0 && levels != null) {
                    levels.add(h);
                    if (!full && i == last) {
                        return h;
                    }
                }
                if (!levelAttention.isEmpty()) {
                    AttentionBlock attention = levelAttention.get(j);
                    h = IntermediateScope.apply(h, in -> attention.apply(ps, in, t));
                }
            }
            if (i != last) {
                TorchConv2d down = downsamples.get(i);
                // torch: F.pad(x, (0, 1, 0, 1)) -- one zero column on the right, one zero row at the bottom
                h = IntermediateScope.apply(h, in -> down.apply(ps, in.pad(new Shape(0, 1, 0, 1), 0), t));
            }
        }
        h = IntermediateScope.apply(h, in -> midBlock1.apply(ps, in, t));
        h = IntermediateScope.apply(h, in -> midAttention.apply(ps, in, t));
        h = IntermediateScope.apply(h, in -> midBlock2.apply(ps, in, t));
        return IntermediateScope.apply(h, in -> convOut.apply(ps, Vqgan.swish(normOut.apply(ps, in, t)), t));
    }

    /** The architecture. */
    public VqganEncoderConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(encode(ps, inputs.singletonOrThrow()));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        long n = in.get(0);
        long size = in.get(2);
        convIn.initialize(manager, dataType, in);
        Shape s = new Shape(n, config.ch(), size, size);
        for (int i = 0; i < blocks.size(); i++) {
            for (int j = 0; j < blocks.get(i).size(); j++) {
                ResnetBlock b = blocks.get(i).get(j);
                b.initialize(manager, dataType, s);
                s = new Shape(n, b.outChannels(), size, size);
                if (!attentions.get(i).isEmpty()) {
                    attentions.get(i).get(j).initialize(manager, dataType, s);
                }
            }
            if (i < downsamples.size()) {
                downsamples.get(i).initialize(manager, dataType, new Shape(n, s.get(1), size + 1, size + 1));
                size = Math.max(1, size / 2);
                s = new Shape(n, s.get(1), size, size);
            }
        }
        midBlock1.initialize(manager, dataType, s);
        midAttention.initialize(manager, dataType, s);
        midBlock2.initialize(manager, dataType, s);
        normOut.initialize(manager, dataType, s);
        convOut.initialize(manager, dataType, s);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        long h = in.get(2);
        long w = in.get(3);
        for (int i = 0; i < downsamples.size(); i++) {
            h = (h - 2) / 2 + 1;
            w = (w - 2) / 2 + 1;
        }
        return new Shape[] {new Shape(in.get(0), config.zChannels(), h, w)};
    }
}
