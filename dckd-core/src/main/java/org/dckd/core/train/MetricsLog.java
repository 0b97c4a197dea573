package org.dckd.core.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.dckd.core.distill.StepResult;

/**
 * {@code metrics.csv} (one row per logged iteration: every loss term, lr, time) and {@code validation.csv} (one row
 * per validation: iteration, set, PSNR, SSIM). Training rows are means over the steps since the last row. On resume,
 * rows after the resumed iteration are dropped so the files continue as if the run had not stopped.
 */
public final class MetricsLog implements AutoCloseable {

    private final Path metrics;
    private final Path validation;
    private final List<String> terms;
    private BufferedWriter out;
    private final Map<String, Double> sums = new LinkedHashMap<>();
    private int count;
    private double seconds;

    /** One logged training row (means over the interval). */
    public record Row(long iteration, double lr, double loss, Map<String, Double> terms, double gradNorm,
            double secondsPerStep) {}

    /** One validation row. */
    public record ValidationRow(long iteration, String set, double psnr, double ssim) {}

    /**
     * Opens the logs of a run, truncating rows after {@code resumedIteration}.
     *
     * @param run the run folder
     * @param terms the loss term names (columns)
     * @param resumedIteration the iteration training continues from (0 for a new run)
     */
    public MetricsLog(RunDirectory run, List<String> terms, long resumedIteration) throws IOException {
        this.metrics = run.resolve("metrics.csv");
        this.validation = run.resolve("validation.csv");
        this.terms = List.copyOf(terms);
        String header = "iteration,lr,loss," + String.join(",", terms) + ",grad_norm,seconds_per_step";
        truncate(metrics, header, resumedIteration);
        truncate(validation, "iteration,set,psnr,ssim", resumedIteration);
        out = Files.newBufferedWriter(metrics, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static void truncate(Path file, String header, long lastKept) throws IOException {
        List<String> keep = new ArrayList<>();
        keep.add(header);
        if (Files.exists(file)) {
            if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(file + " is not a regular file; the run folder holds something dckd did not"
                        + " write");
            }
            List<String> lines = Files.readAllLines(file);
            if (!lines.isEmpty() && !lines.get(0).equals(header)) {
                throw new IOException(file + " has other columns (" + lines.get(0) + ") than this run ("
                        + header + "); was the loss changed between runs?");
            }
            for (String l : lines.subList(Math.min(1, lines.size()), lines.size())) {
                long it = Long.parseLong(l.substring(0, l.indexOf(',')));
                if (it <= lastKept) {
                    keep.add(l);
                }
            }
        }
        try {
            Files.write(file, keep, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw named(file, e);
        }
    }

    /** Accumulates one step. */
    public void add(StepResult r) {
        sums.merge("loss", (double) r.loss(), Double::sum);
        sums.merge("grad_norm", r.gradientNorm(), Double::sum);
        r.terms().forEach((k, v) -> sums.merge(k, (double) v, Double::sum));
        seconds += r.seconds();
        count++;
    }

    /** Writes the mean of the accumulated steps as one row and resets; returns it (or null if nothing). */
    public Row flush(long iteration, double lr) throws IOException {
        if (count == 0) {
            return null;
        }
        Map<String, Double> means = new LinkedHashMap<>();
        for (String t : terms) {
            means.put(t, sums.getOrDefault(t, Double.NaN) / count);
        }
        Row row = new Row(iteration, lr, sums.get("loss") / count, means, sums.get("grad_norm") / count,
                seconds / count);
        StringBuilder sb = new StringBuilder();
        sb.append(iteration).append(',').append(fmt(lr)).append(',').append(fmt(row.loss()));
        for (String t : terms) {
            sb.append(',').append(fmt(means.get(t)));
        }
        sb.append(',').append(fmt(row.gradNorm())).append(',').append(String.format(Locale.ROOT, "%.4f", row.secondsPerStep()));
        try {
            out.write(sb.toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw named(metrics, e);
        }
        sums.clear();
        count = 0;
        seconds = 0;
        return row;
    }

    /** Appends validation rows. */
    public void addValidation(List<ValidationRow> rows) throws IOException {
        List<String> lines = new ArrayList<>();
        for (ValidationRow r : rows) {
            lines.add(String.format(Locale.ROOT, "%d,%s,%.6f,%.7f", r.iteration(), r.set(), r.psnr(), r.ssim()));
        }
        try {
            Files.write(validation, lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw named(validation, e);
        }
    }

    /** An I/O error that names the file (a full disk reports only "No space left on device"). */
    private static IOException named(Path file, IOException e) {
        return e instanceof java.nio.file.FileSystemException ? e
                : new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }

    /** The metrics file. */
    public Path metricsFile() {
        return metrics;
    }

    /** The validation file. */
    public Path validationFile() {
        return validation;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
