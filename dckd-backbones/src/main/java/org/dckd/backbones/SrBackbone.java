package org.dckd.backbones;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.dckd.nn.DjlRuntime;
import org.dckd.nn.SrNetwork;
import org.dckd.nn.TappedNetwork;
import org.dckd.nn.TappedOutput;
import org.dckd.nn.TorchModule;

/**
 * A single-image super-resolution network: NCHW RGB in, NCHW RGB {@link #scale()} times larger out.
 *
 * <p>Input and output are in {@code [0, inputRange()]}: the official RLFN weights expect [0, 255], IMDN and SwinIR
 * [0, 1]. Callers convert (see {@code org.dckd.core.eval}); the network itself does no clamping. Parameter names follow
 * the PyTorch state dict of the official implementation (see {@link TorchModule}), so official {@code .pth} files load
 * strictly. Every backbone exposes named intermediate features ({@link TappedNetwork}) for feature-based distillation.
 * The loss terms see a backbone as an {@link SrNetwork}.
 */
public abstract class SrBackbone extends AbstractBlock implements SrNetwork {

    static {
        DjlRuntime.ensureOffline();
    }

    /**
     * Creates a backbone.
     *
     * @param version the DJL block version
     */
    protected SrBackbone(byte version) {
        super(version);
    }

    /** The upscaling factor (the default reads {@link #config()}). */
    @Override
    public int scale() {
        return config().scale();
    }

    /** The value range of input and output: 1 or 255. */
    @Override
    public abstract float inputRange();

    /** The config this network was built from. */
    public abstract BackboneConfig config();

    /**
     * A new, uninitialised network of the same architecture: the student's EMA and the DCKD history model are made with
     * it. The default rebuilds {@link #config()}.
     *
     * @return the new network
     */
    @Override
    public SrBackbone newInstance() {
        return config().build();
    }

    /**
     * An upper estimate of the memory one inference pass needs per LR input pixel, in bytes, used to choose tiles for
     * large images ({@code SuperResolver}). The default assumes at most 16 feature maps of the widest layer alive at
     * once plus the input and output, {@code 4 (16 C + 6 s^2)} bytes, with {@code C} the largest output width of any
     * parameter (initialised network); networks with other big intermediates (attention) add theirs.
     *
     * @return bytes per LR pixel
     */
    public long inferenceBytesPerPixel() {
        long widest = 0;
        for (Parameter p : TorchModule.parameters(this).values()) {
            Shape shape = p.getArray().getShape();
            if (shape.dimension() >= 2) {
                widest = Math.max(widest, shape.get(0));
            }
        }
        long s = scale();
        return Float.BYTES * (16 * Math.max(widest, 3) + 6 * s * s);
    }

    @Override
    public TappedOutput forwardWithFeatures(ParameterStore parameterStore, NDArray input, boolean training) {
        if (training && !isInitialized()) {
            initialize(parameterStore.getManager(), DataType.FLOAT32, input.getShape());
        }
        Map<String, NDArray> taps = new LinkedHashMap<>();
        NDArray out = run(parameterStore, input, training, taps);
        return new TappedOutput(out, taps);
    }

    @Override
    protected final NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(run(parameterStore, inputs.singletonOrThrow(), training, null));
    }

    /**
     * The forward pass of one NCHW batch in {@code [0, inputRange()]}; the single implementation behind both
     * {@link #forward} and {@link #forwardWithFeatures}.
     *
     * @param parameterStore the parameter store
     * @param x the input
     * @param training whether this is a training pass
     * @param taps where to record the features named by {@link #tapNames()}, or {@code null} when not wanted
     * @return the output, {@code scale()} times larger, in {@code x}'s manager
     */
    protected abstract NDArray run(ParameterStore parameterStore, NDArray x, boolean training, Map<String, NDArray> taps);

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        int s = scale();
        return new Shape[] {new Shape(in.get(0), 3, in.get(2) * s, in.get(3) * s)};
    }

    /**
     * Checks that {@code x} is an {@code (N, 3, H, W)} batch, naming the network in the error.
     *
     * @param network the network's name, for the message
     * @param x the input
     * @throws IllegalArgumentException if it is not
     */
    protected static void requireRgbBatch(String network, NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != 3) {
            throw new IllegalArgumentException(network + " expects an (N, 3, H, W) input, got " + s);
        }
    }
}
