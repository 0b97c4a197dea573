package org.dckd.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.nn.ComputeEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metadata of a checkpoint: written and read as a record, in the file format of earlier versions. */
class CheckpointInfoTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CheckpointStore.Saved save(Path dir, CheckpointInfo info) throws Exception {
        return new CheckpointStore(dir).save(info.iteration(), Map.of("iteration", Tensor.ofLong(info.iteration())),
                new StateDict(Map.of("w", Tensor.ofLong(1)), null), null, info);
    }

    @Test
    void roundTripsWithTheKeysOfTheFileFormat(@TempDir Path dir) throws Exception {
        ObjectNode position = JSON.createObjectNode().put("epoch", 2).put("index", 5).put("fingerprint", "abc");
        ObjectNode config = JSON.createObjectNode().put("name", "tiny");
        CheckpointInfo info = new CheckpointInfo(12, position, 27.5, 10, config, ComputeEnvironment.current(), 3.25,
                List.of(new MetricsLog.ValidationRow(10, "Set5", 27.5, 0.8)));
        CheckpointStore.Saved saved = save(dir, info);
        assertEquals(info, CheckpointStore.load(saved.directory()).info());

        JsonNode file = JSON.readTree(saved.directory().resolve("training_state.json").toFile());
        List<String> keys = new ArrayList<>();
        file.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("iteration", "data_position", "best_psnr", "best_iteration", "config", "environment",
                "training_seconds", "last_validation"), keys);
        assertEquals("Set5", file.get("last_validation").get(0).get("set").asText());
        assertEquals(JSON.valueToTree(ComputeEnvironment.current()), file.get("environment"));

        // before any validation: best_psnr is written as null; without a config the key is left out
        CheckpointInfo early = new CheckpointInfo(3, JSON.getNodeFactory().numberNode(6), null, 0, null,
                ComputeEnvironment.current(), 0.5, List.of());
        CheckpointStore.Saved s2 = save(dir.resolve("early"), early);
        JsonNode f2 = JSON.readTree(s2.directory().resolve("training_state.json").toFile());
        assertTrue(f2.has("best_psnr") && f2.get("best_psnr").isNull(), f2.toString());
        assertTrue(!f2.has("config"), f2.toString());
        assertEquals(early, CheckpointStore.load(s2.directory()).info());
    }

    @Test
    void anOlderCheckpointLoads(@TempDir Path dir) throws Exception {
        Path d = Files.createDirectories(dir.resolve("iter_00000004"));
        // as the first versions wrote it: no training time, no validation rows; and a key this version does not know
        Files.writeString(d.resolve("training_state.json"), "{\"iteration\": 4, \"data_position\": 8, "
                + "\"best_psnr\": null, \"best_iteration\": 0, \"config\": {\"name\": \"old\"}, \"note\": \"x\"}");
        Checkpoints.writeSafetensors(new StateDict(Map.of("iteration", Tensor.ofLong(4)), null),
                d.resolve("training_state.safetensors"));
        CheckpointStore.Loaded loaded = CheckpointStore.load(d);
        CheckpointInfo info = loaded.info();
        assertEquals(4, info.iteration());
        assertEquals(4, loaded.saved().iteration());
        assertEquals(8, info.dataPosition().asInt());
        assertNull(info.bestPsnr());
        assertEquals("old", info.config().get("name").asText());
        assertNull(info.environment());
        assertEquals(0, info.trainingSeconds());
        assertEquals(List.of(), info.lastValidation());
    }
}
