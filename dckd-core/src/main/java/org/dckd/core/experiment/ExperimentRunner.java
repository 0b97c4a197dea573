package org.dckd.core.experiment;

import java.io.IOException;
import java.nio.file.Path;

import ai.djl.Device;

import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.train.RunDirectory;
import org.dckd.core.train.TrainingHooks;
import org.dckd.core.train.TrainingLoop;
import org.dckd.nn.DjlRuntime;

/**
 * Runs an experiment config end to end: a new run in a fresh folder, or the continuation of a run from its latest (or
 * a given) checkpoint. Everything that can be checked is checked before the first step: the config, the teacher's
 * checkpoint, the validation folders, the run folder ({@link ExperimentPlan}); the resources of the run are opened
 * and trained by an {@link ExperimentSession}; its results go to {@code results.json} ({@link ResultsFile}) and the
 * model card {@code README.md} ({@link ModelCard}: efficiency, quality next to the teacher's and bicubic's, deploy
 * weights, the command).
 */
public final class ExperimentRunner {

    static {
        DjlRuntime.ensureOffline();
    }

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
     * @param command the command line that runs this (for the model card's "Reproduce"), or {@code null}
     */
    public record Options(Path out, boolean overwrite, String resume, Device device, boolean requireTeacher,
            String command) {

        /**
         * Options without a command line (a run started from Java).
         *
         * @param out the run folder (default {@code runs/<name>})
         * @param overwrite replace an existing run folder
         * @param resume {@code null}, {@code "latest"} or a checkpoint folder
         * @param device the device
         * @param requireTeacher true for {@code dckd distill}
         */
        public Options(Path out, boolean overwrite, String resume, Device device, boolean requireTeacher) {
            this(out, overwrite, resume, device, requireTeacher, null);
        }
    }

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
        ExperimentPlan plan = ExperimentPlan.of(loaded, options);
        try (ExperimentSession session = ExperimentSession.open(plan)) {
            Result result = session.train(hooks);
            ModelCard card = session.modelCard(result);
            ResultsFile.write(result, card);
            card.write(result.run(), result);
            return result;
        }
    }
}
