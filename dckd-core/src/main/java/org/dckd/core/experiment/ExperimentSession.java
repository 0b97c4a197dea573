package org.dckd.core.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.dckd.backbones.BackboneConfig;
import org.dckd.backbones.ReparameterizableConfig;
import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.catalog.Backbones;

import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.config.NetworkSpec;
import org.dckd.core.distill.Distiller;
import org.dckd.core.efficiency.EfficiencyProfiler;
import org.dckd.core.efficiency.EfficiencyReport;
import org.dckd.core.eval.BenchmarkEvaluator;
import org.dckd.core.eval.ImageScore;
import org.dckd.core.eval.SuperResolver;
import org.dckd.core.model.BackboneLoader;
import org.dckd.core.train.CheckpointStore;
import org.dckd.core.train.MetricsLog;
import org.dckd.core.train.RunDirectory;
import org.dckd.core.train.TrainingBatches;
import org.dckd.core.train.TrainingHooks;
import org.dckd.core.train.TrainingLoop;
import org.dckd.data.benchmark.BenchmarkSet;
import org.dckd.data.metrics.QualityScore;
import org.dckd.nn.DjlRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resources of a run of a checked {@link ExperimentPlan}: the manager, the distiller with its networks (restored
 * from the checkpoint of a continued run), the training batches (at the checkpoint's data position) and the run
 * folder, which is made only once everything else is open. Closing it frees them all.
 */
public final class ExperimentSession implements AutoCloseable {

    static {
        DjlRuntime.ensureOffline();
    }

    /** The side of the random input the end-of-run runtime is measured on (a few passes: seconds). */
    public static final int RUNTIME_SIZE = 64;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentSession.class);

    private final ExperimentPlan plan;
    private final NDManager manager;
    private final Distiller distiller;
    private final TrainingBatches batches;
    private final RunDirectory run;

    private ExperimentSession(ExperimentPlan plan, NDManager manager, Distiller distiller, TrainingBatches batches,
            RunDirectory run) {
        this.plan = plan;
        this.manager = manager;
        this.distiller = distiller;
        this.batches = batches;
        this.run = run;
    }

    /**
     * Opens the resources of a run: builds the distiller on the plan's device, restores a continued run's state, opens
     * the batches, and then makes (or opens) the run folder.
     *
     * @param plan the checked plan
     * @return the session (close it)
     * @throws IOException if a weights file, the training data or the run folder cannot be used (naming it)
     */
    public static ExperimentSession open(ExperimentPlan plan) throws IOException {
        ExperimentConfig cfg = plan.config();
        NDManager manager = NDManager.newBaseManager(plan.options().device());
        Distiller distiller = null;
        TrainingBatches batches = null;
        try {
            distiller = DistillerFactory.builder().setConfig(cfg).setManager(manager).build();
            JsonNode position = null;
            if (plan.resumeFrom() != null) {
                distiller.loadState(plan.resumeFrom().trainingState());
                position = plan.resumeFrom().info().dataPosition();
            }
            batches = DataSources.open(cfg, position);
            // every check has passed: only now is the run folder made (or replaced)
            RunDirectory run = plan.openRunDirectory();
            return new ExperimentSession(plan, manager, distiller, batches, run);
        } catch (IOException | RuntimeException | Error e) {
            close(batches, distiller, manager);
            throw e;
        }
    }

    /** The distiller. */
    public Distiller distiller() {
        return distiller;
    }

    /** The run folder. */
    public RunDirectory run() {
        return run;
    }

    /**
     * Trains to the config's last iteration: steps, logs, validates and saves checkpoints into the run folder.
     *
     * @param hooks callbacks (progress)
     * @return the result
     * @throws IOException on data or checkpoint I/O errors (naming the file)
     */
    public ExperimentRunner.Result train(TrainingHooks hooks) throws IOException {
        ExperimentConfig cfg = plan.config();
        ExperimentConfig.TrainConfig tc = cfg.train();
        TrainingLoop.Builder loop = TrainingLoop.builder();
        if (plan.resumeFrom() != null) {
            loop.optResumedFrom(plan.resumeFrom().info());
        }
        long t0 = System.nanoTime();
        TrainingLoop.Summary summary = loop.setDistiller(distiller).setBatches(batches).setRun(run)
                .setIterations(tc.iterations()).optLogEvery(tc.logEvery())
                .optCheckpoints(tc.saveEvery(), tc.keepCheckpoints())
                .optValidation(plan.validationSets(), tc.valEvery(), cfg.validation().tile())
                .optHooks(hooks).optConfig(plan.loaded().tree()).build().run();
        return new ExperimentRunner.Result(run, summary, distiller.student().parameterCount(),
                distiller.teacher() == null ? 0 : distiller.teacher().parameterCount(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The model card of a finished run: the student's efficiency report (counts on a
     * {@value EfficiencyProfiler#DEFAULT_SIZE}x{@value EfficiencyProfiler#DEFAULT_SIZE} LR input; a runtime on a
     * {@value #RUNTIME_SIZE}x{@value #RUNTIME_SIZE} random input unless {@code train.measure_runtime: false}), the
     * teacher's and bicubic's scores on the validation sets, the deploy weights of a reparameterisable student, and
     * the backbone configs {@code dckd evaluate --model} needs ({@value RunDirectory#STUDENT_CONFIG},
     * {@value RunDirectory#DEPLOY_CONFIG}) written into the run folder when no preset builds the student.
     *
     * @param result the result of {@link #train}
     * @return the card (not yet written)
     * @throws IOException if a validation image or a backbone config cannot be read or written
     */
    public ModelCard modelCard(ExperimentRunner.Result result) throws IOException {
        ExperimentConfig cfg = plan.config();
        SrBackbone student = distiller.student();
        boolean ema = distiller.studentEma() != null;
        String weightsFile = ema ? CheckpointStore.STUDENT_EMA : CheckpointStore.STUDENT;
        Path best = run.resolve("best").resolve(weightsFile);
        EfficiencyReport efficiency;
        try (NDManager scope = manager.newSubManager()) {
            efficiency = EfficiencyProfiler.builder().setNetwork(student).optModelName(cfg.name() + " student")
                    .optWeights(Files.isRegularFile(best) ? display(best) : null)
                    .optMeasureRuntime(cfg.train().measureRuntime()).optRuntimeSize(RUNTIME_SIZE)
                    .optDeployForm(true).build()
                    .profile(scope);
        }
        List<double[]> teacher = null;
        List<double[]> bicubic = new ArrayList<>();
        List<MetricsLog.ValidationRow> last = result.summary().lastValidation();
        if (!last.isEmpty()) {
            int tile = cfg.validation().tile();
            SuperResolver resolver = distiller.teacher() == null ? null : SuperResolver.builder()
                    .setNetwork(distiller.teacher()).optTile(tile).optTileOverlap(tile > 0 ? Math.min(16, tile / 4) : 0)
                    .build();
            teacher = resolver == null ? null : new ArrayList<>();
            for (BenchmarkSet set : plan.validationSets()) {
                QualityScore b = BenchmarkEvaluator.bicubic(set);
                bicubic.add(new double[] {b.psnr(), b.ssim()});
                if (resolver != null) {
                    List<ImageScore> scores = BenchmarkEvaluator.score(resolver, set, manager, s -> { });
                    teacher.add(new double[] {scores.stream().mapToDouble(ImageScore::psnr).average().orElse(Double.NaN),
                            scores.stream().mapToDouble(ImageScore::ssim).average().orElse(Double.NaN)});
                }
            }
        }
        JsonNode tree = plan.loaded().tree();
        BackboneConfig studentConfig = cfg.studentBackbone();
        String studentModel = evaluationModel(tree.path("student"), studentConfig, RunDirectory.STUDENT_CONFIG, false);
        ModelCard.DeployWeights deploy = null;
        if (TrainingLoop.hasDeployForm(student)) {
            ReparameterizableConfig deployConfig = ((ReparameterizableConfig) studentConfig).deployForm();
            String deployFile = ema ? CheckpointStore.STUDENT_EMA_DEPLOY : CheckpointStore.STUDENT_DEPLOY;
            Path bestDeploy = run.resolve("best").resolve(deployFile);
            CheckpointStore.Saved lastCheckpoint = result.summary().lastCheckpoint() != null
                    ? result.summary().lastCheckpoint() : run.checkpoints().latest().orElse(null);
            Path lastDeploy = lastCheckpoint == null ? null : lastCheckpoint.directory().resolve(deployFile);
            long deployParameters;
            try (NDManager scope = manager.newSubManager()) {
                SrBackbone d = deployConfig.build();
                d.initialize(scope);
                deployParameters = d.parameterCount();
            }
            deploy = new ModelCard.DeployWeights(
                    evaluationModel(tree.path("student"), deployConfig, RunDirectory.DEPLOY_CONFIG, true),
                    Files.isRegularFile(bestDeploy) ? bestDeploy : null, lastDeploy, student.parameterCount(),
                    deployParameters);
        }
        NetworkSpec teacherSpec = cfg.teacher();
        return new ModelCard(cfg.name(), plan.options().command(), plan.resumeFrom() != null,
                ModelCard.describe(tree.path("student"), studentConfig), studentModel,
                teacherSpec == null ? null : ModelCard.describe(tree.path("teacher"), cfg.teacherBackbone())
                        + ", weights `" + teacherSpec.weights() + "`",
                cfg.scale(), efficiency, ModelCard.compare(last, teacher, bicubic), ema, deploy,
                plan.out().toString());
    }

    /**
     * The {@code --model} value of {@code dckd evaluate} that builds a config: the student's own preset, another
     * preset that builds the same config, or a backbone config file written into the run folder from the student's
     * {@code network:} section (checked by reading it back); {@code null} when none fits.
     */
    private String evaluationModel(JsonNode studentSpec, BackboneConfig config, String fileName, boolean deployForm)
            throws IOException {
        int scale = config.scale();
        String own = studentSpec.path("preset").asText(null);
        List<String> candidates = new ArrayList<>();
        if (own != null) {
            candidates.add(own);
        }
        candidates.addAll(Backbones.presets());
        for (String preset : candidates) {
            try {
                if (Backbones.preset(preset, scale).equals(config)) {
                    return preset;
                }
            } catch (RuntimeException notAtThisScale) {
                // a preset that does not exist at this scale is no candidate
            }
        }
        JsonNode network = studentSpec.path("network");
        if (!network.isObject()) {
            return null;
        }
        ObjectNode file = ((ObjectNode) network).deepCopy();
        file.put("scale", scale);
        if (deployForm) {
            file.put("deploy", true);
        }
        Path target = run.resolve(fileName);
        Path tmp = run.resolve("." + fileName + ".tmp");
        YAML.writeValue(tmp.toFile(), file);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        String model = display(target);
        try {
            if (BackboneLoader.config(target.toString(), scale).equals(config)) {
                return model;
            }
        } catch (RuntimeException e) {
            LOG.warn("{} does not read back as the student's config ({}); it is removed", target, e.getMessage());
        }
        Files.deleteIfExists(target);
        return null;
    }

    /** A file of the run folder as the user named the folder ({@code --out}, or {@code runs/<name>}). */
    private String display(Path file) {
        return plan.out().resolve(run.root().relativize(file.toAbsolutePath().normalize())).toString();
    }

    /** Closes the batches, the distiller and the manager (with the networks). */
    @Override
    public void close() {
        close(batches, distiller, manager);
    }

    private static void close(TrainingBatches batches, Distiller distiller, NDManager manager) {
        try {
            if (batches != null) {
                batches.close();
            }
        } finally {
            try {
                if (distiller != null) {
                    distiller.close();
                }
            } finally {
                manager.close();
            }
        }
    }
}
