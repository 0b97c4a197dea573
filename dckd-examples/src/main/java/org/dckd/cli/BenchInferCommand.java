package org.dckd.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.backbones.SrBackbone;
import org.dckd.core.efficiency.ProcessMemory;
import org.dckd.core.eval.SuperResolver;
import org.dckd.core.model.BackboneLoader;
import org.dckd.data.files.OutputLocations;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dckd bench infer}: the time of one inference pass (batch 1, no gradient, whole image, as {@code evaluate} and
 * {@code upscale} run it through {@link SuperResolver}) of preset networks on square LR images of fixed sizes.
 * {@code tools/bench/torch_twin.py infer} times the same passes in PyTorch (see docs/performance.md).
 */
@Command(name = "infer", sortOptions = false,
        description = {"Measure ms per inference pass (median after warm-up) of preset networks, batch 1, on random"
            + " square LR images of the given sizes, as evaluate and upscale run them."})
final class BenchInferCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--models", split = ",", paramLabel = "PRESET",
            description = "Preset networks (default: ${DEFAULT-VALUE}); see 'dckd presets'.")
    List<String> models = new ArrayList<>(List.of("rlfn", "imdn"));

    @Option(names = "--scale", defaultValue = "4", description = "Upscaling factor (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--sizes", split = ",", paramLabel = "PX",
            description = "LR image sides in pixels (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes = new ArrayList<>(List.of(128, 256));

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up passes per case (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "10", description = "Measured passes per case (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--overwrite", description = "Replace an existing --json file.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        device.device();   // checked before anything is read or written
        PrintWriter out = spec.commandLine().getOut();
        OutputLocations.of("--json", json).check();
        BenchReport.checkWritable(json, overwrite);
        if (warmup < 0 || steps < 1) {
            throw new IllegalArgumentException("--warmup must be at least 0 and --steps at least 1, got " + warmup
                    + " and " + steps);
        }
        for (int size : sizes) {
            if (size < 1) {
                throw new IllegalArgumentException("--sizes: an LR side must be positive, got " + size);
            }
        }
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("torch_threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        root.put("scale", scale);
        root.put("warmup", warmup);
        root.put("steps", steps);
        ObjectNode res = root.putObject("cases");
        out.printf(Locale.ROOT, "%-24s %12s %12s%n", "case", "ms/pass", "p90 ms");
        try (NDManager manager = NDManager.newBaseManager(device.device())) {
            for (String model : models) {
                try (NDManager owner = manager.newSubManager()) {
                    SrBackbone network = BackboneLoader.build(BackboneLoader.config(model, scale), null, owner);
                    SuperResolver resolver = SuperResolver.builder().setNetwork(network)
                            .optMemoryBudget(Long.MAX_VALUE).build();
                    for (int size : sizes) {
                        double[] ms = time(resolver, size, owner);
                        String name = model + "_" + size;
                        ObjectNode n = res.putObject(name);
                        n.put("model", model);
                        n.put("lr_size", size);
                        n.put("median_ms", ms[steps / 2]);
                        n.put("p90_ms", ms[(int) (steps * 0.9)]);
                        out.printf(Locale.ROOT, "%-24s %12.1f %12.1f%n", name, ms[steps / 2], ms[(int) (steps * 0.9)]);
                        out.flush();
                    }
                }
            }
        }
        root.put("peak_rss_mb", ProcessMemory.peakResidentMb());
        BenchReport.write(root, json, overwrite, out);
        out.flush();
        return 0;
    }

    /** The sorted times in ms of {@code steps} passes after {@code warmup}, on one random image in [0, 1]. */
    private double[] time(SuperResolver resolver, int size, NDManager manager) {
        float[] pixels = new float[3 * size * size];
        Random random = new Random(size);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        double[] ms = new double[steps];
        try (NDManager images = manager.newSubManager()) {
            NDArray lr = images.create(pixels, new Shape(1, 3, size, size));
            for (int i = 0; i < warmup + steps; i++) {
                long t0 = System.nanoTime();
                try (NDManager scope = images.newSubManager()) {
                    lr.tempAttach(scope);
                    resolver.upscale(lr).close();
                }
                double t = (System.nanoTime() - t0) / 1e6;
                if (i >= warmup) {
                    ms[i - warmup] = t;
                }
            }
        }
        Arrays.sort(ms);
        return ms;
    }
}
