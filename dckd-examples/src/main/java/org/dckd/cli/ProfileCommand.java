package org.dckd.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import ai.djl.ndarray.NDManager;
import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.SrBackbone;
import org.dckd.core.efficiency.EfficiencyProfiler;
import org.dckd.core.efficiency.EfficiencyReport;
import org.dckd.core.eval.EvaluationReport;
import org.dckd.core.model.BackboneLoader;
import org.dckd.data.files.OutputLocations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dckd profile}: the NTIRE efficiency report of a network ({@link EfficiencyProfiler}): parameters, FLOPs
 * (NTIRE 2022 and fvcore-equivalent), activations and convolutions on a {@code 1x3xSxS} input, runtime by the
 * challenge protocol and peak memory.
 */
@Command(name = "profile", sortOptions = false,
        description = {"Efficiency report as the NTIRE ESR challenges measure it: parameters, FLOPs, activations and"
                + " #conv counted on one forward pass of a 1x3xSIZExSIZE input, then runtime (batch 1, warm-up, best of"
                + " --runs per image, mean over the images of --data or one random SIZExSIZE input) and peak memory."})
final class ProfileCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--model", required = true, paramLabel = "NAME|FILE",
            description = "A preset (see 'dckd presets') or a JSON/YAML backbone config file.")
    String model;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Checkpoint (.pth, .safetensors, .npz); optional: the counts do not depend on the weights.")
    Path weights;

    @Option(names = "--scale", required = true, description = "Upscaling factor.")
    int scale;

    @Option(names = "--size", defaultValue = "256", paramLabel = "PX|HxW",
            description = "The counting input, and the random runtime input without --data: a side, or HEIGHTxWIDTH "
                    + "such as 180x320 (the LR of a 1280x720 output at x4) (default: ${DEFAULT-VALUE}, the challenges').")
    String size;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Time the LR images of this folder (or of its LR_bicubic/X<scale>) instead of a random input.")
    Path data;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed warm-up passes (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--runs", defaultValue = "3",
            description = "Timed runs per input, the fastest counts (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--deploy-form",
            description = "Count and time a reparameterisable training-form network (SPAN, LIPT) in its merged deploy "
                    + "form, as its deploy weights run. Default: as the official eval mode runs it (SPAN merged, LIPT "
                    + "with every branch).")
    boolean deployForm;

    @Option(names = "--no-runtime", description = "Only count (no runtime or memory measurement).")
    boolean noRuntime;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the report as JSON (atomically).")
    Path json;

    @Option(names = {"--force", "--overwrite"}, description = "Replace an existing --json file.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ai.djl.Device dev = device.device();   // checked before anything is read or written
        int[] hw = parseSize(size);
        OutputLocations.of("--json", json).input("--data", data).input("--weights", weights)
                .input("--model", BackboneLoader.configFile(model)).check();
        BenchReport.checkWritable(json, force);
        BackboneConfig config = BackboneLoader.config(model, scale);
        List<Path> images = data == null ? null : EfficiencyProfiler.lrImages(data, scale);
        EfficiencyReport report;
        try (NDManager manager = NDManager.newBaseManager(dev)) {
            SrBackbone net = BackboneLoader.build(config, weights, manager);
            EfficiencyProfiler.Builder builder = EfficiencyProfiler.builder().setNetwork(net).optModelName(model)
                    .optWeights(weights == null ? null : weights.toString()).optCountSize(hw[0], hw[1])
                    .optRuntimeSize(hw[0], hw[1]).optDeployForm(deployForm).optWarmup(warmup).optRuns(runs).optMeasureRuntime(!noRuntime);
            if (images != null) {
                builder.optRuntimeImages(images, data.toString());
            }
            report = builder.build().profile(manager);
        }
        out.print(report.table());
        if (json != null) {
            EvaluationReport.writeAtomically(report.toJsonString(), json, force);
            out.println("wrote " + json);
        }
        out.flush();
        return 0;
    }

    /** {@code "256"} or {@code "180x320"} as {height, width}. */
    static int[] parseSize(String value) {
        String[] parts = value.trim().toLowerCase(java.util.Locale.ROOT).split("x", -1);
        try {
            int h = Integer.parseInt(parts[0].trim());
            int w = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : h;
            if (parts.length <= 2 && h >= 1 && w >= 1) {
                return new int[] {h, w};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--size must be a positive side such as 256 or HEIGHTxWIDTH such as "
                + "180x320, got '" + value + "'");
    }
}
