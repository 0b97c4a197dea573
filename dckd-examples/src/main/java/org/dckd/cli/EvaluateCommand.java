package org.dckd.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import ai.djl.ndarray.NDManager;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.SrBackbone;
import org.dckd.config.ByteSize;
import org.dckd.core.eval.BenchmarkEvaluator;
import org.dckd.core.eval.EvaluationReport;
import org.dckd.core.eval.ImageScore;
import org.dckd.core.eval.SuperResolver;
import org.dckd.core.model.BackboneLoader;
import org.dckd.data.files.OutputLocations;
import org.dckd.data.files.UnsafeOutputException;
import org.dckd.data.benchmark.BenchmarkSet;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dckd evaluate}: Y-channel PSNR/SSIM of a network on a benchmark folder. */
@Command(name = "evaluate", sortOptions = false,
        description = {"Score a network on a benchmark folder (Y-channel PSNR/SSIM, crop = scale).",
            "The folder holds HR/*.png and LR_bicubic/X<s>/<name>x<s>.png; missing LR images are made with"
                + " MATLAB-exact bicubic."})
final class EvaluateCommand implements Callable<Integer> {

    /** The {@code --model} value that scores the MATLAB-bicubic baseline instead of a network. */
    static final String BICUBIC = "bicubic";

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--model", required = true, paramLabel = "NAME|FILE",
            description = "A preset (see 'dckd presets'), a JSON/YAML backbone config file, or 'bicubic' for the"
                    + " MATLAB-bicubic baseline.")
    String model;

    @Option(names = "--weights", paramLabel = "FILE",
            description = "Checkpoint: .pth (zip or legacy), .safetensors or .npz. Without it the network is random.")
    Path weights;

    @Option(names = "--scale", required = true, description = "Upscaling factor.")
    int scale;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Benchmark folder.")
    Path data;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the per-image results as CSV.")
    Path csv;

    @Option(names = "--overwrite", description = "Replace existing --json/--csv files.")
    boolean overwrite;

    @Option(names = "--tile", defaultValue = "0", paramLabel = "PX",
            description = "Run in LR tiles of this size (0 = whole images; default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--tile-overlap", defaultValue = "16", paramLabel = "PX",
            description = "Overlap of neighbouring tiles in LR pixels (default: ${DEFAULT-VALUE}).")
    int tileOverlap;

    @Option(names = "--memory-budget", paramLabel = "SIZE",
            description = "Memory one inference pass may use (e.g. 2g); with --tile 0 a larger image runs in tiles that "
                    + "fit, with a log line (default: a quarter of the physical memory, at most 8g).")
    String memoryBudget;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ai.djl.Device dev = device.device();   // checked before anything is read or written
        boolean bicubic = model.equals(BICUBIC);
        if (bicubic && weights != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--model bicubic takes no --weights (got " + weights + ")");
        }
        if (weights == null && !bicubic) {
            spec.commandLine().getErr().println("dckd evaluate: warning: no --weights given; the network has random weights");
        }
        OutputLocations.of("--json", json).output("--csv", csv).input("--data", data).input("--weights", weights)
                .input("--model", bicubic ? null : BackboneLoader.configFile(model)).check();
        if (json != null && csv != null && OutputLocations.sameLocation(json, csv)) {
            throw new UnsafeOutputException("--json and --csv are the same file " + json + "; give them different names");
        }
        for (Path p : new Path[] {json, csv}) {
            if (p != null && !overwrite && java.nio.file.Files.exists(p)) {
                throw new java.io.IOException(p + " already exists; refusing to overwrite it (pass --overwrite)");
            }
        }
        BackboneConfig config = bicubic ? null : BackboneLoader.config(model, scale);
        BenchmarkSet set = BenchmarkSet.open(data, scale);
        long t0 = System.nanoTime();
        List<ImageScore> scores;
        if (bicubic) {
            out.printf(Locale.ROOT, "bicubic x%d on %s: %d images%n", scale, data, set.size());
            out.flush();
            scores = BenchmarkEvaluator.bicubicScores(set);
        } else {
            try (NDManager manager = NDManager.newBaseManager(dev)) {
                SrBackbone net = BackboneLoader.build(config, weights, manager);
                SuperResolver.Builder builder = SuperResolver.builder().setNetwork(net).optTile(tile)
                        .optTileOverlap(tile > 0 ? tileOverlap : 0);
                if (memoryBudget != null) {
                    builder.optMemoryBudget(ByteSize.parse(memoryBudget, "--memory-budget"));
                }
                SuperResolver resolver = builder.build();
                out.printf(Locale.ROOT, "%s x%d (%,d parameters) on %s: %d images%n", model, scale,
                        net.parameterCount(), data, set.size());
                out.flush();
                scores = BenchmarkEvaluator.score(resolver, set, manager, s -> { });
            }
        }
        EvaluationReport report = new EvaluationReport(model, weights == null ? null : weights.toString(),
                data.toString(), scale, scores);
        out.print(report.table());
        out.printf(Locale.ROOT, "total %.2f s (%s %.2f s)%n", (System.nanoTime() - t0) / 1e9,
                bicubic ? "resizing" : "network", report.seconds());
        if (json != null) {
            EvaluationReport.writeAtomically(report.toJson(), json, overwrite);
            out.println("wrote " + json);
        }
        if (csv != null) {
            EvaluationReport.writeAtomically(report.toCsv(), csv, overwrite);
            out.println("wrote " + csv);
        }
        out.flush();
        return 0;
    }
}
