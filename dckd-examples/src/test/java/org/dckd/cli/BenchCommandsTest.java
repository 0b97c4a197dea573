package org.dckd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.core.config.ExperimentConfig;
import org.dckd.losses.LossTermConfig;
import org.dckd.losses.baselines.FakdTermConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dckd bench infer} and the FAKD variant of {@code dckd bench train}, in-process. */
class BenchCommandsTest {

    @TempDir
    Path dir;

    @Test
    void benchInferTimesEveryModelAndSizeAndWritesJson() throws Exception {
        Path json = dir.resolve("infer.json");
        CliRun r = CliRun.of("bench", "infer", "--models", "rlfn_s,imdn", "--sizes", "16,24", "--warmup", "0",
                "--steps", "2", "--json", json.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode cases = new ObjectMapper().readTree(json.toFile()).get("cases");
        assertEquals(List.of("rlfn_s_16", "rlfn_s_24", "imdn_16", "imdn_24"), fieldNames(cases));
        assertEquals(24, cases.get("imdn_24").get("lr_size").asInt());
        assertEquals("rlfn_s", cases.get("rlfn_s_16").get("model").asText());
        assertTrue(cases.get("rlfn_s_24").get("median_ms").asDouble() > 0, cases.toString());
        assertTrue(cases.get("rlfn_s_24").get("p90_ms").asDouble() >= cases.get("rlfn_s_24").get("median_ms")
                .asDouble(), cases.toString());
    }

    @Test
    void benchInferRejectsZeroSteps() {
        CliRun r = CliRun.of("bench", "infer", "--steps", "0");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("--steps at least 1"), r.err());
    }

    @Test
    void theFakdVariantIsTheShippedFakdTermOnTwoBlockTaps() {
        List<LossTermConfig> terms = ExperimentConfig.readLosses(BenchTrainCommand.DEFAULT_FAKD_LOSSES);
        assertEquals(3, terms.size());
        FakdTermConfig fakd = assertInstanceOf(FakdTermConfig.class, terms.get(2));
        assertEquals(List.of("block_1", "block_2"), fakd.studentTaps());
        assertEquals(List.of("block_2", "block_4"), fakd.teacherTaps());
        assertEquals(10f, fakd.weight());
    }

    /** {@code --profile} writes one PyTorch profiler trace per variant, with the step's convolutions in it. */
    @Test
    void benchTrainProfilesEachVariant() throws Exception {
        Path cfg = dir.resolve("bench.yaml");
        java.nio.file.Files.writeString(cfg, String.join("\n",
                "name: bench",
                "scale: 2",
                "teacher: {network: {type: rlfn, feature_channels: 8, blocks: 2, esa_channels: 4, input_range: 1}}",
                "student: {network: {type: rlfn, feature_channels: 8, blocks: 1, esa_channels: 4, input_range: 1}}",
                "data: {type: procedural, images: 4, size: 64, patch: 16, batch_size: 2}",
                "losses: [{type: l1}, {type: l1, target: teacher}]",
                "train: {iterations: 1}",
                ""));
        Path prof = dir.resolve("prof");
        CliRun r = CliRun.of("bench", "train", "--config", cfg.toString(), "--variants", "scratch,logits",
                "--warmup", "1", "--steps", "2", "--long-b", "0", "--profile", prof.toString(), "--profile-steps", "1");
        assertEquals(0, r.status(), r.err());
        for (String variant : List.of("scratch", "logits")) {
            Path trace = prof.resolve(variant + ".trace.json");
            assertTrue(java.nio.file.Files.isRegularFile(trace), trace + " missing; " + r.out());
            JsonNode events = new ObjectMapper().readTree(trace.toFile());
            JsonNode list = events.isArray() ? events : events.get("traceEvents");
            boolean conv = false;
            for (JsonNode e : list) {
                conv |= e.path("name").asText().equals("aten::conv2d");
            }
            assertTrue(conv, variant + ": no aten::conv2d in the trace");
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
