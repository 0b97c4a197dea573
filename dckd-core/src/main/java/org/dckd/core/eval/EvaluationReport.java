package org.dckd.core.eval;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The result of evaluating one network on one benchmark set: per-image scores and their means (the mean of
 * per-image PSNRs, as the published tables report).
 *
 * @param model what was evaluated (preset name or config file)
 * @param weights the checkpoint, or {@code null}
 * @param dataset the benchmark folder
 * @param scale the upscaling factor
 * @param images per-image scores in name order
 */
public record EvaluationReport(String model, String weights, String dataset, int scale, List<ImageScore> images) {

    /** Creates a report (the image list is copied). */
    public EvaluationReport {
        images = List.copyOf(images);
    }

    /** The mean Y-PSNR over images (dB). */
    public double meanPsnr() {
        return images.stream().mapToDouble(ImageScore::psnr).average().orElse(Double.NaN);
    }

    /** The mean Y-SSIM over images. */
    public double meanSsim() {
        return images.stream().mapToDouble(ImageScore::ssim).average().orElse(Double.NaN);
    }

    /** The total network time over images (s). */
    public double seconds() {
        return images.stream().mapToDouble(ImageScore::seconds).sum();
    }

    /** A fixed-width table: one row per image and a mean row. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        int w = Math.max(8, images.stream().mapToInt(i -> i.name().length()).max().orElse(0));
        String fmt = "%-" + w + "s  %9s  %7s  %8s%n";
        sb.append(String.format(Locale.ROOT, fmt, "image", "PSNR-Y", "SSIM-Y", "time(s)"));
        for (ImageScore i : images) {
            sb.append(String.format(Locale.ROOT, fmt, i.name(), String.format(Locale.ROOT, "%.4f", i.psnr()),
                    String.format(Locale.ROOT, "%.5f", i.ssim()), String.format(Locale.ROOT, "%.3f", i.seconds())));
        }
        sb.append(String.format(Locale.ROOT, fmt, "mean", String.format(Locale.ROOT, "%.4f", meanPsnr()),
                String.format(Locale.ROOT, "%.5f", meanSsim()), String.format(Locale.ROOT, "%.3f", seconds())));
        return sb.toString();
    }

    /** The JSON form: {@code {"mean_psnr", "mean_ssim", "images": [{"name", "psnr", "ssim", "seconds"}], ...}}. */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", model);
        root.put("weights", weights);
        root.put("dataset", dataset);
        root.put("scale", scale);
        root.put("mean_psnr", meanPsnr());
        root.put("mean_ssim", meanSsim());
        root.put("seconds", seconds());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ImageScore i : images) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", i.name());
            row.put("psnr", i.psnr());
            row.put("ssim", i.ssim());
            row.put("seconds", i.seconds());
            rows.add(row);
        }
        root.put("images", rows);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CSV form: header {@code name,psnr,ssim,seconds}, one row per image, then a {@code mean} row. */
    public String toCsv() {
        StringWriter sw = new StringWriter();
        sw.write("name,psnr,ssim,seconds\n");
        for (ImageScore i : images) {
            sw.write(String.format(Locale.ROOT, "%s,%.6f,%.7f,%.4f%n", i.name(), i.psnr(), i.ssim(), i.seconds()));
        }
        sw.write(String.format(Locale.ROOT, "mean,%.6f,%.7f,%.4f%n", meanPsnr(), meanSsim(), seconds()));
        return sw.toString();
    }

    /**
     * Writes text to a file atomically (temporary file in the same folder, then a rename).
     *
     * @param text the content
     * @param file the destination
     * @param overwrite whether an existing file may be replaced
     * @throws IOException if the file exists and {@code overwrite} is false (the message names it), or on I/O errors
     */
    public static void writeAtomically(String text, Path file, boolean overwrite) throws IOException {
        Path target = file.toAbsolutePath();
        if (!overwrite && Files.exists(target)) {
            throw new IOException(target + " already exists; refusing to overwrite it (pass --overwrite to replace it)");
        }
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(text);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
