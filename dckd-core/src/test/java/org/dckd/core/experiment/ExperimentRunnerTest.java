package org.dckd.core.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.config.ConfigException;
import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.train.TrainingHooks;
import org.dckd.data.image.ImageFiles;
import org.dckd.losses.catalog.LossTerms;
import org.dckd.nn.ComputeEnvironment;
import org.dckd.testing.TrainingFolders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentRunnerTest {

    @BeforeAll
    static void registerTestTerm() {
        LossTerms.register("test_l1", TestL1Config.class);
    }

    private static Path experiment(Path dir) throws Exception {
        return TinyExperiment.write(dir, 2, 6, 3);
    }

    @Test
    void runsWritesItsFilesAndContinuesWhenIterationsAreExtended(@TempDir Path dir) throws Exception {
        Path cfg = experiment(dir);
        Path out = dir.resolve("run");
        var opts = new ExperimentRunner.Options(out, false, null, Device.cpu(), false);
        ExperimentRunner.Result r = ExperimentRunner.run(ExperimentConfig.load(cfg, List.of()), opts,
                new TrainingHooks() { });
        assertEquals(6, r.summary().iterations());
        for (String f : new String[] {"config.yaml", "metrics.csv", "validation.csv", "losses.png", "validation.png",
            "results.json", "best/student.safetensors", "checkpoints/iter_00000006/training_state.json"}) {
            assertTrue(Files.exists(out.resolve(f)), f);
        }
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertTrue(Double.isFinite(results.get("final_validation").get(0).get("psnr").asDouble()));
        // the compute environment that decides the last bits (docs/results.md, "Reproducibility")
        JsonNode env = results.get("environment");
        assertEquals(ComputeEnvironment.currentKernels(), env.get("cpu_kernels").asText());
        assertEquals(Integer.getInteger("ai.djl.pytorch.num_threads", 2), env.get("torch_threads").asInt());
        assertEquals(System.getProperty("os.arch"), env.get("arch").asText());
        assertEquals(env, new ObjectMapper().readTree(out.resolve("checkpoints/iter_00000006/training_state.json")
                .toFile()).get("environment"));

        // the same command again must not overwrite the run
        assertThrows(FileAlreadyExistsException.class,
                () -> ExperimentRunner.run(ExperimentConfig.load(cfg, List.of()), opts, new TrainingHooks() { }));

        // continuing with more iterations is allowed; changing the loss is not
        ExperimentRunner.Result more = ExperimentRunner.run(
                ExperimentConfig.load(cfg, List.of("train.iterations=9")),
                new ExperimentRunner.Options(out, false, "latest", Device.cpu(), false), new TrainingHooks() { });
        assertEquals(9, more.summary().iterations());

        // resuming where the bits would differ (here: another thread count) works, and says so
        Path state = out.resolve("checkpoints/iter_00000009/training_state.json");
        ObjectNode info = (ObjectNode) new ObjectMapper().readTree(state.toFile());
        ((ObjectNode) info.get("environment")).put("torch_threads", 99);
        Files.writeString(state, info.toString());
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(10, ExperimentRunner.run(ExperimentConfig.load(cfg, List.of("train.iterations=10")),
                    new ExperimentRunner.Options(out, false, "latest", Device.cpu(), false), new TrainingHooks() { })
                    .summary().iterations());
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(log.contains("in another compute environment") && log.contains("torchThreads=99"), log);
        ConfigException e = assertThrows(ConfigException.class, () -> ExperimentRunner.run(
                ExperimentConfig.load(cfg, List.of("train.iterations=12", "optimizer.lr=0.01")),
                new ExperimentRunner.Options(out, false, "latest", Device.cpu(), false), new TrainingHooks() { }));
        assertTrue(e.getMessage().contains("optimizer"), e.getMessage());
    }

    @Test
    void badConfigsFailBeforeTrainingWithTheKeyPath(@TempDir Path dir) throws Exception {
        Path cfg = experiment(dir);
        ConfigException unknownKey = assertThrows(ConfigException.class,
                () -> ExperimentConfig.load(cfg, List.of("train.iteration=5")));
        assertTrue(unknownKey.getMessage().contains("iteration") && unknownKey.getMessage().contains("exp.yaml"),
                unknownKey.getMessage());
        ConfigException badType = assertThrows(ConfigException.class,
                () -> ExperimentConfig.load(cfg, List.of("losses[0].type=l7")));
        assertTrue(badType.getMessage().contains("losses[0]") && badType.getMessage().contains("l7"),
                badType.getMessage());
        ConfigException negative = assertThrows(ConfigException.class,
                () -> ExperimentConfig.load(cfg, List.of("losses[0].weight=-1")));
        assertTrue(negative.getMessage().contains("weight"), negative.getMessage());
        ConfigException noTeacher = assertThrows(ConfigException.class, () -> ExperimentRunner.run(
                ExperimentConfig.load(cfg, List.of()),
                new ExperimentRunner.Options(dir.resolve("r2"), false, null, Device.cpu(), true),
                new TrainingHooks() { }));
        assertTrue(noTeacher.getMessage().contains("teacher"), noTeacher.getMessage());
        ConfigException missingWeights = assertThrows(ConfigException.class, () -> ExperimentRunner.run(
                ExperimentConfig.load(cfg, List.of("teacher={preset: rlfn, weights: /nowhere/rlfn_x4.pth}")),
                new ExperimentRunner.Options(dir.resolve("r3"), false, null, Device.cpu(), true),
                new TrainingHooks() { }));
        assertTrue(missingWeights.getMessage().contains("/nowhere/rlfn_x4.pth"), missingWeights.getMessage());
        assertTrue(Files.notExists(dir.resolve("r3")), "nothing is created for a config that fails validation");
    }

    @Test
    void resumingOnAChangedTrainingSetIsRefused(@TempDir Path dir) throws Exception {
        Path cfg = experiment(dir);
        Path hr = TrainingFolders.hrOnly(dir.resolve("hr"), 3, 48, 48);
        String data = "data={sources: [{type: hr_only, hr: " + hr + ", lr_cache: " + dir.resolve("lr_cache")
                + "}], patch_size: 16, batch_size: 2, workers: 0}";
        Path out = dir.resolve("run");
        ExperimentRunner.run(ExperimentConfig.load(cfg, List.of(data, "train.iterations=3")),
                new ExperimentRunner.Options(out, false, null, Device.cpu(), false), new TrainingHooks() { });
        JsonNode state = new ObjectMapper().readTree(
                out.resolve("checkpoints/iter_00000003/training_state.json").toFile());
        assertEquals(16, state.path("data_position").path("fingerprint").asText().length(), state.toString());

        // the same images: the run continues
        ExperimentRunner.Result more = ExperimentRunner.run(
                ExperimentConfig.load(cfg, List.of(data, "train.iterations=6")),
                new ExperimentRunner.Options(out, false, "latest", Device.cpu(), false), new TrainingHooks() { });
        assertEquals(6, more.summary().iterations());

        // one image more: the saved position would point into another sample sequence
        ImageFiles.writePng(TrainingFolders.hr(9, 48, 48), hr.resolve("extra.png"), ImageFiles.IfExists.FAIL);
        ConfigException changed = assertThrows(ConfigException.class, () -> ExperimentRunner.run(
                ExperimentConfig.load(cfg, List.of(data, "train.iterations=9")),
                new ExperimentRunner.Options(out, false, "latest", Device.cpu(), false), new TrainingHooks() { }));
        assertTrue(changed.getMessage().contains("training set changed")
                && changed.getMessage().contains("fingerprint"), changed.getMessage());
        assertTrue(Files.notExists(out.resolve("checkpoints/iter_00000009")), "nothing trained");
    }
}
