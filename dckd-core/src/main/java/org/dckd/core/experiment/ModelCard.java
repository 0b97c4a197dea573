package org.dckd.core.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.core.efficiency.EfficiencyReport;
import org.dckd.core.efficiency.RuntimeMeasurement;
import org.dckd.core.train.CheckpointStore;
import org.dckd.core.train.MetricsLog;
import org.dckd.core.train.RunDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a finished run says about its student beyond the training loop's summary: the student's
 * {@link EfficiencyReport} (NTIRE counts on a 256x256 LR input, and a runtime on a small fixed input unless
 * {@code train.measure_runtime: false}), its validation scores next to the teacher's and MATLAB bicubic's on the same
 * sets, where its deploy-form weights are and how to evaluate them, and the command that made the run. It goes into
 * {@code results.json} ({@link #addTo}) and becomes the run folder's model card {@code README.md} ({@link #write}).
 *
 * @param name the run's name
 * @param command the command line that ran the run, or {@code null} when unknown (a run started from Java)
 * @param resumed whether this segment continued the run from a checkpoint
 * @param studentDescription the student: its type and hyper-parameters
 * @param studentModel the {@code --model} value that builds the student (a preset, or the run folder's
 *     {@value RunDirectory#STUDENT_CONFIG}), or {@code null} when none could be named
 * @param teacherDescription the teacher, or {@code null}
 * @param scale the upscaling factor
 * @param efficiency the student's efficiency report
 * @param validation the student's last validation next to the teacher's and bicubic's, one row per set
 * @param emaWeights whether the student's scores are those of its EMA weights
 * @param deploy the deploy-form weights and how to evaluate them, or {@code null} (no deploy form)
 * @param runFolder the run folder as the user named it ({@code --out}, or {@code runs/<name>}): the card's commands
 *     name files under it
 */
public record ModelCard(String name, String command, boolean resumed, String studentDescription,
        String studentModel, String teacherDescription, int scale, EfficiencyReport efficiency, List<SetComparison> validation,
        boolean emaWeights, DeployWeights deploy, String runFolder) {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCard.class);

    /**
     * One validation set: the student's last scores next to the teacher's and bicubic's.
     *
     * @param set the set's name
     * @param iteration the iteration of the student's scores
     * @param studentPsnr the student's mean Y-PSNR (dB)
     * @param studentSsim the student's mean Y-SSIM
     * @param teacherPsnr the teacher's, or NaN without a teacher
     * @param teacherSsim the teacher's, or NaN
     * @param bicubicPsnr MATLAB bicubic's
     * @param bicubicSsim MATLAB bicubic's
     */
    public record SetComparison(String set, long iteration, double studentPsnr, double studentSsim,
            double teacherPsnr, double teacherSsim, double bicubicPsnr, double bicubicSsim) {}

    /**
     * The deploy-form weights a run saved for a reparameterisable student.
     *
     * @param model the {@code --model} value that builds the deploy form (a preset, or the run folder's
     *     {@value RunDirectory#DEPLOY_CONFIG}), or {@code null} when none could be named
     * @param best the best checkpoint's deploy weights, or {@code null} (no validation)
     * @param last the last checkpoint's deploy weights
     * @param trainingParameters the training form's parameters
     * @param deployParameters the deploy form's parameters
     */
    public record DeployWeights(String model, Path best, Path last, long trainingParameters, long deployParameters) {}

    /**
     * Adds the card's figures to a {@code results.json} object: {@code efficiency} (the report's JSON),
     * {@code reference_validation} (teacher and bicubic per set), {@code deploy} (when there are deploy weights) and
     * {@code command}.
     *
     * @param root the results object
     */
    public void addTo(ObjectNode root) {
        root.set("efficiency", efficiency.toJson());
        ArrayNode refs = root.putArray("reference_validation");
        for (SetComparison c : validation) {
            ObjectNode o = refs.addObject().put("set", c.set());
            putScore(o, "teacher_psnr", c.teacherPsnr());
            putScore(o, "teacher_ssim", c.teacherSsim());
            o.put("bicubic_psnr", c.bicubicPsnr()).put("bicubic_ssim", c.bicubicSsim());
        }
        if (deploy != null) {
            ObjectNode d = root.putObject("deploy");
            d.put("model", deploy.model());
            d.put("best_weights", deploy.best() == null ? null : deploy.best().toString());
            d.put("last_weights", deploy.last() == null ? null : deploy.last().toString());
            d.put("training_parameters", deploy.trainingParameters());
            d.put("deploy_parameters", deploy.deployParameters());
        }
        root.put("student_model", studentModel);
        root.put("command", command);
    }

    private static void putScore(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key);
        }
    }

    /**
     * Writes the card as {@value RunDirectory#MODEL_CARD} into the run folder, atomically, replacing only a card dckd
     * wrote (one starting with {@link RunDirectory#MODEL_CARD_MARKER}); a {@code README.md} someone else put there is
     * left as it is, with a warning.
     *
     * @param run the run folder
     * @param result the run's result
     * @return whether the card was written
     * @throws IOException if it cannot be written
     */
    public boolean write(RunDirectory run, ExperimentRunner.Result result) throws IOException {
        Path file = run.resolve(RunDirectory.MODEL_CARD);
        if (Files.exists(file) && !RunDirectory.isOwnModelCard(file)) {
            LOG.warn("{} was not written by dckd: it is left as it is and the model card is not written", file);
            return false;
        }
        Path tmp = run.resolve(".README.md.tmp");
        Files.writeString(tmp, markdown(run, result), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }

    /**
     * The card's text (Markdown), with links relative to the run folder.
     *
     * @param run the run folder
     * @param result the run's result
     * @return the text
     */
    public String markdown(RunDirectory run, ExperimentRunner.Result result) {
        StringBuilder b = new StringBuilder();
        b.append(RunDirectory.MODEL_CARD_MARKER).append("\n\n");
        b.append("# ").append(name).append("\n\n");
        b.append(String.format(Locale.ROOT, "x%d super-resolution student, %,d iterations (%.0f s of training).%n%n",
                scale, result.summary().iterations(), result.summary().trainingSeconds()));

        b.append("## Network\n\n");
        b.append("- student: ").append(studentDescription).append('\n');
        b.append("- teacher: ").append(teacherDescription == null ? "none (trained from scratch)" : teacherDescription)
                .append("\n\n");

        b.append("## Efficiency\n\n");
        b.append("Counted as the NTIRE efficient-SR challenges do, on a 1x3x").append(efficiency.inputHeight())
                .append('x').append(efficiency.inputWidth()).append(" LR input (`./dckd profile`, docs/efficiency.md)")
                .append(deploy != null ? "; FLOPs, activations and convolutions of the merged (deploy) form, as the "
                        + "network runs for inference" : "").append(".\n\n");
        b.append("| parameters | FLOPs (NTIRE 2022) | FLOPs (fvcore-equiv.) | activations | #conv | runtime |\n");
        b.append("|---:|---:|---:|---:|---:|---|\n");
        b.append(String.format(Locale.ROOT, "| %,d | %.4f G | %.4f G | %.4f M | %d | %s |%n%n",
                efficiency.parameters(), efficiency.counts().ntireFlops() / 1e9,
                efficiency.counts().fvcoreEquivalentFlops() / 1e9, efficiency.counts().activations() / 1e6,
                efficiency.counts().numConv(), runtimeText(efficiency.runtime())));
        if (deploy != null) {
            b.append(String.format(Locale.ROOT, "Parameters: %,d in the training form, %,d in the deploy form.%n%n",
                    deploy.trainingParameters(), deploy.deployParameters()));
        }

        b.append("## Quality\n\n");
        if (validation.isEmpty()) {
            b.append("No validation sets (`validation.sets`): no scores.\n\n");
        } else {
            b.append("Mean Y-channel PSNR (dB) / SSIM, border of the scale cropped (`./dckd evaluate`); student: ")
                    .append(emaWeights ? "EMA weights" : "weights").append(" of its last validation.\n\n");
            b.append("| set | student | teacher | bicubic |\n|---|---:|---:|---:|\n");
            for (SetComparison c : validation) {
                b.append(String.format(Locale.ROOT, "| %s | %.4f / %.5f (iteration %d) | %s | %.4f / %.5f |%n",
                        c.set(), c.studentPsnr(), c.studentSsim(), c.iteration(),
                        Double.isFinite(c.teacherPsnr())
                                ? String.format(Locale.ROOT, "%.4f / %.5f", c.teacherPsnr(), c.teacherSsim()) : "-",
                        c.bicubicPsnr(), c.bicubicSsim()));
            }
            b.append('\n');
        }

        b.append("## Training curves\n\n");
        boolean charts = false;
        for (String png : List.of("losses.png", "validation.png")) {
            if (Files.isRegularFile(run.resolve(png))) {
                b.append("![").append(png).append("](").append(png).append(")\n");
                charts = true;
            }
        }
        if (!charts) {
            b.append("No pictures were drawn (XChart is not on the class path); the curves are in ");
        } else {
            b.append("\nThe numbers: ");
        }
        b.append("[metrics.csv](metrics.csv)").append(Files.isRegularFile(run.resolve("validation.csv"))
                ? " and [validation.csv](validation.csv)" : "").append(".\n\n");

        b.append("## Weights\n\n");
        CheckpointStore.Saved last = result.summary().lastCheckpoint();
        if (Files.isDirectory(run.resolve("best"))) {
            b.append("- best validation score: `").append(underRunFolder("best/" + (emaWeights
                    ? CheckpointStore.STUDENT_EMA : CheckpointStore.STUDENT))).append("`\n");
        }
        if (last != null) {
            b.append("- last checkpoint: `").append(underRunFolder(relative(run, last.directory()))).append("/`\n");
        }
        b.append(String.format(Locale.ROOT, "%nEvaluate: `./dckd evaluate --model %s --weights %s --scale %d "
                + "--data <benchmark folder>`%n", studentModelHint(), weightsHint(run, false), scale));
        if (deploy != null) {
            b.append("\n### Deploy form\n\n");
            b.append("The student's branches merged into one convolution per block (structural reparameterisation, "
                    + "docs/reparameterisation.md); same outputs, fewer parameters and FLOPs: `")
                    .append(CheckpointStore.STUDENT_DEPLOY).append("` and `").append(CheckpointStore.STUDENT_EMA_DEPLOY)
                    .append("` next to the training weights in `best/` and every checkpoint folder.\n\n");
            if (deploy.model() != null) {
                b.append(String.format(Locale.ROOT, "Evaluate: `./dckd evaluate --model %s --weights %s --scale %d "
                        + "--data <benchmark folder>`%n", deploy.model(), weightsHint(run, true), scale));
            } else {
                b.append("No preset builds this deploy form; evaluate the weights with a backbone config of the "
                        + "student with `deploy: true`.\n");
            }
            b.append('\n');
        }

        b.append("## Reproduce\n\n");
        if (command != null) {
            b.append("```\n").append(command).append("\n```\n");
            if (resumed) {
                b.append("\n(The last segment of this run continued it from a checkpoint; a fresh run of the same "
                        + "config without `--resume` gives the same result, see docs/training.md \"Exact resume\".)\n");
            }
        } else {
            b.append("Started from Java (no command line): `./dckd train --config config.yaml` (the resolved config "
                    + "in this folder) reruns it.\n");
        }
        b.append("\nThe resolved config (after `--set`) is [config.yaml](config.yaml); figures in "
                + "[results.json](results.json).\n");
        return b.toString();
    }

    private String studentModelHint() {
        return studentModel != null ? studentModel : "<student backbone config>";
    }

    private String weightsHint(RunDirectory run, boolean deployForm) {
        Path w = deployForm ? (deploy.best() != null ? deploy.best() : deploy.last()) : null;
        if (w == null && deployForm) {
            return "<checkpoint>/" + (emaWeights ? CheckpointStore.STUDENT_EMA_DEPLOY : CheckpointStore.STUDENT_DEPLOY);
        }
        if (w != null) {
            return underRunFolder(relative(run, w));
        }
        String file = emaWeights ? CheckpointStore.STUDENT_EMA : CheckpointStore.STUDENT;
        return underRunFolder(Files.isDirectory(run.resolve("best")) ? "best/" + file
                : relative(run, run.checkpoints().directory()) + "/<iter>/" + file);
    }

    private static String relative(RunDirectory run, Path p) {
        return run.root().relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private String underRunFolder(String relative) {
        return Path.of(runFolder).resolve(relative).toString();
    }

    private static String runtimeText(RuntimeMeasurement r) {
        if (r == null) {
            return "not measured (`train.measure_runtime: false`)";
        }
        return String.format(Locale.ROOT, "%.2f ms (%s, %s threads, %s input, best of %d; noisy on a shared machine)",
                r.meanBestMs(), r.device(), r.torchThreads(), r.source(), r.runsPerImage());
    }

    /**
     * The student's scores of a validation next to reference scores.
     *
     * @param student the student's last validation rows
     * @param teacher the teacher's scores per set (same order), or {@code null}
     * @param bicubic bicubic's scores per set (same order)
     * @return one comparison per set
     */
    static List<SetComparison> compare(List<MetricsLog.ValidationRow> student, List<double[]> teacher,
            List<double[]> bicubic) {
        List<SetComparison> out = new ArrayList<>();
        for (int i = 0; i < student.size(); i++) {
            MetricsLog.ValidationRow s = student.get(i);
            double[] t = teacher == null ? new double[] {Double.NaN, Double.NaN} : teacher.get(i);
            double[] bc = bicubic.get(i);
            out.add(new SetComparison(s.set(), s.iteration(), s.psnr(), s.ssim(), t[0], t[1], bc[0], bc[1]));
        }
        return out;
    }

    /** The student section of a config tree as one line of JSON (what the user wrote). */
    static String describe(JsonNode spec, Object resolved) {
        if (spec == null || spec.isMissingNode() || spec.isNull()) {
            return resolved.toString();
        }
        ObjectNode copy = spec.deepCopy();
        copy.remove("weights");
        return "`" + copy + "` = " + resolved;
    }
}
