package org.dckd.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.core.eval.EvaluationReport;

/** The {@code --json} file of the {@code bench train} and {@code bench infer} commands. */
final class BenchReport {

    private BenchReport() {}

    /**
     * Refuses to start a measurement whose result could not be written.
     *
     * @param json the {@code --json} file, or {@code null}
     * @param overwrite whether {@code --overwrite} was given
     * @throws IOException if the file exists and may not be replaced
     */
    static void checkWritable(Path json, boolean overwrite) throws IOException {
        if (json != null && !overwrite && Files.exists(json)) {
            throw new IOException(json + " already exists; refusing to overwrite it (pass --overwrite)");
        }
    }

    /**
     * Writes the results as indented JSON (atomically) and says so, when a file was asked for.
     *
     * @param root the results
     * @param json the {@code --json} file, or {@code null} to write nothing
     * @param overwrite whether {@code --overwrite} was given
     * @param out where to say that the file was written
     * @throws IOException if the file cannot be written
     */
    static void write(ObjectNode root, Path json, boolean overwrite, PrintWriter out) throws IOException {
        if (json == null) {
            return;
        }
        EvaluationReport.writeAtomically(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(root) + "\n", json, overwrite);
        out.println("wrote " + json);
    }
}
