package org.dckd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DckdCliTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void helpListsTheCommands() {
        CliRun r = run("--help");
        assertEquals(0, r.status());
        for (String c : new String[] {"quickstart", "evaluate", "presets"}) {
            assertTrue(r.out().contains(c), r.out());
        }
    }

    @Test
    void evaluateWritesTheJsonAndCsvReports(@TempDir Path dir) throws Exception {
        Path weights = SharedData.require("data/weights/rlfn_official/rlfn_s_x4.pth");
        Path set5 = SharedData.require("data/benchmarks/Set5");
        Path json = dir.resolve("set5.json");
        Path csv = dir.resolve("set5.csv");
        CliRun r = run("evaluate", "--model", "rlfn_s", "--weights", weights.toString(), "--scale", "4",
                "--data", set5.toString(), "--json", json.toString(), "--csv", csv.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(5, root.get("images").size());
        assertEquals("baby", root.get("images").get(0).get("name").asText());
        // published RLFN-S x4 Set5: 32.23 dB; our reference table gives 32.2395
        assertEquals(32.2395, root.get("mean_psnr").asDouble(), 0.002);
        assertTrue(root.get("mean_ssim").asDouble() > 0.89 && root.get("mean_ssim").asDouble() < 0.90);
        assertEquals(7, Files.readAllLines(csv).size(), "header + 5 images + mean");
        assertTrue(r.out().contains("mean"), r.out());

        // a second run refuses to overwrite the reports, before doing any work
        String before = Files.readString(json);
        CliRun again = run("evaluate", "--model", "rlfn_s", "--weights", weights.toString(), "--scale", "4",
                "--data", set5.toString(), "--json", json.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("already exists") && again.err().contains(json.toString()), again.err());
        assertEquals(before, Files.readString(json));
    }

    @Test
    void evaluateScoresTheBicubicBaseline(@TempDir Path dir) throws Exception {
        Path set5 = SharedData.require("data/benchmarks/Set5");
        Path json = dir.resolve("bicubic.json");
        CliRun r = run("evaluate", "--model", "bicubic", "--scale", "4", "--data", set5.toString(), "--json",
                json.toString());
        assertEquals(0, r.status(), r.err());
        assertFalse(r.err().contains("random weights"), r.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(5, root.get("images").size());
        // the value the regression test's bicubic row and docs/results.md give (published: 28.42)
        assertEquals(28.4305, root.get("mean_psnr").asDouble(), 1e-4);

        CliRun withWeights = run("evaluate", "--model", "bicubic", "--weights", "x.pth", "--scale", "4", "--data",
                set5.toString());
        assertNotEquals(0, withWeights.status());
        assertTrue(withWeights.err().contains("bicubic takes no --weights"), withWeights.err());
    }

    @Test
    void tiledEvaluationStaysCloseToWholeImages(@TempDir Path dir) throws Exception {
        Path weights = SharedData.require("data/weights/rlfn_official/rlfn_s_x4.pth");
        Path set5 = SharedData.require("data/benchmarks/Set5");
        Path json = dir.resolve("tiled.json");
        CliRun r = run("evaluate", "--model", "rlfn_s", "--weights", weights.toString(), "--scale", "4",
                "--data", set5.toString(), "--tile", "40", "--tile-overlap", "16", "--json", json.toString());
        assertEquals(0, r.status(), r.err());
        double tiled = new ObjectMapper().readTree(json.toFile()).get("mean_psnr").asDouble();
        assertEquals(32.2395, tiled, 0.05, "tiling with overlap changes results only near seams");
    }

    @Test
    void aWrongCheckpointIsAClearError() {
        Path weights = SharedData.require("data/weights/imdn_official/IMDN_x4.pth");
        Path set5 = SharedData.require("data/benchmarks/Set5");
        CliRun r = run("evaluate", "--model", "rlfn", "--weights", weights.toString(), "--scale", "4",
                "--data", set5.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("IMDN_x4.pth") && r.err().contains("missing"), r.err());
    }

    @Test
    void aDeviceThisMachineLacksIsRefusedBeforeAnythingRuns() {
        for (String[] args : new String[][] {
                {"evaluate", "--model", "rlfn", "--scale", "4", "--data", "nowhere", "--device", "gpu:3"},
                {"upscale", "--model", "rlfn", "--weights", "nowhere.pth", "--scale", "4", "--input", "nowhere.png",
                    "--output", "nowhere", "--device", "tpu"}}) {
            CliRun r = run(args);
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains("--device") && !r.err().contains("nowhere"), r.err());
        }
    }

    @Test
    void anUnknownModelNamesThePresets() {
        CliRun r = run("evaluate", "--model", "edsr", "--scale", "4", "--data", "nowhere");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("edsr") && r.err().contains("rlfn_s"), r.err());
    }

    @Test
    void aModelConfigFileWithAnUnknownKeyIsRejectedWithItsPath(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("net.yaml");
        Files.writeString(cfg, "type: rlfn\nscale: 4\nfeature_channel: 48\n");
        CliRun r = run("evaluate", "--model", cfg.toString(), "--scale", "4", "--data", "nowhere");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("net.yaml") && r.err().contains("feature_channel"), r.err());
    }

    @Test
    void aModelConfigFileBuildsTheNetwork(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("net.json");
        Files.writeString(cfg, "{\"type\": \"rlfn\", \"scale\": 2, \"feature_channels\": 48}");
        Path hr = SharedData.require("data/benchmarks/Set5/HR");
        CliRun r = run("evaluate", "--model", cfg.toString(), "--scale", "2", "--data", hr.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("454,620 parameters"), r.out());
        assertTrue(r.err().contains("random weights"), r.err());
    }

    @Test
    void quickstartRunsWithNoFiles(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("qs");
        CliRun r = run("quickstart", "--out", out.toString(), "--teacher-iterations", "6", "--student-iterations", "5",
                "--test-images", "1");
        assertEquals(0, r.status(), r.err());
        for (String row : new String[] {"bicubic", "student, scratch", "student, DCKD", "teacher"}) {
            assertTrue(r.out().contains(row), row + " missing from\n" + r.out());
        }
        for (String run : new String[] {"teacher", "student_scratch", "student_dckd"}) {
            assertTrue(Files.exists(out.resolve(run).resolve("results.json")), run);
        }
        // the DCKD run logged all four terms
        assertTrue(Files.readAllLines(out.resolve("student_dckd/metrics.csv")).get(0)
                .contains("l_pix,l_kd,l_dcl,l_ce"));
    }

    @Test
    void upscaleWritesPngsAndNeverOverwrites(@TempDir Path dir) throws Exception {
        Path weights = SharedData.require("data/weights/rlfn_official/rlfn_s_x4.pth");
        Path lr = SharedData.require("data/benchmarks/Set5/LR_bicubic/X4/birdx4.png");
        Path out = dir.resolve("out");
        CliRun r = run("upscale", "--model", "rlfn_s", "--weights", weights.toString(), "--scale", "4",
                "--input", lr.toString(), "--output", out.toString(), "--tile", "40");
        assertEquals(0, r.status(), r.err());
        org.dckd.data.image.Image sr = org.dckd.data.image.ImageFiles.read(out.resolve("birdx4_x4.png"));
        org.dckd.data.image.Image hr = org.dckd.data.image.ImageFiles.read(
                SharedData.require("data/benchmarks/Set5/HR/bird.png"));
        assertEquals(hr.width(), sr.width());
        // the tiled, 8-bit output is still a proper x4 result (reference 34.98 dB whole-image for RLFN-S on bird)
        assertTrue(org.dckd.data.metrics.ImageQuality.evaluate(sr, hr, 4).psnr() > 34.5);
        CliRun again = run("upscale", "--model", "rlfn_s", "--weights", weights.toString(), "--scale", "4",
                "--input", lr.toString(), "--output", out.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("already exists"), again.err());
    }
}
