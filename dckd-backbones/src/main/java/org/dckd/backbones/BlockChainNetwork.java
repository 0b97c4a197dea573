package org.dckd.backbones;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.nn.FeatureBlock;
import org.dckd.nn.IntermediateScope;
import org.dckd.nn.PixelShuffle;
import org.dckd.nn.TorchConv2d;

/**
 * The shape RLFN, IMDN and the IMDN baseline share:
 * <pre>
 * fea  = head(x)                          3x3 conv, 3 -> F
 * o_k  = block_k(o_{k-1}), o_0 = fea      a chain of {@link FeatureBlock}s, k = 1..K
 * body = body(fea, o_1..o_K)              the network's own merge, with the long skip from fea
 * out  = PixelShuffle(s)(upsampler(body)) 3x3 conv, F -> 3 s^2
 * </pre>
 * Subclasses add their child blocks in the order of the official state dict and implement the merge; this class runs
 * the forward pass with the feature taps {@code head}, {@code block_1..block_K} and {@code body}, releases everything
 * else it creates on return (in inference a block's output as soon as the next block has run, unless the merge needs
 * every block's output), and initialises the children.
 */
public abstract class BlockChainNetwork extends SrBackbone {

    private List<String> tapNames;

    /**
     * Creates the network.
     *
     * @param version the DJL block version
     */
    protected BlockChainNetwork(byte version) {
        super(version);
    }

    /** The head convolution, 3 -> F channels. */
    protected abstract TorchConv2d head();

    /** The blocks of the chain, in order. */
    public abstract List<? extends FeatureBlock> blocks();

    /** The upsampler convolution, F -> 3 s^2 channels, before the PixelShuffle. */
    protected abstract TorchConv2d upsampler();

    /** The feature width F. */
    protected abstract int features();

    /**
     * Checks an input batch before anything runs.
     *
     * @param x the input
     * @throws IllegalArgumentException naming the network and what is wrong
     */
    protected abstract void checkInput(NDArray x);

    /**
     * Whether {@link #body} needs every block's output (IMDN's fusion) or only the last one.
     *
     * @return false unless overridden
     */
    protected boolean keepsBlockOutputs() {
        return false;
    }

    /**
     * The merge of the chain with the head's features.
     *
     * @param ps the parameter store
     * @param fea the head's features
     * @param blockOutputs every block's output if {@link #keepsBlockOutputs()}, else only the last one
     * @param training whether this is a training pass
     * @return the upsampler's input, F channels
     */
    protected abstract NDArray body(ParameterStore ps, NDArray fea, List<NDArray> blockOutputs, boolean training);

    /**
     * Initialises the children of {@link #body} (the head, the blocks and the upsampler are done here).
     *
     * @param manager the manager
     * @param dataType the data type
     * @param features the shape of the feature maps, {@code (N, F, H, W)}
     */
    protected abstract void initializeBody(NDManager manager, DataType dataType, Shape features);

    @Override
    public final List<String> tapNames() {
        if (tapNames == null) {
            tapNames = chainTapNames(blocks().size());
        }
        return tapNames;
    }

    /**
     * The tap names of a chain of {@code blocks} blocks, the convention of {@link org.dckd.nn.TappedNetwork}:
     * {@code head}, {@code block_1..block_K}, {@code body}.
     *
     * @param blocks the number of blocks K
     * @return the names, unmodifiable
     */
    public static List<String> chainTapNames(int blocks) {
        List<String> taps = new ArrayList<>();
        taps.add("head");
        for (int i = 1; i <= blocks; i++) {
            taps.add("block_" + i);
        }
        taps.add("body");
        return Collections.unmodifiableList(taps);
    }

    /**
     * The forward pass. Everything it creates is released when it returns except the output and the taps.
     */
    @Override
    protected final NDArray run(ParameterStore ps, NDArray x, boolean training, Map<String, NDArray> taps) {
        checkInput(x);
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            x.tempAttach(scope);
            NDArray fea = head().apply(ps, x, training);
            if (taps != null) {
                taps.put("head", fea);
            }
            boolean keepAll = keepsBlockOutputs();
            List<NDArray> outputs = new ArrayList<>();
            NDArray h = fea;
            List<? extends FeatureBlock> blocks = blocks();
            for (int i = 0; i < blocks.size(); i++) {
                FeatureBlock block = blocks.get(i);
                NDArray next = IntermediateScope.apply(h, in -> block.apply(ps, in, training));
                if (taps != null) {
                    taps.put("block_" + (i + 1), next);
                } else if (h != fea && !keepAll) {
                    h.close();
                }
                if (keepAll) {
                    outputs.add(next);
                }
                h = next;
            }
            NDArray body = body(ps, fea, keepAll ? outputs : List.of(h), training);
            NDArray out = PixelShuffle.apply(upsampler().apply(ps, body, training), scale());
            out.attach(owner);
            if (taps != null) {
                taps.put("body", body);
                taps.values().forEach(t -> t.attach(owner));
            }
            return out;
        }
    }

    @Override
    protected final void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        head().initialize(manager, dataType, in);
        Shape feat = new Shape(in.get(0), features(), in.get(2), in.get(3));
        for (FeatureBlock b : blocks()) {
            b.initialize(manager, dataType, feat);
        }
        initializeBody(manager, dataType, feat);
        upsampler().initialize(manager, dataType, feat);
    }
}
