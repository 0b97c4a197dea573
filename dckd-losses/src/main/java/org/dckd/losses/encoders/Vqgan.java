package org.dckd.losses.encoders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.checkpoint.CheckpointException;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.DisallowedGlobalException;
import org.dckd.checkpoint.LoadReport;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.nn.OwnedArrays;
import org.dckd.nn.TorchConv2d;

/**
 * The part of a taming-transformers VQGAN that DCKD uses (its {@code VQGAN} class): the {@link TamingEncoder}
 * ({@code encoder.*}), the 1x1 {@code quant_conv} and the codebook {@code quantize.embedding.weight}
 * ({@code (n_embed, embed_dim)}). State-dict keys equal those of a taming checkpoint.
 *
 * <ul>
 *   <li>{@link #features}: DCKD's {@code get_feas}, 5 levels for the default config: channels
 *       {@code ch * ch_mult[i]} at {@code H / 2^i} (128, 128, 256, 256, 512 at H .. H/16 for ch 128).</li>
 *   <li>{@link #encode}: DCKD's {@code encode} up to the quantizer: the full encoder, then {@code quant_conv};
 *       {@code (N, embed_dim, H/16, W/16)}.</li>
 * </ul>
 */
public final class Vqgan extends FeatureEncoder {

    private static final byte VERSION = 1;

    private final VqganEncoderConfig config;
    private final TamingEncoder encoder;
    private final TorchConv2d quantConv;
    private final CodebookBlock quantize;

    /**
     * Creates an uninitialised VQGAN encoder (random weights after {@link #initialize(NDManager)}).
     *
     * @param config the architecture
     */
    public Vqgan(VqganEncoderConfig config) {
        super(VERSION);
        this.config = config;
        encoder = addChildBlock("encoder", new TamingEncoder(config));
        quantConv = addChildBlock("quant_conv", TorchConv2d.same(config.zChannels(), config.embedDim(), 1));
        quantize = addChildBlock("quantize.embedding", new CodebookBlock(config.nEmbed(), config.embedDim()));
    }

    /**
     * GroupNorm(32, eps 1e-6), the {@code Normalize} of taming-transformers.
     *
     * @param channels the channels (a multiple of 32)
     * @return the normalisation block
     */
    static TorchGroupNorm normalize(int channels) {
        return new TorchGroupNorm(32, channels, 1e-6f);
    }

    /** {@code x * sigmoid(x)}, the {@code nonlinearity} of taming-transformers. */
    static NDArray swish(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /**
     * Initialises all parameters (float32).
     *
     * @param manager where the parameters live
     */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
    }

    /**
     * Loads {@code encoder.*}, {@code quant_conv.*} and {@code quantize.embedding.weight} strictly from a checkpoint;
     * every other key (decoder, {@code post_quant_conv}, discriminator) is ignored.
     *
     * @param file a Lightning {@code .ckpt}, a {@code .pth} holding {@code state_dict}, {@code .safetensors} or {@code .npz}
     * @param entry the wrapper entry to read, or {@code null} for the automatic choice
     * @return what was loaded and ignored
     * @throws CheckpointException if the file is unusable or does not fit this architecture (names the keys)
     * @throws UncheckedIOException if the file cannot be read
     */
    public LoadReport load(Path file, String entry) {
        StateDict sd;
        try {
            sd = Checkpoints.read(file, entry);
        } catch (DisallowedGlobalException e) {
            throw new CheckpointException(CheckpointException.Reason.DISALLOWED_GLOBAL, file, e.getMessage()
                    + ". A Lightning checkpoint may pickle training objects besides the weights: re-save the weights "
                    + "alone with PyTorch, e.g. torch.save({'state_dict': torch.load(path, map_location='cpu', "
                    + "weights_only=False)['state_dict']}, 'vqgan_f16_1024.pth')");
        } catch (IOException e) {
            throw new UncheckedIOException("vqgan encoder: cannot read checkpoint " + file, e);
        }
        return WeightLoader.builder()
                .optKeyMapping(k -> isVqganEncoderKey(k) ? k : null)
                .build()
                .loadInto(this, sd);
    }

    /** Whether a checkpoint key belongs to the parts DCKD uses. */
    static boolean isVqganEncoderKey(String key) {
        return key.startsWith("encoder.") || key.startsWith("quant_conv.") || key.equals("quantize.embedding.weight");
    }

    @Override
    public String type() {
        return VqganEncoderConfig.TYPE;
    }

    @Override
    public List<Integer> levelChannels() {
        return config.levelChannels();
    }

    @Override
    public int encodeChannels() {
        return config.embedDim();
    }

    @Override
    public String encodeDescription() {
        return "the full VQGAN encoder then quant_conv (embed_dim " + config.embedDim() + ", stride "
                + (1 << (config.chMult().size() - 1)) + ")";
    }

    @Override
    public Optional<NDArray> codebook() {
        return Optional.of(quantize.weight().getArray());
    }

    /** The architecture. */
    public VqganEncoderConfig config() {
        return config;
    }

    @Override
    public List<NDArray> features(ParameterStore ps, NDArray images) {
        if (!config.symmetricInput()) {
            return encoder.features(ps, images);
        }
        return scoped(images, x -> encoder.features(ps, OwnedArrays.mul(x, 2).sub(1)));
    }

    @Override
    public NDArray encode(ParameterStore ps, NDArray images) {
        return scoped(images, x -> List.of(quantConv.apply(ps,
                encoder.encode(ps, config.symmetricInput() ? OwnedArrays.mul(x, 2).sub(1) : x), TRAINING))).get(0);
    }

    /** The VQGAN's encoding ({@code quant_conv} after the encoder) is not one of its feature levels. */
    @Override
    public boolean encodingIsDeepestLevel() {
        return false;
    }

    @Override
    protected Pass computePass(ParameterStore ps, NDArray images) {
        List<NDArray> levels = new java.util.ArrayList<>();
        NDArray[] encoding = new NDArray[1];
        List<NDArray> all = scoped(images, x -> {
            NDArray in = config.symmetricInput() ? OwnedArrays.mul(x, 2).sub(1) : x;
            encoding[0] = quantConv.apply(ps, encoder.encodeWithFeatures(ps, in, levels), TRAINING);
            List<NDArray> out = new java.util.ArrayList<>(levels);
            out.add(encoding[0]);
            return out;
        });
        return new Pass(all.subList(0, all.size() - 1), all.get(all.size() - 1));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        encoder.initialize(manager, dataType, in);
        Shape z = encoder.getOutputShapes(new Shape[] {in})[0];
        quantConv.initialize(manager, dataType, z);
        quantize.initialize(manager, dataType, z);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        Shape[] out = new Shape[levels()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Shape(in.get(0), levelChannels().get(i), in.get(2) >> i, in.get(3) >> i);
        }
        return out;
    }

    /** The codebook {@code quantize.embedding}: one parameter {@code weight} of shape {@code (n_embed, embed_dim)}. */
    static final class CodebookBlock extends AbstractBlock {

        private final Parameter weight;

        CodebookBlock(int size, int dimension) {
            super(VERSION);
            // nn.Embedding weight, re-initialised by VectorQuantizer to uniform(-1/n, 1/n); loaded from the checkpoint
            weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(size, dimension))
                    .optInitializer(new ai.djl.training.initializer.UniformInitializer(1f / size)).build());
        }

        Parameter weight() {
            return weight;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            throw new UnsupportedOperationException("the codebook is a lookup table, not a layer");
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }
}
