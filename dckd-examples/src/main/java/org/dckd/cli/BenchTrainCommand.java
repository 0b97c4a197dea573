package org.dckd.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.backbones.SrBackbone;
import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.distill.Distiller;
import org.dckd.core.efficiency.ProcessMemory;
import org.dckd.core.experiment.DataSources;
import org.dckd.core.experiment.DistillerFactory;
import org.dckd.core.model.BackboneLoader;
import org.dckd.core.train.TrainingBatches;
import org.dckd.data.files.OutputLocations;
import org.dckd.losses.LossTermConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dckd bench train}: the cost of one training step of the same student with the scratch, Logits-KD, the
 * config's own (DCKD) and FAKD losses, measured side by side in one process, and the resident memory over a long run.
 * {@code tools/bench/torch_twin.py train} performs the same steps in PyTorch (see docs/performance.md).
 */
@Command(name = "train", sortOptions = false,
        description = {"Measure ms per training step (median after warm-up) and memory for scratch, Logits KD, the"
            + " config's losses (DCKD) and FAKD on the same student and data, in one run; then resident memory after"
            + " --long-a and --long-b iterations of the config's losses."})
final class BenchTrainCommand implements Callable<Integer> {

    /** The variants, in the order they run. */
    static final List<String> VARIANTS = List.of("scratch", "logits", "config", "fakd");

    /**
     * The 'fakd' variant's losses: the term of configs/rlfn/rlfn_x4_fakd.yaml (0.5 L1 + 0.5 L1 to the teacher + 10
     * FAKD) with the pairs of its taps that a 2-block student has (student block_1 and block_2 against the teacher's
     * block_2 and block_4; the shipped 4-block student also taps block_4 against block_6).
     */
    static final String DEFAULT_FAKD_LOSSES = "[{type: l1, weight: 0.5}, {type: l1, target: teacher, weight: 0.5},"
            + " {type: fakd, weight: 10, student_taps: [block_1, block_2], teacher_taps: [block_2, block_4]}]";

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption device = new DeviceOption();

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "An experiment config with a teacher (its losses are the 'dckd' variant).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Config overrides.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--variants", split = ",", paramLabel = "NAME",
            description = "The variants to measure, of scratch, logits, config, fakd (default: all).")
    List<String> selected = new ArrayList<>(VARIANTS);

    @Option(names = "--fakd-losses", paramLabel = "YAML", description = "The 'fakd' variant's losses as a YAML list"
            + " (default: the FAKD term of configs/rlfn/rlfn_x4_fakd.yaml on the taps of a 2-block student).")
    String fakdLosses = DEFAULT_FAKD_LOSSES;

    @Option(names = "--warmup", defaultValue = "5", description = "Warm-up steps per variant (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "30", description = "Measured steps per variant (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--long-a", defaultValue = "200", description = "First RSS probe (default: ${DEFAULT-VALUE}).")
    int longA;

    @Option(names = "--long-b", defaultValue = "1000", description = "Second RSS probe and the long run's length (the JSON also has the RSS every 100 iterations); 0 skips the long run (default: ${DEFAULT-VALUE}).")
    int longB;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--profile", paramLabel = "DIR", description = "After the measured steps, record --profile-steps"
            + " more steps of each variant with PyTorch's profiler into DIR/<variant>.trace.json (Chrome trace format;"
            + " tools/bench/trace_summary.py counts and times the operator calls).")
    Path profile;

    @Option(names = "--profile-steps", defaultValue = "5", description = "Steps per profile (default: ${DEFAULT-VALUE}).")
    int profileSteps;

    @Option(names = "--overwrite", description = "Replace an existing --json file.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        device.device();   // checked before anything is read or written
        PrintWriter out = spec.commandLine().getOut();
        OutputLocations.of("--json", json).output("--profile", profile).input("--config", config).check();
        if (profile != null) {
            java.nio.file.Files.createDirectories(profile);
        }
        BenchReport.checkWritable(json, overwrite);
        ExperimentConfig.Loaded loaded = ExperimentConfig.load(config, overrides);
        ExperimentConfig cfg = loaded.config();
        if (cfg.teacher() == null) {
            throw new IllegalArgumentException(config + ": at 'teacher': the benchmark compares distillation variants"
                    + " and needs a teacher");
        }
        for (String v : selected) {
            if (!VARIANTS.contains(v)) {
                throw new IllegalArgumentException("--variants: unknown variant '" + v + "'; known: " + VARIANTS);
            }
        }
        Map<String, List<LossTermConfig>> variants = new LinkedHashMap<>();
        variants.put("scratch", ExperimentConfig.readLosses("[{type: l1}]"));
        variants.put("logits", ExperimentConfig.readLosses("[{type: l1}, {type: l1, target: teacher}]"));
        variants.put("config", cfg.losses());
        variants.put("fakd", readFakdLosses());
        variants.keySet().retainAll(selected);

        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("config", config.toString());
        root.put("torch_threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
        root.put("warmup", warmup);
        root.put("steps", steps);
        ObjectNode res = root.putObject("variants");
        try (NDManager manager = NDManager.newBaseManager(device.device());
                TrainingBatches batches = DataSources.open(cfg, null)) {
            SrBackbone teacher = BackboneLoader.build(cfg.teacher(), cfg.scale(), manager);
            TrainingBatches.Batch batch = batches.next();
            out.printf(Locale.ROOT, "%-8s %12s %12s %12s%n", "variant", "ms/step", "p90 ms", "RSS MB");
            for (Map.Entry<String, List<LossTermConfig>> v : variants.entrySet()) {
                try (NDManager run = manager.newSubManager(); Distiller d = distiller(cfg, teacher, v.getValue(), run)) {
                    double[] ms = new double[steps];
                    for (int i = 0; i < warmup + steps; i++) {
                        double t = step(d, batch, run);
                        if (i >= warmup) {
                            ms[i - warmup] = t;
                        }
                    }
                    Arrays.sort(ms);
                    if (profile != null) {
                        Path trace = profile.resolve(v.getKey() + ".trace.json");
                        BenchReport.checkWritable(trace, overwrite);
                        ai.djl.pytorch.jni.JniUtils.startProfile(false, false, false);
                        try {
                            for (int i = 0; i < profileSteps; i++) {
                                step(d, batch, run);
                            }
                        } finally {
                            ai.djl.pytorch.jni.JniUtils.stopProfile(trace.toString());
                        }
                    }
                    ObjectNode n = res.putObject(v.getKey());
                    n.put("median_ms", ms[steps / 2]);
                    n.put("p90_ms", ms[(int) (steps * 0.9)]);
                    n.put("rss_mb", ProcessMemory.residentMb());
                    n.put("terms", v.getValue().size());
                    out.printf(Locale.ROOT, "%-8s %12.1f %12.1f %12.0f%n", v.getKey(), ms[steps / 2],
                            ms[(int) (steps * 0.9)], ProcessMemory.residentMb());
                    out.flush();
                }
            }
            if (longB > 0) {
                try (NDManager run = manager.newSubManager();
                        Distiller d = distiller(cfg, teacher, cfg.losses(), run)) {
                    ObjectNode mem = root.putObject("resident_memory_mb");
                    for (int i = 1; i <= longB; i++) {
                        step(d, batches.next(), run);
                        if (i % 100 == 0) {
                            mem.put("after_" + i, ProcessMemory.residentMb()); // the curve: flat or growing
                        }
                        if (i == longA || i == longB) {
                            mem.put("after_" + i, ProcessMemory.residentMb());
                            out.printf(Locale.ROOT, "RSS after %d iterations of the config's losses: %.0f MB%n", i,
                                    ProcessMemory.residentMb());
                            out.flush();
                        }
                    }
                }
            }
        }
        root.put("peak_rss_mb", ProcessMemory.peakResidentMb());
        out.printf(Locale.ROOT, "peak RSS: %.0f MB%n", ProcessMemory.peakResidentMb());
        BenchReport.write(root, json, overwrite, out);
        out.flush();
        return 0;
    }

    private List<LossTermConfig> readFakdLosses() {
        try {
            return ExperimentConfig.readLosses(fakdLosses);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--fakd-losses: " + e.getMessage(), e);
        }
    }

    /** The config's distiller (optimizer, schedule, clip, EMA, seed) with the shared teacher and these terms. */
    private static Distiller distiller(ExperimentConfig cfg, SrBackbone teacher, List<LossTermConfig> terms,
            NDManager manager) throws IOException {
        return DistillerFactory.builder().setConfig(cfg).setManager(manager).optTeacher(teacher).optLosses(terms)
                .build();
    }

    private static double step(Distiller d, TrainingBatches.Batch b, NDManager manager) {
        long t0 = System.nanoTime();
        try (NDManager scope = manager.newSubManager()) {
            NDArray lr = b.lrArray(scope);
            NDArray hr = b.hrArray(scope);
            d.step(lr, hr);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

}
