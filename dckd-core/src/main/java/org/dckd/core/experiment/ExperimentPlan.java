package org.dckd.core.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.dckd.config.ConfigException;
import org.dckd.core.config.DataConfig;
import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.train.CheckpointStore;
import org.dckd.core.train.RunDirectory;
import org.dckd.data.benchmark.BenchmarkSet;
import org.dckd.data.files.OutputLocations;
import org.dckd.nn.ComputeEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run of an experiment checked before anything is built: the config (a teacher where one is required, the teacher's
 * weights file), the procedural data's size, the validation folders, the safety of the run folder (it never is,
 * contains or lies inside anything the run reads), and the decision between a new run folder (creatable, or replaced
 * with {@code overwrite}) and the continuation of a run from a checkpoint (found, loaded, and made by the same config up
 * to its {@code train:} settings). Nothing is written until {@link #openRunDirectory()}.
 */
public final class ExperimentPlan {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentPlan.class);

    /** Keys that may change when a run is continued. */
    private static final List<String> RESUMABLE_CHANGES = List.of("train");

    private final ExperimentConfig.Loaded loaded;
    private final ExperimentRunner.Options options;
    private final Path out;
    private final List<BenchmarkSet> validationSets;
    private final CheckpointStore.Loaded resumeFrom;
    private final RunDirectory existing;

    private ExperimentPlan(ExperimentConfig.Loaded loaded, ExperimentRunner.Options options, Path out,
            List<BenchmarkSet> validationSets, CheckpointStore.Loaded resumeFrom, RunDirectory existing) {
        this.loaded = loaded;
        this.options = options;
        this.out = out;
        this.validationSets = List.copyOf(validationSets);
        this.resumeFrom = resumeFrom;
        this.existing = existing;
    }

    /**
     * Checks a run of an experiment.
     *
     * @param loaded the loaded config
     * @param options how to run
     * @return the plan
     * @throws ConfigException naming the file and key of a config problem, or an incompatible checkpoint
     * @throws IOException if a validation folder, the run folder or the checkpoint cannot be used
     */
    public static ExperimentPlan of(ExperimentConfig.Loaded loaded, ExperimentRunner.Options options)
            throws IOException {
        ExperimentConfig cfg = loaded.config();
        if (options.requireTeacher() && cfg.teacher() == null) {
            throw new ConfigException(loaded.file() + ": at 'teacher': distillation needs a teacher (use 'dckd train'"
                    + " to train without one)");
        }
        if (cfg.teacher() != null && cfg.teacher().weights() == null) {
            throw new ConfigException(loaded.file() + ": at 'teacher.weights': a teacher needs its trained weights");
        }
        if (cfg.teacher() != null && !Files.isRegularFile(cfg.teacher().weights())) {
            throw new ConfigException(loaded.file() + ": at 'teacher.weights': file not found: " + cfg.teacher().weights());
        }
        if (cfg.data() instanceof DataConfig.Procedural p) {
            p.check(cfg.scale(), Runtime.getRuntime().maxMemory());
        }
        List<BenchmarkSet> validation = new ArrayList<>();
        for (Path p : cfg.validation().sets()) {
            validation.add(BenchmarkSet.open(p, cfg.scale()));
        }

        Path out = options.out() != null ? options.out() : Path.of("runs", cfg.name());
        // the run folder never is, contains or lies inside anything the run reads
        // (a resumed run may be given its own config.yaml: resuming never rewrites it)
        boolean ownConfig = options.resume() != null && loaded.file() != null
                && OutputLocations.sameLocation(loaded.file(), out.resolve("config.yaml"));
        OutputLocations.of("--out", out).input("the config", ownConfig ? null : loaded.file())
                .input("teacher.weights", cfg.teacher() == null ? null : cfg.teacher().weights())
                .input("student.weights", cfg.student().weights()).inputs("validation.sets", cfg.validation().sets())
                .inputs(DataSources.inputFolders(cfg)).check();
        CheckpointStore.Loaded resumeFrom = null;
        RunDirectory existing = null;
        if (options.resume() != null) {
            existing = RunDirectory.open(out);
            Path ck = options.resume().equals("latest")
                    ? existing.checkpoints().latest().orElseThrow(() -> new IOException(out.toAbsolutePath() + " has no "
                            + "complete checkpoint to resume from; start the run again without --resume (a run "
                            + "folder without a checkpoint is replaced)")).directory()
                    : Path.of(options.resume());
            resumeFrom = CheckpointStore.load(ck);
            checkCompatible(resumeFrom.info().config(), loaded.tree(), ck);
            warnIfNotBitCompatible(resumeFrom.info().environment(), ck);
        } else {
            RunDirectory.checkCreatable(out, options.overwrite());
        }
        return new ExperimentPlan(loaded, options, out, validation, resumeFrom, existing);
    }

    /** The loaded config. */
    public ExperimentConfig.Loaded loaded() {
        return loaded;
    }

    /** The typed config. */
    public ExperimentConfig config() {
        return loaded.config();
    }

    /** How to run. */
    public ExperimentRunner.Options options() {
        return options;
    }

    /** The run folder. */
    public Path out() {
        return out;
    }

    /** The opened validation sets (the first decides the best checkpoint). */
    public List<BenchmarkSet> validationSets() {
        return validationSets;
    }

    /** The checkpoint the run continues from, or {@code null} for a new run. */
    public CheckpointStore.Loaded resumeFrom() {
        return resumeFrom;
    }

    /**
     * The run folder: the existing one of a continued run, or a new one (replacing an old one with {@code overwrite})
     * holding the resolved config. Call it once every other check has passed: a new run folder is made only here.
     *
     * @return the run folder
     * @throws IOException if it cannot be created
     */
    public RunDirectory openRunDirectory() throws IOException {
        if (existing != null) {
            return existing;
        }
        RunDirectory run = RunDirectory.create(out, options.overwrite());
        Path tmp = run.resolve(".config.yaml.tmp");
        YAML.writeValue(tmp.toFile(), loaded.tree());
        Files.move(tmp, run.resolve("config.yaml"), StandardCopyOption.ATOMIC_MOVE);
        return run;
    }

    private static void checkCompatible(JsonNode saved, ObjectNode now, Path checkpoint) {
        if (saved == null || saved.isMissingNode()) {
            return;
        }
        List<String> differ = new ArrayList<>();
        Set<String> keys = new TreeSet<>();
        saved.fieldNames().forEachRemaining(keys::add);
        now.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            if (!RESUMABLE_CHANGES.contains(k) && !Objects.equals(saved.get(k), now.get(k))) {
                differ.add(k);
            }
        }
        if (!differ.isEmpty()) {
            throw new ConfigException("cannot resume from " + checkpoint + ": the config differs in " + differ
                    + " (only 'train' settings such as iterations may change when a run is continued)");
        }
    }

    /**
     * A run resumed with other kernels or another thread count continues correctly, but not bit for bit as the
     * uninterrupted run would have (docs/results.md, "Reproducibility"): say so.
     */
    private static void warnIfNotBitCompatible(ComputeEnvironment then, Path checkpoint) {
        if (then == null) {
            return;
        }
        ComputeEnvironment now = ComputeEnvironment.current();
        if (!now.bitCompatibleWith(then)) {
            LOG.warn("Resuming {} in another compute environment (saved: {}; now: {}): the run continues "
                    + "correctly, but not bit-identically to an uninterrupted run", checkpoint, then, now);
        }
    }
}
