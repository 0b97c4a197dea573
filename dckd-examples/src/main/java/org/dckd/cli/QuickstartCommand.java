package org.dckd.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;


import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.eval.BenchmarkEvaluator;
import org.dckd.core.experiment.ExperimentRunner;
import org.dckd.core.train.MetricsLog;
import org.dckd.data.benchmark.BenchmarkSet;
import org.dckd.data.image.ImageFiles;
import org.dckd.data.metrics.QualityScore;
import org.dckd.data.synthetic.ProceduralImages;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dckd quickstart}: the whole method on built-in procedural images, with no files to download or prepare.
 *
 * <p>It renders a training pool and a test set, trains a small RLFN teacher, then trains the same small student twice
 * for the same number of iterations: from scratch (L1 to HR) and with DCKD (L1 to HR + L1 to the teacher + 0.1 DCR +
 * 0.001 DMM, random-encoder feature space, k-means codebook), and prints PSNR/SSIM of bicubic, scratch, DCKD and the
 * teacher. Every stage is an ordinary run folder with its config, metrics, curves and checkpoints.
 */
@Command(name = "quickstart", sortOptions = false,
        description = {"Train a teacher, then a student from scratch and with DCKD, on built-in procedural images (no"
            + " files needed), and compare them. About 5-10 minutes on 2 CPU cores."})
final class QuickstartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for the runs (default: runs/quickstart-<time>).")
    Path out;

    @Option(names = "--teacher-iterations", defaultValue = "600", description = "Default: ${DEFAULT-VALUE}.")
    int teacherIterations;

    @Option(names = "--student-iterations", defaultValue = "500", description = "Default: ${DEFAULT-VALUE}.")
    int studentIterations;

    @Option(names = "--test-images", defaultValue = "6", description = "Default: ${DEFAULT-VALUE}.")
    int testImages;

    @Option(names = "--seed", defaultValue = "2025", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--scale", defaultValue = "2", description = "Upscaling factor (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--lr", defaultValue = "0.002", description = "Learning rate of all three runs (default: ${DEFAULT-VALUE}).")
    double lr;
    private static final String DATA = "{type: procedural, images: 24, size: 256, patch: 32, batch_size: 8}";
    private static final String TEACHER = "{type: rlfn, feature_channels: 32, blocks: 4, input_range: 1}";
    private static final String STUDENT = "{type: rlfn, feature_channels: 24, blocks: 3, esa_channels: 16, input_range: 1}";
    private static final String ENCODER = "{type: random, channels: [16, 16, 32, 32, 64]}";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        device.device();   // checked before anything is read or written
        Path root = out(this.out);
        if (Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            boolean empty = Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (empty) {
                try (java.util.stream.Stream<Path> entries = Files.list(root)) {
                    empty = entries.findAny().isEmpty();
                }
            }
            if (!empty) {
                throw new java.nio.file.FileAlreadyExistsException(root.toString(), null, "quickstart writes its "
                        + "configs, test images and runs into a new folder; this one is a file or not empty: choose "
                        + "another --out");
            }
        }
        Files.createDirectories(root);
        Path test = root.resolve("testset");
        Files.createDirectories(test.resolve("HR"));
        for (int i = 0; i < testImages; i++) {
            ImageFiles.writePng(ProceduralImages.render(seed + 7, i, 192, 192),
                    test.resolve("HR").resolve(String.format("test_%02d.png", i)), ImageFiles.IfExists.FAIL);
        }
        out.printf(Locale.ROOT, "dckd quickstart in %s: x%d, built-in procedural images (training pool + %d test"
                + " images), no files needed%n%n", root, scale, testImages);
        out.flush();

        ExperimentRunner.Result teacher = stage(out, root, "teacher", "train", String.join("\n",
                "student: {network: " + TEACHER + "}",
                "losses: [{type: l1}]",
                "optimizer: {lr: " + lr + "}",
                "train: {iterations: " + teacherIterations + ", grad_clip: 5, log_every: 20, val_every: " + teacherIterations
                        + ", save_every: " + teacherIterations + "}"), test);
        Path teacherWeights = teacher.run().checkpoints().latest().orElseThrow().emaWeights();
        String teacherSpec = "teacher: {network: " + TEACHER + ", weights: " + teacherWeights + "}";
        String common = String.join("\n", "student: {network: " + STUDENT + "}",
                "optimizer: {lr: " + lr + "}",
                "train: {iterations: " + studentIterations + ", grad_clip: 5, log_every: 20, val_every: " + studentIterations
                        + ", save_every: " + studentIterations + "}");
        ExperimentRunner.Result scratch = stage(out, root, "student_scratch", "train",
                common + "\nlosses: [{type: l1}]", test);
        ExperimentRunner.Result dckd = stage(out, root, "student_dckd", "distill", String.join("\n", common,
                teacherSpec,
                "losses:",
                "  - {type: l1}",
                "  - {type: l1, target: teacher}",
                "  - {type: dcr, weight: 0.1, encoder: " + ENCODER + ", history: {steps: [100]}}",
                "  - {type: dmm, weight: 0.001, encoder: " + ENCODER + ", codebook: {size: 64}}"), test);

        QualityScore bicubic = BenchmarkEvaluator.bicubic(BenchmarkSet.open(test, scale));
        out.println();
        out.printf(Locale.ROOT, "%-22s %11s %9s %8s %10s%n", "x" + scale + ", built-in test set", "parameters", "PSNR-Y", "SSIM-Y",
                "train (s)");
        out.printf(Locale.ROOT, "%-22s %11s %9.3f %8.4f %10s%n", "bicubic", "-", bicubic.psnr(), bicubic.ssim(), "-");
        row(out, "student, scratch", scratch);
        row(out, "student, DCKD", dckd);
        row(out, "teacher", teacher);
        out.printf(Locale.ROOT, "%nStudents: %d iterations each, same data order and init. Runs (configs, metrics.csv,"
                + " losses.png, checkpoints): %s%n", studentIterations, root);
        out.flush();
        return 0;
    }

    private static Path out(Path given) {
        if (given != null) {
            return given;
        }
        return Path.of("runs", "quickstart-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    private ExperimentRunner.Result stage(PrintWriter out, Path root, String name, String kind, String body, Path test)
            throws Exception {
        Path cfg = root.resolve(name + ".yaml");
        Files.writeString(cfg, String.join("\n", "name: " + name, "scale: " + scale, "seed: " + seed,
                "data: " + DATA, body, "validation: {sets: [" + test + "]}", ""));
        ExperimentConfig.Loaded loaded = ExperimentConfig.load(cfg, List.of());
        out.printf(Locale.ROOT, "[%s] %s (%s)%n", name, kind.equals("distill") ? "distilling from the teacher"
                : "training", cfg);
        out.flush();
        try (TrainingProgress progress = new TrainingProgress(name, out)) {
            return ExperimentRunner.run(loaded, new ExperimentRunner.Options(root.resolve(name), false, null,
                    device.device(), kind.equals("distill")), progress);
        }
    }

    private static void row(PrintWriter out, String label, ExperimentRunner.Result r) {
        MetricsLog.ValidationRow v = r.summary().lastValidation().get(0);
        out.printf(Locale.ROOT, "%-22s %,11d %9.3f %8.4f %10.0f%n", label, r.studentParameters(), v.psnr(), v.ssim(),
                r.seconds());
    }
}
