package org.dckd.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;

import org.dckd.backbones.DeployConversion;
import org.dckd.backbones.ReparameterizableConfig;
import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.StateDict;
import org.dckd.core.distill.Distiller;
import org.dckd.core.distill.NonFiniteLossException;
import org.dckd.core.distill.StepResult;
import org.dckd.core.distill.TrainingDefaults;
import org.dckd.core.eval.BenchmarkEvaluator;
import org.dckd.core.eval.ImageScore;
import org.dckd.core.eval.SuperResolver;
import org.dckd.data.benchmark.BenchmarkSet;
import org.dckd.nn.ComputeEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The iteration-based training loop: step, log, validate, save, until the last iteration.
 *
 * <p>Each step converts a heap batch to NDArrays in its own {@link NDManager} scope and calls
 * {@link Distiller#step}. Every {@code logEvery} steps a row goes to {@code metrics.csv}; every {@code validateEvery}
 * steps the validation network (the EMA) is scored on the benchmark sets, and the best-scoring weights (mean PSNR of
 * the first set) are copied to {@code best/}; every {@code checkpointEvery} steps (and at the end) a checkpoint is
 * written atomically. A NaN/Inf loss stops the run with a {@link NonFiniteLossException}; the last good checkpoint
 * stays as it was.
 */
public final class TrainingLoop {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

    private final Distiller distiller;
    private final TrainingBatches batches;
    private final RunDirectory run;
    private final long iterations;
    private final int logEvery;
    private final int validateEvery;
    private final int checkpointEvery;
    private final int keepCheckpoints;
    private final List<BenchmarkSet> validationSets;
    private final int tile;
    private final TrainingHooks hooks;
    private final JsonNode config;
    private double bestPsnr;
    private long bestIteration;
    /** Training time of the earlier segments of a resumed run. */
    private final double secondsBefore;
    /** The last validation of the earlier segments of a resumed run. */
    private final List<MetricsLog.ValidationRow> validationBefore;
    private long segmentStart;
    private List<MetricsLog.ValidationRow> lastValidation = List.of();

    private TrainingLoop(Builder b) {
        this.distiller = b.distiller;
        this.batches = b.batches;
        this.run = b.run;
        this.iterations = b.iterations;
        this.logEvery = b.logEvery;
        this.validateEvery = b.validateEvery;
        this.checkpointEvery = b.checkpointEvery;
        this.keepCheckpoints = b.keepCheckpoints;
        this.validationSets = List.copyOf(b.validationSets);
        this.tile = b.tile;
        this.hooks = b.hooks;
        this.config = b.config;
        this.bestPsnr = b.bestPsnr;
        this.bestIteration = b.bestIteration;
        this.secondsBefore = b.secondsBefore;
        this.validationBefore = List.copyOf(b.validationBefore);
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What a finished run measured, over all its segments when it was resumed.
     *
     * @param iterations the iterations done
     * @param bestPsnr the best validation PSNR (first set), or -infinity
     * @param bestIteration where it was reached
     * @param lastValidation the last validation (of an earlier segment if this one did not validate)
     * @param lastCheckpoint the last checkpoint written in this segment, or {@code null}
     * @param trainingSeconds the training time of every segment of the run
     */
    public record Summary(long iterations, double bestPsnr, long bestIteration,
            List<MetricsLog.ValidationRow> lastValidation, CheckpointStore.Saved lastCheckpoint,
            double trainingSeconds) {}

    /**
     * Trains from the distiller's current iteration to the last one.
     *
     * @return the summary
     * @throws IOException on data or checkpoint I/O errors (naming the file)
     * @throws NonFiniteLossException when the loss diverges (the last good checkpoint is kept)
     */
    public Summary run() throws IOException {
        List<String> names = distiller.loss().terms().stream().map(t -> t.name()).toList();
        lastValidation = validationBefore;
        CheckpointStore.Saved last = null;
        segmentStart = System.nanoTime();
        NDManager manager = distiller.manager();
        try (MetricsLog log = new MetricsLog(run, names, distiller.iteration())) {
            while (distiller.iteration() < iterations) {
                TrainingBatches.Batch b = batches.next();
                StepResult r;
                try (NDManager scope = manager.newSubManager()) {
                    NDArray lr = b.lrArray(scope);
                    NDArray hr = b.hrArray(scope);
                    r = distiller.step(lr, hr);
                }
                log.add(r);
                hooks.onStep(r, iterations);
                long it = r.iteration();
                boolean end = it == iterations;
                if (it % logEvery == 0 || end) {
                    MetricsLog.Row row = log.flush(it, r.learningRate());
                    if (row != null) {
                        hooks.onLog(row);
                        LOG.debug("iter {} loss {} terms {}", it, row.loss(), row.terms());
                    }
                }
                boolean validated = false;
                if (!validationSets.isEmpty() && (it % validateEvery == 0 || end)) {
                    lastValidation = validate(it, manager);
                    log.addValidation(lastValidation);
                    boolean best = lastValidation.get(0).psnr() > bestPsnr;
                    if (best) {
                        bestPsnr = lastValidation.get(0).psnr();
                        bestIteration = it;
                    }
                    hooks.onValidation(it, lastValidation, best);
                    validated = true;
                    if (best) {
                        last = save(it);
                        copyBest(last);
                    }
                }
                if ((it % checkpointEvery == 0 || end) && (last == null || last.iteration() != it)) {
                    last = save(it);
                }
                if (validated || it % checkpointEvery == 0 || end) {
                    LossChart.write(log.metricsFile(), log.validationFile(), run.root());
                }
            }
        }
        return new Summary(distiller.iteration(), bestPsnr, bestIteration, lastValidation, last, trainingSeconds());
    }

    /** The training time of the run so far, earlier segments included. */
    private double trainingSeconds() {
        return secondsBefore + (System.nanoTime() - segmentStart) / 1e9;
    }

    private List<MetricsLog.ValidationRow> validate(long it, NDManager manager) throws IOException {
        SuperResolver resolver = SuperResolver.builder().setNetwork(distiller.validationNetwork()).optTile(tile)
                .optTileOverlap(tile > 0 ? Math.min(16, tile / 4) : 0).build();
        List<MetricsLog.ValidationRow> rows = new ArrayList<>();
        for (BenchmarkSet set : validationSets) {
            List<ImageScore> scores = BenchmarkEvaluator.score(resolver, set, manager, s -> { });
            double psnr = scores.stream().mapToDouble(ImageScore::psnr).average().orElse(Double.NaN);
            double ssim = scores.stream().mapToDouble(ImageScore::ssim).average().orElse(Double.NaN);
            rows.add(new MetricsLog.ValidationRow(it, set.name(), psnr, ssim));
        }
        return rows;
    }

    private CheckpointStore.Saved save(long it) throws IOException {
        CheckpointInfo info = new CheckpointInfo(it, batches.position(), Double.isFinite(bestPsnr) ? bestPsnr : null,
                bestIteration, config, ComputeEnvironment.current(), trainingSeconds(), lastValidation);
        CheckpointStore store = run.checkpoints();
        SrBackbone student = distiller.student();
        SrBackbone ema = distiller.studentEma();
        boolean deploy = hasDeployForm(student);
        CheckpointStore.StudentWeights weights = new CheckpointStore.StudentWeights(StateDict.of(student),
                ema == null ? null : StateDict.of(ema), deploy ? DeployConversion.of(student).stateDict() : null,
                deploy && ema != null ? DeployConversion.of(ema).stateDict() : null);
        CheckpointStore.Saved saved = store.save(it, distiller.state(), weights, info);
        store.prune(keepCheckpoints, Set.of(bestIteration));
        hooks.onCheckpoint(saved);
        return saved;
    }

    /**
     * Whether checkpoints of this student also hold its deploy-form weights: its config is a
     * {@link ReparameterizableConfig} in its training form.
     *
     * @param student the student
     * @return true for a reparameterisable training-form student
     */
    public static boolean hasDeployForm(SrBackbone student) {
        return student.config() instanceof ReparameterizableConfig rc && !rc.isDeployForm();
    }

    private void copyBest(CheckpointStore.Saved saved) throws IOException {
        Path best = run.resolve("best");
        Path partial = run.resolve("best.partial");
        RunDirectory.deleteRecursively(partial);
        Files.createDirectories(partial);
        Files.copy(saved.studentWeights(), partial.resolve(CheckpointStore.STUDENT));
        for (Path optional : List.of(saved.emaWeights(), saved.studentDeployWeights(), saved.emaDeployWeights())) {
            if (Files.exists(optional)) {
                Files.copy(optional, partial.resolve(optional.getFileName()));
            }
        }
        Files.writeString(partial.resolve("iteration.txt"), saved.iteration() + "\n");
        RunDirectory.deleteRecursively(best);
        Files.move(partial, best, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Builds a {@link TrainingLoop}. */
    public static final class Builder {
        private Distiller distiller;
        private TrainingBatches batches;
        private RunDirectory run;
        private long iterations;
        private int logEvery = TrainingDefaults.LOG_EVERY;
        private int validateEvery = TrainingDefaults.VALIDATE_EVERY;
        private int checkpointEvery = TrainingDefaults.CHECKPOINT_EVERY;
        private int keepCheckpoints = TrainingDefaults.KEEP_CHECKPOINTS;
        private final List<BenchmarkSet> validationSets = new ArrayList<>();
        private int tile;
        private TrainingHooks hooks = new TrainingHooks() { };
        private JsonNode config;
        private double bestPsnr = Double.NEGATIVE_INFINITY;
        private long bestIteration;
        private double secondsBefore;
        private List<MetricsLog.ValidationRow> validationBefore = List.of();

        private Builder() {}

        /** The distiller (required; its iteration is where training continues). */
        public Builder setDistiller(Distiller distiller) {
            this.distiller = distiller;
            return this;
        }

        /** The batch source (required), positioned where training continues. */
        public Builder setBatches(TrainingBatches batches) {
            this.batches = batches;
            return this;
        }

        /** The run folder (required). */
        public Builder setRun(RunDirectory run) {
            this.run = run;
            return this;
        }

        /** The last iteration (required, &gt; 0). */
        public Builder setIterations(long iterations) {
            this.iterations = iterations;
            return this;
        }

        /** Log a metrics row every k steps (default {@link TrainingDefaults#LOG_EVERY}). */
        public Builder optLogEvery(int k) {
            this.logEvery = positive(k, "log_every");
            return this;
        }

        /**
         * Validate every k steps (default {@link TrainingDefaults#VALIDATE_EVERY}) on these sets; the first set decides
         * the best checkpoint.
         */
        public Builder optValidation(List<BenchmarkSet> sets, int every, int tile) {
            this.validationSets.addAll(sets);
            this.validateEvery = positive(every, "val_every");
            this.tile = tile;
            return this;
        }

        /**
         * Save a checkpoint every k steps (default {@link TrainingDefaults#CHECKPOINT_EVERY}) and keep the newest n
         * (default {@link TrainingDefaults#KEEP_CHECKPOINTS}; 0 keeps all).
         */
        public Builder optCheckpoints(int every, int keep) {
            this.checkpointEvery = positive(every, "save_every");
            this.keepCheckpoints = keep;
            return this;
        }

        /** Callbacks. */
        public Builder optHooks(TrainingHooks hooks) {
            this.hooks = hooks;
            return this;
        }

        /** The resolved config, stored in every checkpoint. */
        public Builder optConfig(JsonNode config) {
            this.config = config;
            return this;
        }

        /** The best validation score so far (from a resumed checkpoint). */
        public Builder optBest(double psnr, long iteration) {
            this.bestPsnr = psnr;
            this.bestIteration = iteration;
            return this;
        }

        /**
         * Continues a run from a checkpoint's {@code training_state.json}: its best score, its training time and its last
         * validation, so that the results of a resumed run cover all its segments.
         *
         * @param info the checkpoint's metadata
         * @return this
         */
        public Builder optResumedFrom(CheckpointInfo info) {
            if (info.bestPsnr() != null) {
                optBest(info.bestPsnr(), info.bestIteration());
            }
            this.secondsBefore = info.trainingSeconds();
            this.validationBefore = info.lastValidation();
            return this;
        }

        private static int positive(int k, String name) {
            if (k <= 0) {
                throw new IllegalArgumentException(name + " must be > 0, got " + k);
            }
            return k;
        }

        /** Builds the loop. */
        public TrainingLoop build() {
            if (distiller == null || batches == null || run == null) {
                throw new IllegalStateException("setDistiller, setBatches and setRun are required");
            }
            if (iterations <= 0) {
                throw new IllegalArgumentException("iterations must be > 0, got " + iterations);
            }
            return new TrainingLoop(this);
        }
    }
}
