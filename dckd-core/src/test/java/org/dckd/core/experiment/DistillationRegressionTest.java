package org.dckd.core.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.Device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.eval.BenchmarkEvaluator;
import org.dckd.core.train.TrainingHooks;
import org.dckd.data.benchmark.BenchmarkSet;
import org.dckd.nn.ComputeEnvironment;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end regression training of CI: on CBSD68 (LR made with MATLAB-exact bicubic), with the official
 * {@code rlfn_x4} weights as the frozen teacher, the same small RLFN student is trained for 300 iterations three ways
 * (scratch, Logits KD, DCKD) and validated on Set5. Every run must finish with every loss term finite and logged and
 * write its results file, and the students must rank as the paper's: bicubic &lt; scratch &lt; Logits KD &lt; DCKD.
 *
 * <p>No digits are hard-coded: 300 steps of training amplify the last-bit differences of another processor's kernels
 * into the second decimal. The build runs this test twice (native kernels, then capped at AVX2; see the parent POM),
 * and the second run compares with the first: the same ranking and every PSNR within {@link #CROSS_KERNEL_DB}, a bound
 * measured, not derived: the largest difference seen between kernel settings and processors was 0.031 dB
 * (docs/results.md).
 */
class DistillationRegressionTest {

    private static final int ITERATIONS = 300;
    /** The largest PSNR difference allowed between two kernel settings of one build (3x the largest one measured). */
    static final double CROSS_KERNEL_DB = 0.1;

    @Test
    void scratchLogitsAndDckdStudentsTrainAndBeatBicubic(@TempDir Path dir) throws Exception {
        Path cbsd = SharedData.require("data/train/CBSD68");
        Path set5 = SharedData.require("data/benchmarks/Set5");
        Path teacher = SharedData.require("data/weights/rlfn_official/rlfn_x4.pth");
        double bicubic = BenchmarkEvaluator.bicubic(BenchmarkSet.open(set5, 4)).psnr();

        String common = String.join("\n",
                "scale: 4",
                "seed: 10",
                "student: {network: {type: rlfn, feature_channels: 24, blocks: 2, esa_channels: 16, input_range: 1}}",
                "data: {sources: [{type: hr_only, hr: " + cbsd + ", lr_cache: " + dir.resolve("lr") + "}],"
                        + " patch_size: 32, batch_size: 8, workers: 2}",
                "optimizer: {lr: 0.002}",
                "train: {iterations: " + ITERATIONS + ", grad_clip: 5, log_every: 25, val_every: " + ITERATIONS + ", save_every: "
                        + ITERATIONS + "}",
                "validation: {sets: [" + set5 + "]}");
        String withTeacher = common + "\nteacher: {preset: rlfn, weights: " + teacher + "}";
        Map<String, String> runs = new LinkedHashMap<>();
        runs.put("scratch", common + "\nlosses: [{type: l1}]");
        runs.put("logits", withTeacher + "\nlosses: [{type: l1}, {type: l1, target: teacher}]");
        runs.put("dckd", withTeacher + "\nlosses: [{type: l1}, {type: l1, target: teacher},"
                + " {type: dcr, weight: 0.1, history: {steps: [100]}}, {type: dmm, weight: 0.001, codebook: {size: 64}}]");

        List<String> table = new ArrayList<>();
        table.add("kernels: " + ComputeEnvironment.currentKernels());
        table.add(String.format(Locale.ROOT, "bicubic  Set5 %.4f dB", bicubic));
        Map<String, Double> psnrs = new LinkedHashMap<>();
        psnrs.put("bicubic", bicubic);
        for (Map.Entry<String, String> e : runs.entrySet()) {
            Path cfg = dir.resolve(e.getKey() + ".yaml");
            Files.writeString(cfg, "name: e2e_" + e.getKey() + "\n" + e.getValue() + "\n");
            ExperimentRunner.Result r = ExperimentRunner.run(ExperimentConfig.load(cfg, List.of()),
                    new ExperimentRunner.Options(dir.resolve(e.getKey()), false, null, Device.cpu(),
                            !e.getKey().equals("scratch")), new TrainingHooks() { });
            assertEquals(ITERATIONS, r.summary().iterations());

            List<String> rows = Files.readAllLines(r.run().resolve("metrics.csv"));
            String[] header = rows.get(0).split(",");
            int terms = ExperimentConfig.load(cfg, List.of()).config().losses().size();
            assertEquals(3 + terms + 2, header.length, "every term has a column: " + rows.get(0));
            assertEquals(1 + ITERATIONS / 25, rows.size(), "a row every 25 iterations");
            for (String row : rows.subList(1, rows.size())) {
                for (String v : row.split(",")) {
                    assertTrue(Double.isFinite(Double.parseDouble(v)), e.getKey() + ": non-finite value in " + row);
                }
            }
            JsonNode results = new ObjectMapper().readTree(r.run().resolve("results.json").toFile());
            double psnr = results.get("final_validation").get(0).get("psnr").asDouble();
            table.add(String.format(Locale.ROOT, "%-8s Set5 %.4f dB (%s; %.0f s)", e.getKey(), psnr,
                    String.join(", ", List.of(header).subList(3, 3 + terms)), r.seconds()));
            psnrs.put(e.getKey(), psnr);
        }
        table.forEach(System.out::println);
        List<String> ranking = List.copyOf(psnrs.keySet());
        for (int i = 1; i < ranking.size(); i++) {
            assertTrue(psnrs.get(ranking.get(i)) > psnrs.get(ranking.get(i - 1)), "Set5 ranking " + psnrs);
        }
        compareWithOtherKernels(psnrs);
    }

    /**
     * Records this run's PSNRs under {@code target/} for the build's other kernel setting, and compares with the ones
     * an earlier execution of the same build recorded (matched by the build's start time).
     */
    private static void compareWithOtherKernels(Map<String, Double> psnrs) throws Exception {
        String build = System.getProperty("dckd.build.id", "");
        Path dir = Path.of("target", "regression-psnr");
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper();
        String kernels = ComputeEnvironment.currentKernels();
        if (!build.isEmpty()) {
            try (var files = Files.list(dir)) {
                for (Path other : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                    JsonNode o = json.readTree(other.toFile());
                    if (!o.path("build").asText().equals(build) || o.path("kernels").asText().equals(kernels)) {
                        continue;
                    }
                    for (Map.Entry<String, Double> e : psnrs.entrySet()) {
                        double there = o.path("psnr").path(e.getKey()).asDouble();
                        System.out.printf(Locale.ROOT, "%-8s Set5 %.4f dB here (%s), %.4f dB with %s: %+.4f%n",
                                e.getKey(), e.getValue(), kernels, there, o.path("kernels").asText(),
                                e.getValue() - there);
                        assertEquals(there, e.getValue(), CROSS_KERNEL_DB, e.getKey() + ": " + kernels + " vs "
                                + o.path("kernels").asText());
                    }
                }
            }
        }
        var root = json.createObjectNode().put("build", build).put("kernels", kernels);
        psnrs.forEach(root.putObject("psnr")::put);
        json.writeValue(dir.resolve(kernels.replaceAll("[^A-Za-z0-9_.-]+", "_") + ".json").toFile(), root);
    }

}
