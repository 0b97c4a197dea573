package org.dckd.core.efficiency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.dckd.backbones.DeployConversion;
import org.dckd.backbones.SrBackbone;
import org.dckd.data.image.Image;
import org.dckd.data.image.ImageFiles;
import org.dckd.nn.SrNetwork;
import org.dckd.nn.TorchModule;
import org.dckd.nn.complexity.ComplexityCounter;
import org.dckd.nn.complexity.OperationCounts;

/**
 * Measures a network's {@link EfficiencyReport} as the NTIRE efficient super-resolution challenges do:
 * <ul>
 *   <li>parameters: every parameter element, trained or not;</li>
 *   <li>FLOPs, activations, convolutions: one counted forward pass on a {@code (1, 3, H, W)} input (default
 *       256x256, the challenges' {@code input_dim}); see {@link OperationCounts} for the conventions;</li>
 *   <li>runtime (optional): batch 1; {@link Builder#optWarmup warm-up} passes on the first input; then for each input
 *       the fastest of {@link Builder#optRuns} timed runs of the forward pass alone (inputs are read and converted
 *       before the clock starts; on a GPU the clock stops after the output is complete); the mean over the inputs of
 *       the images given ({@link #lrImages}) or of one random input;</li>
 *   <li>peak memory of the timed passes: on CPU the process's peak resident set (reset before the timed passes where
 *       Linux allows; it includes the JVM and the weights); on GPU "not available": DJL exposes no counterpart of
 *       {@code torch.cuda.max_memory_allocated}.</li>
 * </ul>
 *
 * <pre>{@code
 * EfficiencyReport r = EfficiencyProfiler.builder().setNetwork(net).optModelName("rlfn").build().profile(manager);
 * }</pre>
 */
public final class EfficiencyProfiler {

    /** The challenges' counting input side, 256. */
    public static final int DEFAULT_SIZE = 256;
    /** Default warm-up passes. */
    public static final int DEFAULT_WARMUP = 1;
    /** Default timed runs per input (the fastest counts). */
    public static final int DEFAULT_RUNS = 3;

    private final SrNetwork network;
    private final String modelName;
    private final String weights;
    private final int countHeight;
    private final int countWidth;
    private final boolean measureRuntime;
    private final boolean deployForm;
    private final List<Path> runtimeImages;
    private final String runtimeSource;
    private final int runtimeHeight;
    private final int runtimeWidth;
    private final int warmup;
    private final int runs;

    private EfficiencyProfiler(Builder b) {
        network = b.network;
        modelName = b.modelName != null ? b.modelName : network.getClass().getSimpleName();
        weights = b.weights;
        countHeight = b.countHeight;
        countWidth = b.countWidth;
        measureRuntime = b.measureRuntime;
        deployForm = b.deployForm;
        runtimeImages = b.runtimeImages == null ? null : List.copyOf(b.runtimeImages);
        runtimeSource = b.runtimeSource;
        runtimeHeight = b.runtimeHeight > 0 ? b.runtimeHeight : countHeight;
        runtimeWidth = b.runtimeWidth > 0 ? b.runtimeWidth : countWidth;
        warmup = b.warmup;
        runs = b.runs;
    }

    /** A builder: {@code setNetwork} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The LR images of a folder for the runtime: those of {@code LR_bicubic/X<scale>} when the folder is a benchmark
     * folder (as {@code dckd evaluate} reads), otherwise the image files directly in it.
     *
     * @param folder the folder
     * @param scale the upscaling factor
     * @return the image files, sorted by name
     * @throws IOException if the folder cannot be listed
     * @throws IllegalArgumentException if it holds no image, naming it
     */
    public static List<Path> lrImages(Path folder, int scale) throws IOException {
        Path lr = folder.resolve("LR_bicubic").resolve("X" + scale);
        Path where = Files.isDirectory(lr) ? lr : folder;
        List<Path> images = ImageFiles.listImages(where);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no image files in " + where + " (expected LR images, or a benchmark "
                    + "folder with LR_bicubic/X" + scale + ")");
        }
        return images;
    }

    /**
     * Counts, and measures the runtime if asked, on the network's device.
     *
     * @param manager the manager of the network's parameters (its device is where everything runs)
     * @return the report
     * @throws IOException if an image cannot be read (the message names it)
     */
    public EfficiencyReport profile(NDManager manager) throws IOException {
        if (countHeight < network.minInputSize() || countWidth < network.minInputSize()) {
            throw new IllegalArgumentException("counting input " + countHeight + "x" + countWidth + " is smaller than "
                    + "the network's minimum side " + network.minInputSize());
        }
        // counted and timed as the official eval mode runs it (a SPAN training form merged, a LIPT training form with
        // its branches), or as its deploy weights run if asked; the parameters are the given network's (PyTorch's)
        SrNetwork inference = !(network instanceof SrBackbone b) ? network
                : deployForm ? DeployConversion.deployedForm(b, manager) : DeployConversion.inferenceForm(b, manager);
        OperationCounts counts = ComplexityCounter.countForward(inference, manager,
                new Shape(1, 3, countHeight, countWidth));
        RuntimeMeasurement runtime = measureRuntime ? measureRuntime(inference, manager) : null;
        return new EfficiencyReport(modelName, weights, network.scale(), countHeight, countWidth,
                network.parameterCount(), TorchModule.trainableParameterCount(network), counts, runtime);
    }

    private RuntimeMeasurement measureRuntime(SrNetwork network, NDManager manager) throws IOException {
        Device device = manager.getDevice();
        List<Path> files = runtimeImages;
        int inputs = files == null ? 1 : files.size();
        List<RuntimeMeasurement.ImageRuntime> results = new ArrayList<>();
        boolean reset = false;
        for (int i = 0; i < inputs; i++) {
            try (NDManager images = manager.newSubManager()) {
                String name;
                NDArray lr;
                if (files == null) {
                    name = "random";
                    lr = randomInput(images);
                } else {
                    Path file = files.get(i);
                    name = file.getFileName().toString();
                    lr = imageInput(images, ImageFiles.read(file));
                }
                if (i == 0) {
                    for (int w = 0; w < warmup; w++) {
                        timedForward(network, lr, device);
                    }
                    reset = !device.isGpu() && ProcessMemory.resetPeak();
                }
                double best = Double.POSITIVE_INFINITY;
                for (int r = 0; r < runs; r++) {
                    best = Math.min(best, timedForward(network, lr, device));
                }
                Shape s = lr.getShape();
                results.add(new RuntimeMeasurement.ImageRuntime(name, (int) s.get(3), (int) s.get(2), best));
            }
        }
        RuntimeMeasurement.PeakMemory memory = device.isGpu()
                ? new RuntimeMeasurement.PeakMemory("max allocated on " + device, Double.NaN,
                        "DJL 0.35.1 exposes no counterpart of torch.cuda.max_memory_allocated")
                : new RuntimeMeasurement.PeakMemory("resident set of the process", ProcessMemory.peakResidentMb(),
                        reset ? "peak since the timed passes began, incl. the JVM and the weights"
                                : "lifetime peak of the process (the peak could not be reset)");
        String source = files == null
                ? String.format(Locale.ROOT, "random %dx%d", runtimeHeight, runtimeWidth)
                : runtimeSource != null ? runtimeSource : files.size() + " files";
        return new RuntimeMeasurement(device.toString(), torchThreads(), warmup, runs, source, results, memory);
    }

    /**
     * One forward pass of {@code timed} (the inference form, not necessarily the given network) in ms; its arrays are
     * released afterwards, outside the timed span.
     */
    private static double timedForward(SrNetwork timed, NDArray lr, Device device) {
        try (NDManager scope = lr.getManager().newSubManager()) {
            lr.tempAttach(scope);
            long t0 = System.nanoTime();
            NDArray out = timed.forward(new ParameterStore(scope, false), new NDList(lr), false).singletonOrThrow();
            if (device.isGpu()) {
                out.flatten().get(0).getFloat();   // waits for the device
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private NDArray randomInput(NDManager manager) {
        int n = 3 * runtimeHeight * runtimeWidth;
        float[] values = new float[n];
        Random random = new Random(31L * runtimeHeight + runtimeWidth);
        float range = network.inputRange();
        for (int i = 0; i < n; i++) {
            values[i] = random.nextFloat() * range;
        }
        return manager.create(values, new Shape(1, 3, runtimeHeight, runtimeWidth));
    }

    private NDArray imageInput(NDManager manager, Image image) {
        return manager.create(image.toChw(network.inputRange()), new Shape(1, 3, image.height(), image.width()));
    }

    private static String torchThreads() {
        String p = System.getProperty("ai.djl.pytorch.num_threads");
        return p != null ? p : "default (" + Runtime.getRuntime().availableProcessors() + " CPUs)";
    }

    /** Builds an {@link EfficiencyProfiler}: {@code setNetwork} is required, the rest optional. */
    public static final class Builder {

        private SrNetwork network;
        private String modelName;
        private String weights;
        private int countHeight = DEFAULT_SIZE;
        private int countWidth = DEFAULT_SIZE;
        private boolean measureRuntime = true;
        private boolean deployForm;
        private List<Path> runtimeImages;
        private String runtimeSource;
        private int runtimeHeight;
        private int runtimeWidth;
        private int warmup = DEFAULT_WARMUP;
        private int runs = DEFAULT_RUNS;

        private Builder() {}

        /**
         * Sets the network (required): initialised, its parameters on the device to measure.
         *
         * @param value the network
         * @return this builder
         */
        public Builder setNetwork(SrNetwork value) {
            network = Objects.requireNonNull(value, "network");
            return this;
        }

        /**
         * Sets the model name of the report (default: the network's class name).
         *
         * @param value e.g. the preset or config file
         * @return this builder
         */
        public Builder optModelName(String value) {
            modelName = value;
            return this;
        }

        /**
         * Sets the checkpoint the weights came from, for the report (default: none, random weights).
         *
         * @param value the checkpoint path as given
         * @return this builder
         */
        public Builder optWeights(String value) {
            weights = value;
            return this;
        }

        /**
         * Sets the counting input {@code (1, 3, height, width)} (default 256x256).
         *
         * @param height at least 1
         * @param width at least 1
         * @return this builder
         */
        public Builder optCountSize(int height, int width) {
            countHeight = height;
            countWidth = width;
            return this;
        }

        /**
         * Sets whether to measure the runtime (default true).
         *
         * @param value false for the counts only
         * @return this builder
         */
        public Builder optMeasureRuntime(boolean value) {
            measureRuntime = value;
            return this;
        }

        /**
         * Sets whether to count and time a reparameterisable training-form network in its deploy form, as its deploy
         * weights run (default false: as the official evaluation mode runs it, {@code DeployConversion#inferenceForm},
         * which for LIPT is every branch). The parameter figures stay those of the given network.
         *
         * @param value true for the deploy form
         * @return this builder
         */
        public Builder optDeployForm(boolean value) {
            deployForm = value;
            return this;
        }

        /**
         * Times these LR images (batch 1, one after another) instead of one random input.
         *
         * @param images the image files (see {@link EfficiencyProfiler#lrImages})
         * @param source how to name them in the report, e.g. the folder
         * @return this builder
         */
        public Builder optRuntimeImages(List<Path> images, String source) {
            runtimeImages = List.copyOf(images);
            runtimeSource = source;
            return this;
        }

        /**
         * Sets the side of the random runtime input when no images are given (default: the counting size).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optRuntimeSize(int value) {
            return optRuntimeSize(value, value);
        }

        /**
         * Sets the random runtime input {@code (1, 3, height, width)} when no images are given (default: the counting
         * size), e.g. 180x320, the LR of a 1280x720 output at x4 that latency papers time.
         *
         * @param height at least 1
         * @param width at least 1
         * @return this builder
         */
        public Builder optRuntimeSize(int height, int width) {
            runtimeHeight = height;
            runtimeWidth = width;
            return this;
        }

        /**
         * Sets the untimed warm-up passes on the first input (default {@value EfficiencyProfiler#DEFAULT_WARMUP}).
         *
         * @param value at least 0
         * @return this builder
         */
        public Builder optWarmup(int value) {
            warmup = value;
            return this;
        }

        /**
         * Sets the timed runs per input, of which the fastest counts (default
         * {@value EfficiencyProfiler#DEFAULT_RUNS}).
         *
         * @param value at least 1
         * @return this builder
         */
        public Builder optRuns(int value) {
            runs = value;
            return this;
        }

        /**
         * The profiler.
         *
         * @return the profiler
         * @throws IllegalStateException if {@code setNetwork} was not called
         * @throws IllegalArgumentException naming a value out of range
         */
        public EfficiencyProfiler build() {
            if (network == null) {
                throw new IllegalStateException("efficiency profiler: setNetwork is required");
            }
            if (countHeight < 1 || countWidth < 1) {
                throw new IllegalArgumentException("efficiency profiler: the counting size must be positive, got "
                        + countHeight + "x" + countWidth);
            }
            if (runtimeHeight < 0 || runtimeWidth < 0 || warmup < 0 || runs < 1) {
                throw new IllegalArgumentException("efficiency profiler: runtime size must be positive, warm-up at "
                        + "least 0 and runs at least 1, got " + runtimeHeight + "x" + runtimeWidth + ", " + warmup
                        + ", " + runs);
            }
            if (runtimeImages != null && runtimeImages.isEmpty()) {
                throw new IllegalArgumentException("efficiency profiler: the runtime image list is empty");
            }
            return new EfficiencyProfiler(this);
        }
    }
}
