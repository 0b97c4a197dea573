package org.dckd.losses.encoders;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.DjlRuntime;
import org.dckd.nn.TorchModule;

/**
 * A frozen image encoder that defines the feature space of the DCKD losses: {@link #features} gives one feature map
 * per level (shallow to deep, for the contrastive regularization), {@link #encode} one vector per position of a coarse
 * grid (for the distribution mapping).
 *
 * <p>Inputs are NCHW RGB batches on the [0, 1] scale; each encoder applies its own input mapping (ImageNet
 * normalisation for VGG19, none for the VQGAN as in the DCKD code). Results belong to the manager of the input.
 *
 * <p><b>Frozen, but differentiable.</b> After {@link #freeze()} no parameter requires a gradient, so autograd never
 * computes or accumulates one in them and an optimizer never sees them (they are not the student's parameters);
 * gradients still flow THROUGH the encoder to an input that requires them (the student output). The forward passes
 * run with {@code training = true} semantics (no encoder here has dropout or batch statistics, so this only matters for
 * engines that switch autograd off for inference).
 */
public abstract class FeatureEncoder extends AbstractBlock {

    static {
        DjlRuntime.ensureOffline();
    }

    /** The {@code training} flag passed to child blocks: autograd must stay on for gradients through the encoder. */
    protected static final boolean TRAINING = true;

    private ParameterStore store;

    /**
     * Creates the encoder.
     *
     * @param version the DJL block version
     */
    protected FeatureEncoder(byte version) {
        super(version);
    }

    /** The config type name: {@code vqgan}, {@code vgg19}, {@code random}. */
    public abstract String type();

    /** The channels of each feature level, shallow to deep. */
    public abstract List<Integer> levelChannels();

    /** The number of feature levels. */
    public final int levels() {
        return levelChannels().size();
    }

    /**
     * The number of images to run through the encoder at once so that its largest feature map (level {@code l}:
     * {@code levelChannels()[l]} channels at {@code H / 2^l}) stays within {@code budgetBytes}.
     *
     * <p>Why: libtorch's CPU tensors come from the C allocator, which serves blocks above 32 MB with fresh
     * {@code mmap}s that are zero-filled page by page on first touch; on the build machines a swish on a 75 MB feature
     * map took 9 times longer than on four 19 MB chunks, a group norm or a 3x3 convolution 3.5 times. Running the frozen
     * encoders chunk by chunk keeps every allocation small.
     *
     * @param batch the batch size
     * @param height the image height
     * @param width the image width
     * @param budgetBytes the budget; 0 or less means no chunking
     * @return the chunk size, between 1 and {@code batch}
     */
    public int chunkSize(int batch, long height, long width, long budgetBytes) {
        if (budgetBytes <= 0) {
            return batch;
        }
        long largest = 0;
        List<Integer> channels = levelChannels();
        for (int l = 0; l < channels.size(); l++) {
            largest = Math.max(largest, channels.get(l) * Math.max(1, height >> l) * Math.max(1, width >> l) * 4L);
        }
        return (int) Math.max(1, Math.min(batch, budgetBytes / Math.max(1, largest)));
    }

    /** The number of channels of {@link #encode} (the dimension a codebook must have). */
    public abstract int encodeChannels();

    /** What {@link #encode} computes, in words (for documentation and error messages). */
    public abstract String encodeDescription();

    /** The encoder's own codebook ({@code (K, encodeChannels())}), if its checkpoint has one (VQGAN). */
    public Optional<NDArray> codebook() {
        return Optional.empty();
    }

    /**
     * The per-level features of a batch.
     *
     * @param images {@code (N, 3, H, W)} on the [0, 1] scale
     * @return {@link #levels()} arrays, shallow to deep, in {@code images}' manager
     */
    public final List<NDArray> features(NDArray images) {
        return features(store(), images);
    }

    /**
     * The per-level features of a batch.
     *
     * @param ps the parameter store
     * @param images {@code (N, 3, H, W)} on the [0, 1] scale
     * @return {@link #levels()} arrays, shallow to deep, in {@code images}' manager
     */
    public abstract List<NDArray> features(ParameterStore ps, NDArray images);

    /**
     * The encode path of a batch: {@code (N, encodeChannels(), h, w)}, one vector per position.
     *
     * @param images {@code (N, 3, H, W)} on the [0, 1] scale
     * @return the encoding, in {@code images}' manager
     */
    public final NDArray encode(NDArray images) {
        return encode(store(), images);
    }

    /**
     * The encode path of a batch. The default is the deepest feature level (the random and VGG19 encoders; the
     * shallower levels are released on return); the VQGAN overrides it.
     *
     * @param ps the parameter store
     * @param images {@code (N, 3, H, W)} on the [0, 1] scale
     * @return {@code (N, encodeChannels(), h, w)} in {@code images}' manager
     */
    public NDArray encode(ParameterStore ps, NDArray images) {
        return scoped(images, x -> {
            List<NDArray> f = features(ps, x);
            return List.of(f.get(f.size() - 1));
        }).get(0);
    }

    /**
     * Features and encoding of one batch, computed together.
     *
     * @param features the per-level features, shallow to deep
     * @param encoding the {@link #encode} output
     */
    public record Pass(List<NDArray> features, NDArray encoding) {}

    /**
     * Computes {@link #features} and {@link #encode} of a batch in one forward pass. The default suits encoders whose
     * encoding is their deepest feature; the VQGAN overrides it (its levels are intermediate results of the encode
     * path).
     *
     * @param ps the parameter store
     * @param images {@code (N, 3, H, W)} on [0, 1]
     * @return both, in {@code images}' manager
     */
    protected Pass computePass(ParameterStore ps, NDArray images) {
        List<NDArray> f = features(ps, images);
        return new Pass(f, f.get(f.size() - 1));
    }

    /**
     * The features and encoding of rows {@code [start, end)} of a batch, computed in one forward pass. The results
     * belong to {@code batch}'s manager and are attached to its autograd graph. Loss terms of one step share a pass
     * through their context's {@link org.dckd.losses.SharedComputations} (see {@code org.dckd.losses.dckd.EncodedOutputs}),
     * not through the encoder.
     *
     * @param batch {@code (N, 3, H, W)} on [0, 1]
     * @param start the first row
     * @param end one past the last row
     * @return the pass
     */
    public final Pass pass(NDArray batch, long start, long end) {
        long n = batch.getShape().get(0);
        NDManager owner = batch.getManager();
        Pass result;
        try (NDManager scope = owner.newSubManager()) {
            NDArray slice = start == 0 && end == n ? batch
                    : batch.get(new ai.djl.ndarray.index.NDIndex().addSliceDim(start, end));
            if (slice == batch) {
                batch.tempAttach(scope);
            } else {
                slice.attach(scope);
            }
            result = computePass(store(), slice);
            result.features().forEach(a -> a.attach(owner));
            result.encoding().attach(owner);
        }
        return result;
    }

    /**
     * Whether {@link #encode} is the deepest {@link #features} level (true for the random and VGG19 encoders), so a
     * features-only pass also gives the encoding. The VQGAN's encoding comes after its feature levels (false).
     *
     * @return whether the encoding is the deepest feature level
     */
    public boolean encodingIsDeepestLevel() {
        return true;
    }

    /**
     * Freezes every parameter ({@code requiresGradient() == false}); the encoder's weights can then never receive a
     * gradient.
     *
     * @return this encoder
     */
    public FeatureEncoder freeze() {
        freezeParameters(true);
        return this;
    }

    /** Whether no parameter requires a gradient. */
    public boolean isFrozen() {
        for (Parameter p : TorchModule.parameters(this).values()) {
            if (p.requiresGradient() || p.isInitialized() && p.getArray().hasGradient()) {
                return false;
            }
        }
        return true;
    }

    /** The parameters by PyTorch state-dict key. */
    public Map<String, Parameter> torchParameters() {
        return TorchModule.parameters(this);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(features(ps, inputs.singletonOrThrow()));
    }

    /** A parameter store over this encoder's own arrays (no copies). */
    protected final synchronized ParameterStore store() {
        if (store == null) {
            NDManager manager = null;
            for (Parameter p : TorchModule.parameters(this).values()) {
                if (!p.isInitialized()) {
                    throw new IllegalStateException(type() + " encoder: not initialised");
                }
                manager = p.getArray().getManager();
                break;
            }
            if (manager == null) {
                throw new IllegalStateException(type() + " encoder has no parameters");
            }
            store = new ParameterStore(manager, false);
        }
        return store;
    }

    /**
     * Runs {@code stage} on {@code input} so that its intermediate arrays are released as soon as it returns; the
     * results end up in {@code input}'s manager. Autograd is unaffected (the graph keeps what it needs).
     *
     * @param input the input
     * @param stage the computation
     * @return its results
     */
    protected static List<NDArray> scoped(NDArray input, Function<NDArray, List<NDArray>> stage) {
        NDManager owner = input.getManager();
        try (NDManager scope = owner.newSubManager()) {
            input.tempAttach(scope);
            List<NDArray> out = new ArrayList<>(stage.apply(input));
            out.forEach(a -> a.attach(owner));
            return out;
        }
    }
}
