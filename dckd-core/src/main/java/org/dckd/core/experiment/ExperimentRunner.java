package org.dckd.core.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.config.ConfigException;
import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.config.NetworkSpec;
import org.dckd.core.distill.Distiller;
import org.dckd.core.train.CheckpointStore;
import org.dckd.core.train.RunDirectory;
import org.dckd.core.train.TrainingBatches;
import org.dckd.core.train.TrainingHooks;
import org.dckd.core.train.TrainingLoop;
import org.dckd.data.benchmark.BenchmarkSet;
import org.dckd.data.files.OutputLocations;
import org.dckd.losses.LossTerm;
import org.dckd.losses.LossTermConfig;
import org.dckd.nn.ComputeEnvironment;
import org.dckd.nn.DjlRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an experiment config end to end: a new run in a fresh folder, or the continuation of a run from its latest (or
 * a given) checkpoint. Everything that can be checked is checked before the first step: the config, the teacher's
 * checkpoint, the validation folders, the run folder.
 */
public final class ExperimentRunner {

    static {
        DjlRuntime.ensureOffline();
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRunner.class);

    private ExperimentRunner() {}

    /**
     * How to run.
     *
     * @param out the run folder (default {@code runs/<name>})
     * @param overwrite replace an existing run folder
     * @param resume {@code null} for a new run, {@code "latest"} for the newest checkpoint in {@code out}, or a path to a
     *     checkpoint folder
     * @param device the device ({@code cpu}, {@code gpu}, {@code gpu:1})
     * @param requireTeacher true for {@code dckd distill}
     */
    public record Options(Path out, boolean overwrite, String resume, Device device, boolean requireTeacher) {}

    /**
     * What a run produced.
     *
     * @param run the run folder
     * @param summary the loop's summary
     * @param studentParameters the student's parameter count
     * @param teacherParameters the teacher's, or 0
     * @param seconds wall time of the training
     */
    public record Result(RunDirectory run, TrainingLoop.Summary summary, long studentParameters,
            long teacherParameters, double seconds) {}

    /**
     * Runs an experiment.
     *
     * @param loaded the loaded config
     * @param options how to run
     * @param hooks callbacks (progress)
     * @return the result
     */
    public static Result run(ExperimentConfig.Loaded loaded, Options options, TrainingHooks hooks) throws IOException {
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
        List<BenchmarkSet> validation = new ArrayList<>();
        for (Path p : cfg.validation().sets()) {
            validation.add(BenchmarkSet.open(p, cfg.scale()));
        }
        ObjectMapper mapper = ExperimentConfig.mapper(loaded.file());
        BackboneConfig studentCfg = cfg.student().resolve(cfg.scale(), mapper, "student");
        BackboneConfig teacherCfg = cfg.teacher() == null ? null : cfg.teacher().resolve(cfg.scale(), mapper, "teacher");
        List<LossTerm> terms = new ArrayList<>();
        for (LossTermConfig t : cfg.losses()) {
            terms.add(t.build());
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
            checkCompatible(resumeFrom.info().path("config"), loaded.tree(), ck);
            warnIfNotBitCompatible(resumeFrom.info().path("environment"), ck);
        } else {
            RunDirectory.checkCreatable(out, options.overwrite());
        }

        try (NDManager manager = NDManager.newBaseManager(options.device())) {
            SrBackbone teacher = null;
            if (teacherCfg != null) {
                teacher = build(teacherCfg, cfg.teacher(), manager);
            }
            Engine.getInstance().setRandomSeed((int) cfg.seed());
            SrBackbone student = build(studentCfg, cfg.student(), manager);
            ExperimentConfig.OptimizerConfig o = cfg.optimizer();
            try (Distiller distiller = Distiller.builder().setManager(manager).setStudent(student).optTeacher(teacher)
                    .addTerms(terms).optAdam(o.lr(), o.betas().get(0).floatValue(), o.betas().get(1).floatValue(),
                            (float) o.eps(), (float) o.weightDecay(), o.type().equals("adamw"))
                    .optSchedule(cfg.schedule()).optEmaDecay(cfg.emaDecay()).optEmaWarmup(cfg.emaWarmup()).optGradClip(cfg.train().gradClip())
                    .optSeed(cfg.seed()).build()) {
                JsonNode position = null;
                TrainingLoop.Builder loop = TrainingLoop.builder();
                if (resumeFrom != null) {
                    distiller.loadState(resumeFrom.trainingState());
                    position = resumeFrom.info().get("data_position");
                    loop.optResumedFrom(resumeFrom.info());
                }
                ExperimentConfig.TrainConfig tc = cfg.train();
                try (TrainingBatches batches = DataSources.open(cfg, position)) {
                    // every check has passed: only now is the run folder made (or replaced)
                    RunDirectory run = existing != null ? existing : newRun(out, options, loaded);
                    long t0 = System.nanoTime();
                    TrainingLoop.Summary summary = loop.setDistiller(distiller).setBatches(batches).setRun(run)
                            .setIterations(tc.iterations()).optLogEvery(tc.logEvery())
                            .optCheckpoints(tc.saveEvery(), tc.keepCheckpoints())
                            .optValidation(validation, tc.valEvery(), cfg.validation().tile())
                            .optHooks(hooks).optConfig(loaded.tree()).build().run();
                    Result result = new Result(run, summary, student.parameterCount(),
                            teacher == null ? 0 : teacher.parameterCount(), (System.nanoTime() - t0) / 1e9);
                    writeResults(result);
                    return result;
                }
            }
        }
    }

    /** Creates (or replaces) the run folder and writes the resolved config into it. */
    private static RunDirectory newRun(Path out, Options options, ExperimentConfig.Loaded loaded) throws IOException {
        RunDirectory run = RunDirectory.create(out, options.overwrite());
        Path tmp = run.resolve(".config.yaml.tmp");
        YAML.writeValue(tmp.toFile(), loaded.tree());
        Files.move(tmp, run.resolve("config.yaml"), StandardCopyOption.ATOMIC_MOVE);
        return run;
    }

    private static SrBackbone build(BackboneConfig config, NetworkSpec spec, NDManager manager) throws IOException {
        SrBackbone net = config.build();
        net.initialize(manager);
        if (spec.weights() != null) {
            WeightLoader.load(net, spec.weightsKey() == null ? Checkpoints.read(spec.weights())
                    : Checkpoints.read(spec.weights(), spec.weightsKey()));
        }
        return net;
    }

    /** Keys that may change when a run is continued. */
    private static final List<String> RESUMABLE_CHANGES = List.of("train");

    private static void checkCompatible(JsonNode saved, ObjectNode now, Path checkpoint) {
        if (saved == null || saved.isMissingNode()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = now.fields();
        List<String> differ = new ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>();
        saved.fieldNames().forEachRemaining(keys::add);
        now.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            if (!RESUMABLE_CHANGES.contains(k) && !java.util.Objects.equals(saved.get(k), now.get(k))) {
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
    private static void warnIfNotBitCompatible(JsonNode saved, Path checkpoint) {
        if (saved == null || saved.isMissingNode()) {
            return;
        }
        ComputeEnvironment now = ComputeEnvironment.current();
        try {
            ComputeEnvironment then = JSON.treeToValue(saved, ComputeEnvironment.class);
            if (!now.bitCompatibleWith(then)) {
                LOG.warn("Resuming {} in another compute environment (saved: {}; now: {}): the run continues "
                        + "correctly, but not bit-identically to an uninterrupted run", checkpoint, then, now);
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Cannot read the compute environment saved in {}: {}", checkpoint, e.getMessage());
        }
    }

    private static void writeResults(Result r) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("iterations", r.summary().iterations());
        root.put("student_parameters", r.studentParameters());
        root.put("teacher_parameters", r.teacherParameters());
        root.put("training_seconds", r.summary().trainingSeconds());
        if (Double.isFinite(r.summary().bestPsnr())) {
            root.put("best_psnr", r.summary().bestPsnr());
            root.put("best_iteration", r.summary().bestIteration());
        }
        root.set("environment", JSON.valueToTree(ComputeEnvironment.current()));
        var arr = root.putArray("final_validation");
        r.summary().lastValidation().forEach(v -> arr.addObject().put("set", v.set()).put("psnr", v.psnr())
                .put("ssim", v.ssim()).put("iteration", v.iteration()));
        Path tmp = r.run().resolve(".results.json.tmp");
        JSON.writeValue(tmp.toFile(), root);
        Files.move(tmp, r.run().resolve("results.json"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }
}
