package org.dckd.losses.encoders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;

import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.LoadReport;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.nn.IntermediateScope;
import org.dckd.nn.OwnedArrays;
import org.dckd.nn.TorchConv2d;

/**
 * torchvision's {@code vgg19().features} from index 0 to 29 ({@code relu5_1}), with the convolutions under their
 * state-dict names {@code features.N} (N = 0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28). Taps, all after the ReLU:
 * relu1_1 (index 1, {@code c1} channels at H), relu2_1 (6, {@code c2} at H/2), relu3_1 (11, {@code c3} at H/4),
 * relu4_1 (20, {@code c4} at H/8), relu5_1 (29, {@code c5} at H/16). Max pooling 2x2, stride 2 (floor).
 * {@link #encode} is relu5_1. Inputs in [0, 1] are normalised with the ImageNet mean and std first.
 */
public final class Vgg19Features extends FeatureEncoder {

    private static final byte VERSION = 1;
    /** torchvision indices of the convolutions used, per block. */
    private static final int[][] CONV_INDICES = {{0, 2}, {5, 7}, {10, 12, 14, 16}, {19, 21, 23, 25}, {28}};
    /** The deepest convolution used; later keys of a full checkpoint are ignored. */
    private static final int LAST_INDEX = 28;
    private static final Pattern FEATURE_KEY = Pattern.compile("features\\.(\\d+)\\.(weight|bias)");
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private static final Shape POOL = new Shape(2, 2);

    private final Vgg19EncoderConfig config;
    private final List<List<TorchConv2d>> blocks = new ArrayList<>();
    private NDArray mean;
    private NDArray std;

    /**
     * Creates the network (uninitialised).
     *
     * @param config the config
     */
    public Vgg19Features(Vgg19EncoderConfig config) {
        super(VERSION);
        this.config = config;
        int in = 3;
        for (int b = 0; b < CONV_INDICES.length; b++) {
            List<TorchConv2d> convs = new ArrayList<>();
            int out = config.channels().get(b);
            for (int index : CONV_INDICES[b]) {
                convs.add(addChildBlock("features." + index, TorchConv2d.same(in, out, 3)));
                in = out;
            }
            blocks.add(convs);
        }
    }

    /**
     * Initialises the parameters (PyTorch's default init; load weights with {@link #load}).
     *
     * @param manager where the parameters and normalisation constants live
     */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
        mean = OwnedArrays.create(manager, MEAN, new Shape(1, 3, 1, 1));
        std = OwnedArrays.create(manager, STD, new Shape(1, 3, 1, 1)); // the division's backward keeps it
    }

    /**
     * Loads {@code features.0} .. {@code features.28} strictly; later features and the classifier are ignored.
     *
     * @param file the checkpoint
     * @param entry the wrapper entry, or {@code null} for the automatic choice
     * @return the load report
     */
    public LoadReport load(Path file, String entry) {
        StateDict sd;
        try {
            sd = Checkpoints.read(file, entry);
        } catch (IOException e) {
            throw new UncheckedIOException("vgg19 encoder: cannot read checkpoint " + file, e);
        }
        return WeightLoader.builder().optKeyMapping(Vgg19Features::usedKey).build().loadInto(this, sd);
    }

    /** Keeps {@code features.N.*} for N up to 28 and drops every other key. */
    static String usedKey(String key) {
        Matcher m = FEATURE_KEY.matcher(key);
        return m.matches() && Integer.parseInt(m.group(1)) <= LAST_INDEX ? key : null;
    }

    @Override
    public String type() {
        return Vgg19EncoderConfig.TYPE;
    }

    @Override
    public List<Integer> levelChannels() {
        return config.channels();
    }

    @Override
    public int encodeChannels() {
        return config.channels().get(4);
    }

    @Override
    public String encodeDescription() {
        return "relu5_1 (" + encodeChannels() + " channels, stride 16)";
    }

    @Override
    public List<NDArray> features(ParameterStore ps, NDArray images) {
        if (mean == null) {
            throw new IllegalStateException("vgg19 encoder: not initialised");
        }
        List<NDArray> taps = new ArrayList<>();
        NDArray h = IntermediateScope.apply(images, x -> x.sub(mean).div(std));
        for (int b = 0; b < blocks.size(); b++) {
            List<TorchConv2d> convs = blocks.get(b);
            boolean pool = b > 0;
            // the tap is the ReLU after the block's first convolution; the rest of the block feeds the next tap
            NDArray tap = IntermediateScope.apply(h, x -> Activation.relu(
                    convs.get(0).apply(ps, pool ? Pool.maxPool2d(x, POOL, POOL, new Shape(0, 0), false) : x, TRAINING)));
            taps.add(tap);
            if (convs.size() > 1) {
                h = IntermediateScope.apply(tap, x -> {
                    NDArray y = x;
                    for (int k = 1; k < convs.size(); k++) {
                        y = Activation.relu(convs.get(k).apply(ps, y, TRAINING));
                    }
                    return y;
                });
            }
        }
        return taps;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        long size = in.get(2);
        long channels = 3;
        for (int b = 0; b < blocks.size(); b++) {
            if (b > 0) {
                size = Math.max(1, size / 2);
            }
            for (TorchConv2d conv : blocks.get(b)) {
                conv.initialize(manager, dataType, new Shape(in.get(0), channels, size, size));
                channels = conv.outChannels();
            }
        }
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
}
