package org.dckd.core.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.checkpoint.StateDictMismatchException;
import org.dckd.core.config.ExperimentConfig;
import org.dckd.core.train.RunDirectory;
import org.dckd.core.train.TrainingHooks;
import org.dckd.data.files.UnsafeOutputException;
import org.dckd.losses.catalog.LossTerms;
import org.dckd.testing.TrainingFolders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No training command destroys a user's files: {@code --overwrite} replaces only a run folder dckd made, only after every
 * check has passed, and never a file; a refused or failed start leaves nothing behind; the run folder never holds an
 * input; results accumulate over resumes.
 */
class RunFolderSafetyTest {

    @BeforeAll
    static void registerTestTerm() {
        LossTerms.register("test_l1", TestL1Config.class);
    }

    private static Path experiment(Path dir) throws Exception {
        return TinyExperiment.write(dir, 1, 4, 2);
    }

    private static ExperimentRunner.Result run(Path cfg, Path out, boolean overwrite, String resume, String... set)
            throws Exception {
        return ExperimentRunner.run(ExperimentConfig.load(cfg, List.of(set)),
                new ExperimentRunner.Options(out, overwrite, resume, Device.cpu(), false), new TrainingHooks() { });
    }

    /** A tiny student's weights: a valid checkpoint that does not fit an {@code rlfn} preset teacher. */
    private static Path mismatchedTeacherWeights(Path dir) throws Exception {
        Path cfg = experiment(dir.resolve("donor"));
        ExperimentRunner.Result r = run(cfg, dir.resolve("donor/run"), false, null);
        return r.run().resolve("best/student.safetensors");
    }

    @Test
    void aModelCardSomeoneElseWroteIsNeverReplaced(@TempDir Path dir) throws Exception {
        Path cfg = experiment(dir);
        Path out = dir.resolve("run");
        run(cfg, out, false, null);
        Path card = out.resolve(RunDirectory.MODEL_CARD);
        assertTrue(RunDirectory.isOwnModelCard(card), "dckd's card starts with its marker");
        String own = Files.readString(card);
        assertTrue(own.contains("## Efficiency") && own.contains("## Quality"), own);

        // dckd's own card is replaced when the run is continued
        run(cfg, out, false, "latest", "train.iterations=6");
        assertTrue(Files.readString(card).contains("6 iterations"), Files.readString(card));

        // a README.md the user wrote (no marker) is neither rewritten by a continued run nor deleted by --overwrite
        Files.writeString(card, "# my notes\n");
        run(cfg, out, false, "latest", "train.iterations=8");
        assertEquals("# my notes\n", Files.readString(card));
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> run(cfg, out, true, null));
        assertTrue(e.getMessage().contains("README.md"), e.getMessage());
        assertEquals("# my notes\n", Files.readString(card));
    }

    @Test
    void overwriteNeverDeletesAFolderWithTheUsersFilesNorAFile(@TempDir Path dir) throws Exception {
        Path cfg = experiment(dir);
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("thesis.tex"), "my work");
        Files.createDirectories(mine.resolve("checkpoints")); // looks a bit like a run folder, but is not one
        Path teacher = mismatchedTeacherWeights(dir);

        // with a teacher that does not fit: refused before anything is touched (not after deleting the folder)
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> ExperimentRunner.run(
                ExperimentConfig.load(cfg, List.of("teacher={preset: rlfn, weights: " + teacher + "}",
                        "losses=[{type: test_l1}]")),
                new ExperimentRunner.Options(mine, true, null, Device.cpu(), true), new TrainingHooks() { }));
        assertTrue(e.getMessage().contains("thesis.tex") && e.getMessage().contains("never replaced"), e.getMessage());
        // and with a good config too
        assertThrows(FileAlreadyExistsException.class, () -> run(cfg, mine, true, null));
        assertEquals("my work", Files.readString(mine.resolve("thesis.tex")));

        Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
        FileAlreadyExistsException f = assertThrows(FileAlreadyExistsException.class, () -> run(cfg, file, true, null));
        assertTrue(f.getMessage().contains("is a file"), f.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void aFailedStartLeavesNothingAndAFolderWithoutCheckpointIsNotProtected(@TempDir Path dir) throws Exception {
        Path cfg = experiment(dir);
        Path out = dir.resolve("run");
        Path teacher = mismatchedTeacherWeights(dir);
        assertThrows(StateDictMismatchException.class, () -> ExperimentRunner.run(
                ExperimentConfig.load(cfg, List.of("teacher={preset: rlfn, weights: " + teacher + "}")),
                new ExperimentRunner.Options(out, false, null, Device.cpu(), true), new TrainingHooks() { }));
        assertFalse(Files.exists(out), "a failed start creates no run folder");
        // the rerun needs no --overwrite
        assertEquals(4, run(cfg, out, false, null).summary().iterations());

        // a run folder that never reached a checkpoint (e.g. killed during the first steps) is replaced as is
        Path empty = dir.resolve("crashed");
        Files.createDirectories(empty.resolve("checkpoints/iter_00000002.partial"));
        Files.writeString(empty.resolve("config.yaml"), "name: old\n");
        Files.writeString(empty.resolve("metrics.csv"), "iteration\n");
        java.io.IOException noCheckpoint = assertThrows(java.io.IOException.class,
                () -> run(cfg, empty, false, "latest"));
        assertTrue(noCheckpoint.getMessage().contains("no complete checkpoint")
                && noCheckpoint.getMessage().contains("without --resume"), noCheckpoint.getMessage());
        assertEquals(4, run(cfg, empty, false, null).summary().iterations());
        assertTrue(Files.isRegularFile(empty.resolve(RunDirectory.MARKER)));

        // a run with checkpoints is protected: refused without --overwrite, replaced with it
        assertThrows(FileAlreadyExistsException.class, () -> run(cfg, out, false, null));
        assertEquals(4, run(cfg, out, true, null).summary().iterations());
    }

    @Test
    void theRunFolderNeverIsContainsOrLiesInsideAnInput(@TempDir Path dir) throws Exception {
        Path cfg = experiment(dir);
        Path hr = TrainingFolders.hrOnly(dir.resolve("data/hr"), 2, 32, 32);
        String data = "data={sources: [{type: hr_only, hr: " + hr + ", lr_cache: " + dir.resolve("data/lr")
                + "}], patch_size: 8, batch_size: 2, workers: 0}";
        // inside the training data, or over the validation set
        for (Path out : List.of(hr.resolve("run"), dir.resolve("data"), dir.resolve("val"))) {
            UnsafeOutputException e = assertThrows(UnsafeOutputException.class, () -> run(cfg, out, true, null, data));
            assertTrue(e.getMessage().contains("--out " + out), e.getMessage());
        }
        // a run folder that holds the teacher's weights cannot be overwritten by the run that reads them
        Path first = dir.resolve("first");
        run(cfg, first, false, null);
        Path teacherWeights = first.resolve("best/student.safetensors");
        UnsafeOutputException e = assertThrows(UnsafeOutputException.class, () -> ExperimentRunner.run(
                ExperimentConfig.load(cfg, List.of("teacher={network: {type: rlfn, feature_channels: 8, blocks: 1,"
                        + " esa_channels: 8, input_range: 1}, weights: " + teacherWeights + "}")),
                new ExperimentRunner.Options(first, true, null, Device.cpu(), true), new TrainingHooks() { }));
        assertTrue(e.getMessage().contains("teacher.weights"), e.getMessage());
        assertTrue(Files.isRegularFile(teacherWeights));
        // an hr_only source whose LR cache is its HR folder would write LR images among the HR originals
        String bad = "data={sources: [{type: hr_only, hr: " + hr + ", lr_cache: " + hr + "}], patch_size: 8,"
                + " batch_size: 2, workers: 0}";
        long before = Files.list(hr).count();
        UnsafeOutputException lr = assertThrows(UnsafeOutputException.class,
                () -> run(cfg, dir.resolve("r"), false, null, bad));
        assertTrue(lr.getMessage().contains("lr_cache"), lr.getMessage());
        assertEquals(before, Files.list(hr).count());
    }

    @Test
    void resultsAccumulateOverResumes(@TempDir Path dir) throws Exception {
        Path cfg = experiment(dir);
        Path out = dir.resolve("run");
        run(cfg, out, false, null);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(out.resolve("results.json").toFile());
        run(cfg, out, false, "latest", "train.iterations=6");
        JsonNode second = json.readTree(out.resolve("results.json").toFile());
        assertTrue(second.get("training_seconds").asDouble() > first.get("training_seconds").asDouble(),
                first + " -> " + second);
        assertEquals(6, second.get("final_validation").get(0).get("iteration").asLong());
        // resuming a finished run trains nothing and keeps its results
        run(cfg, out, false, "latest", "train.iterations=6");
        JsonNode third = json.readTree(out.resolve("results.json").toFile());
        assertEquals(second.get("final_validation"), third.get("final_validation"));
        assertEquals(second.get("training_seconds").asDouble(), third.get("training_seconds").asDouble(), 1.0);
        assertEquals(second.get("best_psnr"), third.get("best_psnr"));
    }
}
