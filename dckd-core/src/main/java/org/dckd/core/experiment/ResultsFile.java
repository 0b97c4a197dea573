package org.dckd.core.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.nn.ComputeEnvironment;

/**
 * The {@code results.json} of a run: iterations, parameter counts, training time, the best validation score and where
 * it was reached, the compute environment, the final validation and, from the {@link ModelCard}, the student's
 * efficiency report, the teacher's and bicubic's scores, the deploy weights and the command; written atomically (replacing the file of an
 * earlier segment of the run).
 */
public final class ResultsFile {

    /** The file's name in the run folder. */
    public static final String NAME = "results.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultsFile() {}

    /**
     * Writes the results of a run into its run folder.
     *
     * @param r the result
     * @throws IOException if the file cannot be written
     */
    public static void write(ExperimentRunner.Result r) throws IOException {
        write(r, null);
    }

    /**
     * Writes the results of a run into its run folder, with the figures of its model card ({@link ModelCard#addTo}:
     * {@code efficiency}, {@code reference_validation}, {@code deploy}, {@code command}).
     *
     * @param r the result
     * @param card the model card, or {@code null}
     * @throws IOException if the file cannot be written
     */
    public static void write(ExperimentRunner.Result r, ModelCard card) throws IOException {
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
        ArrayNode arr = root.putArray("final_validation");
        r.summary().lastValidation().forEach(v -> arr.addObject().put("set", v.set()).put("psnr", v.psnr())
                .put("ssim", v.ssim()).put("iteration", v.iteration()));
        if (card != null) {
            card.addTo(root);
        }
        Path tmp = r.run().resolve(".results.json.tmp");
        JSON.writeValue(tmp.toFile(), root);
        Files.move(tmp, r.run().resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
