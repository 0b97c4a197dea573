package org.dckd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dckd profile}: the report's figures, its JSON, the runtime section's shape (no time is asserted) and the
 * refusal to overwrite. The expected counts of {@code rlfn_ntire} x4 at 256x256 are those of
 * {@code golden_esr/efficiency.json} (row {@code rlfn_ntire_official_x4}), which {@code NtireEfficiencyGoldenTest}
 * reads; here they check that the command reports the library's counts unchanged.
 */
class ProfileCommandTest {

    @Test
    void profileCountsAndTimesARandomInput(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("rlfn_ntire.json");
        CliRun r = CliRun.of("profile", "--model", "rlfn_ntire", "--scale", "4", "--warmup", "0", "--runs", "1",
                "--json", json.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("FLOPs (NTIRE 2022)") && r.out().contains("19,695,306,752 (19.6953 G)"),
                r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(317_218, root.get("params").asLong());
        assertEquals(19_695_306_752L, root.get("flops").asLong());
        assertEquals(80_045_184, root.get("activations").asLong());
        assertEquals(39, root.get("num_conv").asInt());
        assertEquals(37_224_448, root.get("flops_by_module_type").get("LeakyReLU").asLong());
        assertEquals(19.67485952, root.get("fvcore_equivalent_G").asDouble(), 0.0);
        JsonNode runtime = root.get("runtime");
        assertEquals(1, runtime.get("images").size());
        assertEquals(256, runtime.get("images").get(0).get("width").asInt());
        assertEquals(1, runtime.get("runs_per_image").asInt());
        assertTrue(runtime.get("ave_runtime_ms").asDouble() > 0, runtime.toString());
        assertEquals("resident set of the process", runtime.get("peak_memory").get("kind").asText());
        assertTrue(runtime.get("peak_memory").get("mb").asDouble() > 0, runtime.toString());
    }

    @Test
    void theRuntimeIsAveragedOverTheLrImagesOfABenchmarkFolder(@TempDir Path dir) throws Exception {
        Path set5 = SharedData.require("data/benchmarks/Set5");
        Path json = dir.resolve("set5.json");
        CliRun r = CliRun.of("profile", "--model", "rlfn_ntire", "--scale", "4", "--size", "64", "--data",
                set5.toString(), "--warmup", "0", "--runs", "1", "--json", json.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode runtime = new ObjectMapper().readTree(json.toFile()).get("runtime");
        assertEquals(5, runtime.get("images").size());
        assertEquals("babyx4.png", runtime.get("images").get(0).get("name").asText());
        assertEquals(set5.toString(), runtime.get("source").asText());
        double mean = 0;
        for (JsonNode i : runtime.get("images")) {
            mean += i.get("best_ms").asDouble() / 5;
        }
        assertEquals(mean, runtime.get("ave_runtime_ms").asDouble(), 1e-9 * mean);
    }

    @Test
    void aConfigFileIsProfiledAndAnExistingJsonIsKeptWithoutForce(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, "type: rlfn\nscale: 2\nfeature_channels: 8\nblocks: 1\n");
        Path json = dir.resolve("tiny.json");
        Files.writeString(json, "keep");
        CliRun refused = CliRun.of("profile", "--model", config.toString(), "--scale", "2", "--size", "32",
                "--no-runtime", "--json", json.toString());
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("already exists"), refused.err());
        assertEquals("keep", Files.readString(json));

        CliRun r = CliRun.of("profile", "--model", config.toString(), "--scale", "2", "--size", "32",
                "--no-runtime", "--json", json.toString(), "--force");
        assertEquals(0, r.status(), r.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        // head 1 + one block (3 convs, c5, 5 ESA convs) + conv_2 + upsampler = 12 convolution calls
        assertEquals(12, root.get("num_conv").asInt());
        assertFalse(root.has("runtime"), root.toString());
        assertFalse(r.out().contains("runtime"), r.out());
    }

    /**
     * LIPT's training form is counted as its official eval mode runs it, every DiverseBranchBlock branch
     * ({@code lipt_tiny_train}: 40,519,139,328 FLOPs, 260 convolutions), and with {@code --deploy-form} as its merged
     * weights run ({@code lipt_tiny_deploy} at 180x320: 16,021,071,360 FLOPs, 68 convolutions), with the training
     * form's parameters; figures of {@code golden_esr/efficiency.json}.
     */
    @Test
    void liptIsCountedWithItsBranchesOrInItsDeployFormOnARectangularInput() throws Exception {
        CliRun branches = CliRun.of("profile", "--model", "lipt_tiny", "--scale", "4", "--no-runtime");
        assertEquals(0, branches.status(), branches.err());
        assertTrue(branches.out().contains("40,519,139,328"), branches.out());

        CliRun merged = CliRun.of("profile", "--model", "lipt_tiny", "--scale", "4", "--size", "180x320",
                "--deploy-form", "--no-runtime");
        assertEquals(0, merged.status(), merged.err());
        assertTrue(merged.out().contains("1x3x180x320") && merged.out().contains("16,021,071,360")
                && merged.out().contains("701,064"), merged.out());

        CliRun bad = CliRun.of("profile", "--model", "lipt_tiny", "--scale", "4", "--size", "180x0", "--no-runtime");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("--size") && bad.err().contains("180x0"), bad.err());
    }
}
