package org.dckd.core.experiment;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import ai.djl.Device;

import org.dckd.config.ConfigException;
import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.train.TrainingHooks;
import org.dckd.losses.catalog.LossTerms;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config values that used to be accepted silently, or to hang or exhaust memory, fail fast and name the key. */
class HostileConfigTest {

    private static final String BASE = String.join("\n",
            "name: tiny",
            "scale: 2",
            "seed: 3",
            "student: {network: {type: rlfn, feature_channels: 8, blocks: 1, esa_channels: 8, input_range: 1}}",
            "losses: [{type: test_l1}]",
            "train: {iterations: 2, log_every: 1, val_every: 2, save_every: 2}",
            "");

    @BeforeAll
    static void registerTestTerm() {
        LossTerms.register("test_l1", TestL1Config.class);
    }

    private static Exception start(Path dir, String yaml) throws Exception {
        Path cfg = Files.writeString(dir.resolve("exp.yaml"), yaml);
        Path out = dir.resolve("run");
        Exception e = assertThrows(Exception.class, () -> ExperimentRunner.run(ExperimentConfig.load(cfg, List.of()),
                new ExperimentRunner.Options(out, false, null, Device.cpu(), false), new TrainingHooks() { }));
        assertFalse(Files.exists(out), "nothing is created for a config that fails");
        return e;
    }

    @Test
    void proceduralDataOfTheWrongTypeIsAnErrorNotTheDefault(@TempDir Path dir) throws Exception {
        Exception e = start(dir, BASE + "data: {type: procedural, images: many, size: 64, patch: 8, batch_size: 2}\n");
        assertTrue(e instanceof ConfigException && e.getMessage().contains("images"), e.toString());
        Exception unknown = start(dir, BASE + "data: {type: procedural, imgs: 4, size: 64, patch: 8, batch_size: 2}\n");
        assertTrue(unknown.getMessage().contains("imgs"), unknown.getMessage());
    }

    @Test
    void hugeProceduralImagesAreRefusedWithTheEstimateNotAnOverflow(@TempDir Path dir) throws Exception {
        for (int size : new int[] {26000, 60000}) {
            Exception e = start(dir, BASE + "data: {type: procedural, images: 32, size: " + size
                    + ", patch: 8, batch_size: 2}\n");
            assertTrue(e instanceof ConfigException && e.getMessage().contains("GB of heap")
                    && e.getMessage().contains(size + " px"), e.toString());
        }
    }

    @Test
    void yamlAliasesAreRefusedWithTheirLine(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("alias.yaml"), BASE.replace("log_every: 1", "log_every: *s")
                + "data: {type: procedural, images: 4, size: 64, patch: 8, batch_size: &s 2}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(cfg, List.of()));
        assertTrue(e.getMessage().contains("alias.yaml") && e.getMessage().contains("line 6")
                && e.getMessage().contains("*s"), e.getMessage());
    }

    @Test
    void aHugeConfigFailsAtOnce(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("huge.yaml");
        Files.writeString(cfg, "name: " + "x".repeat(20 << 20) + "\n");
        ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(ConfigException.class, () -> ExperimentConfig.load(cfg, List.of())));
        assertTrue(e.getMessage().contains("huge.yaml") && e.getMessage().contains("bytes"), e.getMessage());
    }
}
