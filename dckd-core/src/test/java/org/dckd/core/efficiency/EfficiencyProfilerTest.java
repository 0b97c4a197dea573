package org.dckd.core.efficiency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dckd.backbones.rlfn.Rlfn;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profiler's inputs, its counts-only report and its JSON (runtimes are not asserted). */
class EfficiencyProfilerTest {

    @Test
    void lrImagesPrefersTheBenchmarkLayoutAndRefusesAnEmptyFolder(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("LR_bicubic/X2"));
        Files.write(dir.resolve("a.png"), new byte[] {1});
        Files.write(dir.resolve("LR_bicubic/X2/bx2.png"), new byte[] {1});
        assertEquals(List.of(dir.resolve("LR_bicubic/X2/bx2.png")), EfficiencyProfiler.lrImages(dir, 2));
        assertEquals(List.of(dir.resolve("a.png")), EfficiencyProfiler.lrImages(dir, 4));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EfficiencyProfiler.lrImages(empty, 4));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
    }

    @Test
    void aCountsOnlyReportHasTheChallengeKeysAndNoRuntime() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Rlfn net = RlfnConfig.builder().setScale(2).optFeatureChannels(8).optBlocks(1).buildNetwork();
            net.initialize(m);
            EfficiencyReport r = EfficiencyProfiler.builder().setNetwork(net).optModelName("tiny")
                    .optCountSize(32, 48).optMeasureRuntime(false).build().profile(m);
            assertNull(r.runtime());
            assertEquals(net.parameterCount(), r.parameters());
            // 1 + (3 + 1 + 5) + 1 + 1 convolutions; 3 LeakyReLU modules of 8 channels on 32 x 48 pixels
            assertEquals(12, r.counts().numConv());
            assertEquals(3L * 8 * 32 * 48, r.counts().activationModuleElements().get("LeakyReLU"));
            JsonNode json = new ObjectMapper().readTree(r.toJsonString());
            assertEquals("tiny", json.get("model").asText());
            assertEquals(48, json.get("input").get(3).asInt());
            assertEquals(r.counts().ntireFlops(), json.get("flops").asLong());
            assertEquals(r.counts().activations(), json.get("activations").asLong());
            assertFalse(json.has("runtime"));
            assertFalse(r.table().contains("runtime"), r.table());
        }
    }

    @Test
    void theBuilderNamesWhatIsMissingOrOutOfRange() {
        assertThrows(IllegalStateException.class, () -> EfficiencyProfiler.builder().build());
        Rlfn net = RlfnConfig.builder().setScale(2).optFeatureChannels(8).optBlocks(1).buildNetwork();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EfficiencyProfiler.builder().setNetwork(net).optRuns(0).build());
        assertTrue(e.getMessage().contains("runs"), e.getMessage());
    }
}
