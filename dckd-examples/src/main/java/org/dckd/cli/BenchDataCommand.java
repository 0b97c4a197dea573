package org.dckd.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.backbones.catalog.Backbones;
import org.dckd.backbones.SrBackbone;
import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.distill.Distiller;
import org.dckd.core.efficiency.ProcessMemory;
import org.dckd.core.eval.EvaluationReport;
import org.dckd.core.model.BackboneLoader;
import org.dckd.data.files.OutputLocations;
import org.dckd.data.loader.PatchBatch;
import org.dckd.data.loader.PatchLoader;
import org.dckd.data.prepare.FileNamePattern;
import org.dckd.data.prepare.MetaInfo;
import org.dckd.data.prepare.SubImageExtractor;
import org.dckd.data.training.Div2kSource;
import org.dckd.data.training.Flickr2kSource;
import org.dckd.data.training.HrOnlySource;
import org.dckd.data.training.PairedSource;
import org.dckd.data.training.SourceConfig;
import org.dckd.data.training.SourceSummary;
import org.dckd.data.training.TrainingDataConfig;
import org.dckd.data.training.TrainingPair;
import org.dckd.data.training.TrainingSet;
import org.dckd.losses.LossTerm;
import org.dckd.losses.LossTermConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dckd bench data}: how fast the patch loader delivers batches (loose images and sub-images, 1 and 2 workers)
 * next to how fast a student's training step consumes them, measured in the same run.
 */
@Command(name = "data", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the patch loader (batches/s, patches/s, CPU per batch, peak memory) on loose images",
            "and on sub-images, and the training-step rate of a student (Distiller: L1 to HR, Adam, EMA) on the same",
            "batches.",
            "DIR is a DIV2K or Flickr2K root, a benchmark-style folder (HR/ + LR_bicubic/X<s>/) or a folder of HR",
            "images (LR made with MATLAB-exact bicubic into the work folder)."})
final class BenchDataCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Training images (see above).")
    Path data;

    @Option(names = "--scale", defaultValue = "4", description = "Scale factor (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--patch", defaultValue = "48", paramLabel = "PX",
            description = "LR patch size (default: ${DEFAULT-VALUE}).")
    int patch;

    @Option(names = "--batch", defaultValue = "16", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--workers", defaultValue = "1,2", split = ",", paramLabel = "N",
            description = "Loader thread counts to measure (default: ${DEFAULT-VALUE}).")
    List<Integer> workers;

    @Option(names = "--modes", defaultValue = "loose,subimages", split = ",",
            description = "Storage modes to measure: loose, subimages (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--batches", defaultValue = "60",
            description = "Timed batches per measurement (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed batches first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--max-images", defaultValue = "0",
            description = "Use only the first N images of DIR (0: all; default: ${DEFAULT-VALUE}).")
    int maxImages;

    @Mixin
    SubImageGeometryOptions geometry;

    @Option(names = "--student", defaultValue = "rlfn_s",
            description = "Backbone preset whose training step is measured (default: ${DEFAULT-VALUE}).")
    String student;

    @Option(names = "--train-steps", defaultValue = "10",
            description = "Timed training steps (0 skips the training measurement; default: ${DEFAULT-VALUE}).")
    int trainSteps;

    @Option(names = "--seed", defaultValue = "10", description = "Data seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Folder for generated LR images and sub-images, kept and reused by later runs"
                + " (default: a temporary folder, deleted).")
    Path workDir;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the measurements as JSON.")
    Path json;

    @Option(names = "--overwrite", description = "Replace an existing --json file.")
    boolean overwrite;

    private PrintWriter out;
    private ConsoleProgress progress;

    /** One loader measurement. */
    private record LoaderRun(String mode, int workers, int batches, double seconds, double cpuMsPerBatch,
                             double peakHeapMb, double peakRssMb) {
        double batchesPerSecond() {
            return batches / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        device.device();   // checked before anything is read or written
        out = spec.commandLine().getOut();
        progress = ConsoleProgress.forCommand(spec.commandLine().getErr());
        OutputLocations.of("--json", json).output("--work-dir", workDir).input("--data", data).check();
        if (json != null && !overwrite && Files.exists(json)) {
            throw new IOException(json + " already exists; refusing to overwrite it (pass --overwrite)");
        }
        for (String m : modes) {
            if (!m.equals("loose") && !m.equals("subimages")) {
                throw new IllegalArgumentException("--modes: unknown mode '" + m + "' (loose, subimages)");
            }
        }
        boolean temporary = workDir == null;
        Path work = temporary ? Files.createTempDirectory("dckd-bench-data") : Files.createDirectories(workDir);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        try {
            run(work, root);
        } finally {
            if (temporary) {
                deleteTree(work);
            }
        }
        if (json != null) {
            EvaluationReport.writeAtomically(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
                    json, overwrite);
            out.println("wrote " + json);
        }
        out.flush();
        return 0;
    }

    private void run(Path work, ObjectNode root) throws Exception {
        double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        root.put("command", "./dckd " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        root.put("date", java.time.Instant.now().toString());
        root.put("data", data.toString());
        root.put("scale", scale);
        root.put("patch", patch);
        root.put("batch", batch);
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("torch_threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        machine.put("load_average_start", round(load0, 2));

        SourceConfig looseSource = detect(work);
        TrainingDataConfig base = TrainingDataConfig.builder(scale).addSource(looseSource).optPatchSize(patch)
                .optBatchSize(batch).optSeed(seed).optWorkers(2).optUseSubimages(false).build();
        long t0 = System.nanoTime();
        TrainingSet loose = TrainingSet.open(base, Path.of(""), progress);
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        SourceSummary ls = loose.sources().get(0);
        out.printf(Locale.ROOT, "loose images: %s (opened and checked in %.1f s)%n", ls, openSeconds);
        ObjectNode looseNode = root.putObject("loose");
        looseNode.put("pairs", loose.size());
        looseNode.put("hr_folder", ls.hrFolder().toString());
        looseNode.put("lr_folder", ls.lrFolder().toString());
        looseNode.put("lr_generated", ls.lrGenerated());
        looseNode.put("open_seconds", round(openSeconds, 2));

        TrainingSet sub = null;
        if (modes.contains("subimages")) {
            sub = subImages(loose, base, work, root.putObject("subimages"));
        }
        out.println();
        out.printf("%-10s %7s %10s %10s %14s %12s %12s%n", "mode", "workers", "batches/s", "patches/s", "CPU ms/batch",
                "peak heap", "peak RSS");
        ArrayNode runs = root.putArray("loader");
        List<LoaderRun> results = new ArrayList<>();
        for (String mode : modes) {
            TrainingSet set = mode.equals("loose") ? loose : sub;
            for (int w : workers) {
                LoaderRun r = measureLoader(mode, set, base.toBuilder().optWorkers(w).optPrefetch(Math.max(4, 2 * w))
                        .build());
                results.add(r);
                out.printf(Locale.ROOT, "%-10s %7d %10.2f %10.1f %14.1f %9.0f MB %9.0f MB%n", r.mode(), r.workers(),
                        r.batchesPerSecond(), r.batchesPerSecond() * batch, r.cpuMsPerBatch(), r.peakHeapMb(),
                        r.peakRssMb());
                out.flush();
                ObjectNode n = runs.addObject();
                n.put("mode", r.mode());
                n.put("workers", r.workers());
                n.put("batches", r.batches());
                n.put("seconds", round(r.seconds(), 3));
                n.put("batches_per_s", round(r.batchesPerSecond(), 3));
                n.put("patches_per_s", round(r.batchesPerSecond() * batch, 1));
                n.put("cpu_ms_per_batch", round(r.cpuMsPerBatch(), 1));
                n.put("peak_heap_mb", round(r.peakHeapMb(), 0));
                n.put("peak_rss_mb", round(r.peakRssMb(), 0));
            }
        }

        if (trainSteps > 0) {
            TrainingSet feedSet = sub != null ? sub : loose;
            String feedMode = sub != null ? "subimages" : "loose";
            out.println();
            double alone = measureTraining(feedSet, base, false, root.putObject("train_step"));
            out.printf(Locale.ROOT, "%s x%d training step (Distiller: L1 + Adam + EMA, batch %d, LR patch %d): %.2f steps/s"
                    + " (%.3f s/step) on a fixed batch%n", student, scale, batch, patch, alone, 1 / alone);
            ArrayNode fedRuns = root.putArray("train_fed");
            for (int w : workers) {
                ObjectNode fedNode = fedRuns.addObject();
                fedNode.put("mode", feedMode);
                fedNode.put("workers", w);
                double fed = measureTraining(feedSet, base.toBuilder().optWorkers(w).build(), true, fedNode);
                out.printf(Locale.ROOT, "  fed by the loader (%s, %d %s): %.2f steps/s%n", feedMode, w,
                        w == 1 ? "worker" : "workers", fed);
            }
            LoaderRun best = results.stream().filter(r -> r.workers() == 2)
                    .max(Comparator.comparingDouble(LoaderRun::batchesPerSecond)).orElse(null);
            ObjectNode target = root.putObject("target");
            target.put("train_steps_per_s", round(alone, 3));
            target.put("required_batches_per_s", round(3 * alone, 3));
            if (best != null) {
                target.put("best_mode_2_workers", best.mode());
                target.put("loader_batches_per_s", round(best.batchesPerSecond(), 3));
                target.put("ratio", round(best.batchesPerSecond() / alone, 2));
                target.put("met", best.batchesPerSecond() >= 3 * alone);
                out.printf(Locale.ROOT, "loader (2 workers, %s) / training consumption: %.1fx (target 3x): %s%n",
                        best.mode(), best.batchesPerSecond() / alone, best.batchesPerSecond() >= 3 * alone
                                ? "met" : "NOT met");
            }
        }
        machine.put("load_average_end", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2));
    }

    /** The loose training source for DIR. */
    private SourceConfig detect(Path work) throws IOException {
        String lrCache = work.resolve("lr_bicubic").resolve("X" + scale).toString();
        String meta = null;
        SourceConfig s;
        if (Files.isDirectory(data.resolve("DIV2K_train_HR"))) {
            s = Files.isDirectory(data.resolve("DIV2K_train_LR_bicubic/X" + scale)) ? Div2kSource.train(data.toString())
                    : HrOnlySource.of(data.resolve("DIV2K_train_HR").toString(), lrCache);
        } else if (Files.isDirectory(data.resolve("Flickr2K_HR"))) {
            s = Files.isDirectory(data.resolve("Flickr2K_LR_bicubic/X" + scale))
                    ? new Flickr2kSource(data.toString(), null, null)
                    : HrOnlySource.of(data.resolve("Flickr2K_HR").toString(), lrCache);
        } else if (Files.isDirectory(data.resolve("HR"))) {
            s = Files.isDirectory(data.resolve("LR_bicubic/X" + scale))
                    ? PairedSource.of(data.resolve("HR").toString(), data.resolve("LR_bicubic/X" + scale).toString())
                    : HrOnlySource.of(data.resolve("HR").toString(), lrCache);
        } else {
            s = HrOnlySource.of(data.toString(), lrCache);
        }
        if (maxImages <= 0) {
            return s;
        }
        Path hr = s.folders(Path.of(""), scale).hrFolder();
        List<MetaInfo.Entry> first = new ArrayList<>();
        for (Path p : org.dckd.data.image.ImageFiles.listImages(hr)) {
            if (first.size() < maxImages) {
                first.add(new MetaInfo.Entry(p.getFileName().toString(), 0, 0, 0));
            }
        }
        Path metaFile = work.resolve("first_" + maxImages + ".txt");
        new MetaInfo(first).write(metaFile);
        meta = metaFile.toString();
        if (s instanceof Div2kSource d) {
            return new Div2kSource(d.root(), d.split(), null, meta);
        }
        if (s instanceof Flickr2kSource f) {
            return new Flickr2kSource(f.root(), null, meta);
        }
        if (s instanceof PairedSource p) {
            return PairedSource.of(p.hr(), p.lr(), p.lrPattern(), null, meta);
        }
        HrOnlySource h = (HrOnlySource) s;
        return new HrOnlySource(h.hr(), h.lrCache(), null, meta);
    }

    /** Prepared sub-images next to the data if complete, else extracted into the work folder. */
    private TrainingSet subImages(TrainingSet loose, TrainingDataConfig base, Path work, ObjectNode node)
            throws IOException {
        SourceSummary ls = loose.sources().get(0);
        Path hrSub = SubImageExtractor.subFolder(ls.hrFolder());
        Path lrSub = SubImageExtractor.subFolder(ls.lrFolder());
        double seconds = 0;
        String how = " (prepared before)";
        if (maxImages > 0 || !SubImageExtractor.isComplete(hrSub) || !SubImageExtractor.isComplete(lrSub)) {
            hrSub = work.resolve("sub_HR");
            lrSub = work.resolve("sub_LR_X" + scale);
            // a kept --work-dir is reused when it was made from the same data with the same settings
            Path stamp = work.resolve("subimages.stamp");
            String settings = ls.hrFolder() + " " + ls.lrFolder() + " x" + scale + " crop " + geometry.crop + " step " + geometry.step
                    + " images " + loose.size() + " " + loose.fingerprint();
            if (SubImageExtractor.isComplete(hrSub) && SubImageExtractor.isComplete(lrSub) && Files.exists(stamp)
                    && Files.readString(stamp).equals(settings)) {
                how = " (reused from the work folder)";
            } else {
                Files.deleteIfExists(stamp);
                List<Path> hrFiles = new ArrayList<>();
                for (TrainingPair p : loose.pairs()) {
                    hrFiles.add(p.hrFile());
                }
                long t0 = System.nanoTime();
                SubImageExtractor.builder().setHrFolder(ls.hrFolder()).optHrFiles(hrFiles).optLrFolder(ls.lrFolder())
                        .setScale(scale).optLrPattern(lrPattern(loose)).optCropSize(geometry.crop).optStep(geometry.step)
                        .optHrOutput(hrSub).optLrOutput(lrSub).optWorkers(2).optOverwrite(true).optListener(progress)
                        .build().extract();
                seconds = (System.nanoTime() - t0) / 1e9;
                Files.writeString(stamp, settings);
                how = String.format(Locale.ROOT, " (extracted in %.1f s)", seconds);
            }
        }
        TrainingSet set = TrainingSet.open(base.toBuilder().setSources(List.of(PairedSource.of(hrSub.toString(),
                lrSub.toString(), FileNamePattern.SAME_NAME.template(), "subimages",
                hrSub.resolve(MetaInfo.FILE_NAME).toString()))).build(), Path.of(""), progress);
        out.printf(Locale.ROOT, "sub-images (%d px, step %d): %d pairs in %s%s%n", geometry.crop, geometry.step, set.size(), hrSub,
                how);
        node.put("pairs", set.size());
        node.put("crop", geometry.crop);
        node.put("step", geometry.step);
        node.put("hr_folder", hrSub.toString());
        node.put("extract_seconds", round(seconds, 2));
        return set;
    }

    /** The LR naming of the loose set's (single) source, recovered from its first pair. */
    private FileNamePattern lrPattern(TrainingSet loose) {
        TrainingPair p = loose.pairs().get(0);
        String hrName = p.hrFile().getFileName().toString();
        String lrName = p.lrFile().getFileName().toString();
        for (FileNamePattern candidate : new FileNamePattern[] {FileNamePattern.STANDARD, FileNamePattern.SAME_NAME}) {
            if (candidate.apply(hrName, scale).equals(lrName)) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot tell the LR naming of " + p.lrFile());
    }

    private LoaderRun measureLoader(String mode, TrainingSet set, TrainingDataConfig c) {
        System.gc();
        resetPeaks();
        try (PatchLoader loader = PatchLoader.builder().setTrainingSet(set).setConfig(c).build()) {
            for (int i = 0; i < warmup; i++) {
                loader.next();
            }
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            progress.started("loader: " + mode + ", " + c.workers() + (c.workers() == 1 ? " worker" : " workers"),
                    batches, "batches");
            try {
                for (int i = 0; i < batches; i++) {
                    loader.next();
                    progress.advanced(i + 1);
                }
            } finally {
                progress.finished();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuMs = (processCpuNanos() - cpu0) / 1e6 / batches;
            return new LoaderRun(mode, c.workers(), batches, seconds, cpuMs, peakHeapMb(), ProcessMemory.peakResidentMb());
        }
    }

    /**
     * Training steps of the student through the library's {@link Distiller} (an L1 term to HR, the training defaults:
     * Adam 1e-4 with betas 0.9/0.99, EMA; the run seed {@code --seed}), either on one fixed batch (the pure consumption
     * rate) or fed by a running loader; returns steps per second.
     */
    private double measureTraining(TrainingSet set, TrainingDataConfig c, boolean fed, ObjectNode node)
            throws IOException {
        int warm = 3;
        List<LossTermConfig> l1 = ExperimentConfig.readLosses("[{type: l1}]");
        // Distiller.step takes batches on the [0, 1] scale and applies the network's own input range
        try (NDManager manager = NDManager.newBaseManager(device.device());
             PatchLoader loader = PatchLoader.builder().setTrainingSet(set)
                     .setConfig(fed ? c : c.toBuilder().optWorkers(0).build()).optRange(1f).build()) {
            Engine.getInstance().setRandomSeed((int) seed);
            SrBackbone net = BackboneLoader.build(Backbones.preset(student, scale), null, manager);
            List<LossTerm> terms = new ArrayList<>();
            l1.forEach(t -> terms.add(t.build()));
            try (Distiller distiller = Distiller.builder().setManager(manager).setStudent(net).addTerms(terms)
                    .optSeed(seed).build()) {
                PatchBatch fixed = fed ? null : loader.next();
                float firstLoss = Float.NaN;
                float lastLoss = Float.NaN;
                long t0 = 0;
                long cpu0 = 0;
                progress.started("training " + student + (fed ? " (fed by the loader)" : " (one fixed batch)"),
                        warm + trainSteps, "steps");
                try {
                    for (int i = 0; i < warm + trainSteps; i++) {
                        if (i == warm) {
                            t0 = System.nanoTime();
                            cpu0 = processCpuNanos();
                        }
                        PatchBatch b = fed ? loader.next() : fixed;
                        lastLoss = step(distiller, manager, b);
                        if (i == 0) {
                            firstLoss = lastLoss;
                        }
                        progress.advanced(i + 1);
                    }
                } finally {
                    progress.finished();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double rate = trainSteps / seconds;
                node.put("model", student);
                node.put("parameters", net.parameterCount());
                node.put("input_range", net.inputRange());
                node.put("steps", trainSteps);
                node.put("seconds_per_step", round(seconds / trainSteps, 4));
                node.put("steps_per_s", round(rate, 3));
                node.put("cpu_ms_per_step", round((processCpuNanos() - cpu0) / 1e6 / trainSteps, 1));
                node.put("loss_first", firstLoss);
                node.put("loss_last", lastLoss);
                return rate;
            }
        }
    }

    /** One {@link Distiller#step} on a batch, its arrays in a per-step manager; returns the loss. */
    private static float step(Distiller distiller, NDManager manager, PatchBatch b) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(b.lr(), new Shape(b.lrShape()));
            NDArray y = scope.create(b.hr(), new Shape(b.hrShape()));
            return distiller.step(x, y).loss();
        }
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        ProcessMemory.resetPeak(); // if not permitted, the RSS peak is the process's lifetime peak
    }

    private static double peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / 1048576.0;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
