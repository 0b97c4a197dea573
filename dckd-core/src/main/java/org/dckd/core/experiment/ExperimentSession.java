package org.dckd.core.experiment;

import java.io.IOException;

import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;

import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.distill.Distiller;
import org.dckd.core.train.RunDirectory;
import org.dckd.core.train.TrainingBatches;
import org.dckd.core.train.TrainingHooks;
import org.dckd.core.train.TrainingLoop;
import org.dckd.nn.DjlRuntime;

/**
 * The resources of a run of a checked {@link ExperimentPlan}: the manager, the distiller with its networks (restored
 * from the checkpoint of a continued run), the training batches (at the checkpoint's data position) and the run
 * folder, which is made only once everything else is open. Closing it frees them all.
 */
public final class ExperimentSession implements AutoCloseable {

    static {
        DjlRuntime.ensureOffline();
    }

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
