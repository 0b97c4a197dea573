package org.dckd.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;

import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.core.distill.Distiller;
import org.dckd.core.distill.TestTerms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLoopTest {

    /** Batches that are a pure function of their index: position = the next index. */
    static final class IndexedBatches implements TrainingBatches {
        private int next;

        IndexedBatches(int start) {
            this.next = start;
        }

        @Override
        public Batch next() {
            Random r = new Random(1000 + next++);
            float[] hr = new float[2 * 3 * 32 * 32];
            for (int i = 0; i < hr.length; i++) {
                hr[i] = r.nextFloat();
            }
            float[] lr = new float[2 * 3 * 16 * 16];
            for (int c = 0; c < 2 * 3; c++) {
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        lr[(c * 16 + y) * 16 + x] = hr[(c * 32 + 2 * y) * 32 + 2 * x];
                    }
                }
            }
            return new Batch(lr, hr, 2, 16, 16, 32, 32);
        }

        @Override
        public JsonNode position() {
            return IntNode.valueOf(next);
        }

        @Override
        public void close() {}
    }

    private static Distiller distiller(NDManager m, int initSeed) {
        Engine.getInstance().setRandomSeed(initSeed);
        SrBackbone student = RlfnConfig.builder().setScale(2).optFeatureChannels(8).optBlocks(1).optEsaChannels(8)
                .optInputRange(1f).buildNetwork();
        student.initialize(m);
        return Distiller.builder().setManager(m).setStudent(student).addTerm(TestTerms.l1ToHr())
                .optLearningRate(1e-3).optEmaDecay(0.9f).optSeed(5).build();
    }

    @Test
    void resumingFromACheckpointFolderContinuesBitIdentically(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager(); Distiller d = distiller(m, 1)) {
            TrainingLoop.builder().setDistiller(d).setBatches(new IndexedBatches(0))
                    .setRun(RunDirectory.create(dir.resolve("straight"), false)).setIterations(8)
                    .optLogEvery(2).optCheckpoints(4, 0).build().run();
        }
        try (NDManager m = NDManager.newBaseManager(); Distiller d = distiller(m, 1)) {
            TrainingLoop.builder().setDistiller(d).setBatches(new IndexedBatches(0))
                    .setRun(RunDirectory.create(dir.resolve("resumed"), false)).setIterations(4)
                    .optLogEvery(2).optCheckpoints(4, 0).build().run();
        }
        RunDirectory resumed = RunDirectory.open(dir.resolve("resumed"));
        CheckpointStore.Loaded ck = CheckpointStore.load(resumed.checkpoints().latest().orElseThrow().directory());
        assertEquals(4, ck.saved().iteration());
        try (NDManager m = NDManager.newBaseManager(); Distiller d = distiller(m, 77)) {
            d.loadState(ck.trainingState());
            int position = ck.info().dataPosition().asInt();
            TrainingLoop.builder().setDistiller(d).setBatches(new IndexedBatches(position)).setRun(resumed)
                    .setIterations(8).optLogEvery(2).optCheckpoints(4, 0).build().run();
        }
        Path a = dir.resolve("straight/checkpoints/iter_00000008/student.safetensors");
        Path b = dir.resolve("resumed/checkpoints/iter_00000008/student.safetensors");
        var sa = Checkpoints.read(a).tensors();
        var sb = Checkpoints.read(b).tensors();
        assertEquals(sa.keySet(), sb.keySet());
        sa.forEach((k, v) -> assertArrayEquals(v.toFloatArray(), sb.get(k).toFloatArray(), k));
        // the metrics file continues without duplicate rows
        List<String> rows = Files.readAllLines(dir.resolve("resumed/metrics.csv"));
        assertEquals(List.of("iteration", "2", "4", "6", "8"), rows.stream().map(l -> l.split(",")[0]).toList());
        assertEquals(Files.readAllLines(dir.resolve("straight/metrics.csv")).get(4).split(",")[2],
                rows.get(4).split(",")[2], "the loss at iteration 8 is the same");
        assertTrue(Files.exists(dir.resolve("resumed/losses.png")));
    }

    @Test
    void anExistingRunFolderIsNeverOverwrittenUnlessAskedAndAUsersFolderNever(@TempDir Path dir) throws Exception {
        // a folder with the user's files: never replaced, not even when asked
        Path mine = dir.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("precious.txt"), "keep me");
        for (boolean overwrite : new boolean[] {false, true}) {
            FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                    () -> RunDirectory.create(mine, overwrite));
            assertTrue(e.getMessage().contains("precious.txt") && e.getMessage().contains("choose another --out"),
                    e.getMessage());
        }
        assertEquals("keep me", Files.readString(mine.resolve("precious.txt")));

        // a run folder with a checkpoint: refused unless asked, then replaced
        RunDirectory run = RunDirectory.create(dir.resolve("run"), false);
        Files.createDirectories(run.resolve("checkpoints/iter_00000002"));
        for (String f : new String[] {"student.safetensors", "training_state.safetensors", "training_state.json"}) {
            Files.writeString(run.resolve("checkpoints/iter_00000002/" + f), "x");
        }
        Files.writeString(run.resolve("metrics.csv"), "iteration\n");
        assertTrue(run.checkpoints().latest().isPresent());
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> RunDirectory.create(run.root(), false));
        assertTrue(e.getMessage().contains("--resume") && e.getMessage().contains("--overwrite"), e.getMessage());
        assertTrue(Files.exists(run.resolve("metrics.csv")));
        RunDirectory.create(run.root(), true);
        assertTrue(Files.notExists(run.resolve("metrics.csv")));
        assertTrue(Files.notExists(run.resolve("checkpoints/iter_00000002")));
        assertTrue(Files.isRegularFile(run.resolve(RunDirectory.MARKER)));
    }

    @Test
    void aPartialCheckpointIsIgnored(@TempDir Path dir) throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("run"), false);
        Files.createDirectories(run.resolve("checkpoints/iter_00000010.partial"));
        Files.createDirectories(run.resolve("checkpoints/iter_00000020"));
        assertTrue(run.checkpoints().latest().isEmpty(), "neither a .partial nor an incomplete folder counts");
    }
}
