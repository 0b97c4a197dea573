package org.dckd.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import ai.djl.Device;

import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.experiment.ExperimentRunner;
import org.dckd.core.train.MetricsLog;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dckd train} and {@code dckd distill}: run an experiment config. */
@Command(name = "train", sortOptions = false,
        description = {"Train a network from an experiment config: a teacher, or a student from scratch (or with any"
            + " loss terms; 'distill' additionally requires a teacher).",
            "Writes runs/<name>/ (or --out): config.yaml, metrics.csv, validation.csv, losses.png, checkpoints/, best/,"
                + " results.json (with the student's efficiency report) and the model card README.md; a"
                + " reparameterisable student (SPAN) also gets its deploy weights (student_deploy.safetensors)."})
class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Experiment config (YAML or JSON).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config value, e.g. --set train.iterations=1000 --set losses[2].weight=0.2")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/<name>).")
    Path out;

    @Option(names = "--overwrite", description = "Replace an existing run folder (default: refuse).")
    boolean overwrite;

    @Option(names = "--resume", arity = "0..1", fallbackValue = "latest", paramLabel = "CHECKPOINT",
            description = "Continue the run in --out from its latest checkpoint, or from the given checkpoint folder.")
    String resume;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--threads", paramLabel = "N", description = "Torch intra-op threads (default: all cores).")
    Integer threads;

    boolean requireTeacher() {
        return false;
    }

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        if (resume != null && overwrite) {
            throw new IllegalArgumentException("--resume and --overwrite exclude each other");
        }
        PrintWriter out = spec.commandLine().getOut();
        ExperimentConfig.Loaded loaded = ExperimentConfig.load(config, overrides);
        Device dev = device.device();
        ExperimentRunner.Result r;
        try (TrainingProgress progress = new TrainingProgress(loaded.config().name(), out)) {
            r = ExperimentRunner.run(loaded, new ExperimentRunner.Options(this.out, overwrite, resume, dev,
                    requireTeacher(), commandLine()), progress);
        }
        out.printf(Locale.ROOT, "%s: %d iterations in %.1f s; student %,d parameters%n", loaded.config().name(),
                r.summary().iterations(), r.seconds(), r.studentParameters());
        for (MetricsLog.ValidationRow v : r.summary().lastValidation()) {
            out.printf(Locale.ROOT, "  %s: %.4f dB / %.5f (EMA weights, iteration %d)%n", v.set(), v.psnr(), v.ssim(),
                    v.iteration());
        }
        out.println("run folder: " + r.run().root());
        out.flush();
        return 0;
    }

    /** The command line as the user typed it (its arguments, the command name first, quoted for a POSIX shell where needed). */
    String commandLine() {
        StringBuilder b = new StringBuilder("./dckd");
        for (String arg : spec.commandLine().getParseResult().originalArgs()) {
            b.append(' ').append(arg.matches("[A-Za-z0-9_./:=,+@%-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }

    /** {@code dckd distill}: the same, but the config must have a teacher. */
    @Command(name = "distill", sortOptions = false,
            description = {"Distil a student from a frozen teacher (the config must have 'teacher' with weights).",
                "Same options and outputs as 'train'."})
    static final class Distill extends TrainCommand {
        @Override
        boolean requireTeacher() {
            return true;
        }
    }
}
