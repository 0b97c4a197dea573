package org.dckd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.dckd.checkpoint.CheckpointException.Reason;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;

/** Wrapper dicts, explicit entries, the {@code module.} prefix and key remapping. */
class WrapperTest {

    @Test
    void emaWeightsArePreferredAndParamsCanBeChosen() throws IOException {
        Path file = Fixtures.resource("wrapped_ema.pth");
        StateDict auto = Checkpoints.read(file);
        StateDict raw = Checkpoints.read(file, "params");

        assertEquals(List.of("conv.weight", "conv.bias"), List.copyOf(auto.keys()));
        assertEquals(3f, auto.get("conv.weight").toFloatArray()[0]); // params_ema = params + 2
        assertEquals(1f, raw.get("conv.weight").toFloatArray()[0]);
        assertEquals(2f, auto.get("conv.bias").toFloatArray()[1]);
    }

    @Test
    void missingEntryListsTheAvailableOnes() {
        Path file = Fixtures.resource("wrapped_ema.pth");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(file, "net_g"));
        assertEquals(Reason.MISSING_ENTRY, e.reason());
        assertTrue(e.getMessage().startsWith(file + ": no entry 'net_g'"), e.getMessage());
        assertTrue(e.getMessage().contains("params (dict of 2 entries), params_ema (dict of 2 entries), iter (int)"),
                e.getMessage());
    }

    @Test
    void lightningCheckpointYieldsItsStateDictAndSkipsTrainingState() throws IOException {
        Path file = Fixtures.resource("lightning_like.ckpt");
        assertEquals(CheckpointFormat.TORCH_ZIP, Checkpoints.detectFormat(file));
        StateDict sd = Checkpoints.read(file);
        assertEquals(List.of("model.conv.weight", "model.conv.bias"), List.copyOf(sd.keys()));
        assertEquals(List.of("conv.weight", "conv.bias"), List.copyOf(sd.stripPrefix("model.").keys()));
        assertArrayEquals(new long[] {2, 1, 3, 3}, sd.get("model.conv.weight").shape());
        // other entries stay reachable explicitly
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Checkpoints.read(file, "optimizer_states"));
        assertTrue(e.getMessage().contains("entry 'optimizer_states' is a list of 1, not a state dict"),
                e.getMessage());
    }

    @Test
    void dataParallelPrefixIsStripped() throws IOException {
        StateDict sd = Checkpoints.read(Fixtures.resource("dataparallel.pth"));
        assertEquals(List.of("conv.weight", "conv.bias"), List.copyOf(sd.keys()));
        StateDict imdn = Checkpoints.read(SharedData.require("data/weights/imdn_official/IMDN_x4.pth"));
        assertTrue(imdn.keys().stream().noneMatch(k -> k.startsWith("module.")));
        assertTrue(imdn.keys().contains("IMDB1.c1.weight"));
    }

    @Test
    void nestedDictsMustBeChosenExplicitly() throws IOException {
        Path file = Fixtures.resource("nested_model.pth");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.read(file));
        assertTrue(e.getMessage().contains("entry 'model' is not a flat state dict: [encoder, decoder]"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Checkpoints.read(file, \"model/encoder\")"), e.getMessage());
        StateDict decoder = Checkpoints.read(file, "model/decoder");
        assertEquals(3f, decoder.get("conv.weight").toFloatArray()[0]);
    }

    @Test
    void team04KeysMapOntoTheOfficialRlfnNames() throws IOException {
        StateDict official = Checkpoints.read(SharedData.require("data/weights/rlfn_official/rlfn_ntire_x4.pth"));
        StateDict team04 = Checkpoints.read(SharedData.require("data/weights/ntire2022_esr/team04_rlfn.pth"));
        KeyMapping mapping = KeyMapping.identity()
                .renamePrefix("fea_conv.", "conv_1.")
                .renamePrefix("LR_conv.", "conv_2.")
                .replaceRegex("^B(\\d+)\\.", "block_$1.");

        StateDict renamed = team04.renameKeys(mapping);

        assertEquals(List.copyOf(official.keys()), List.copyOf(renamed.keys()));
        for (String key : official.keys()) {
            assertTrue(official.get(key).contentEquals(renamed.get(key)), key);
        }
        assertEquals(team04.source(), renamed.source());
    }

    @Test
    void keyMappingRulesApplyInOrderAndCanDrop() {
        KeyMapping m = KeyMapping.identity().renamePrefix("a.", "b.").renameKey("b.x", "c.x")
                .drop(k -> k.endsWith("num_batches_tracked"));
        assertEquals("c.x", m.apply("a.x"));
        assertEquals("b.y", m.apply("a.y"));
        assertEquals(null, m.apply("bn.num_batches_tracked"));
        assertEquals("z", KeyMapping.identity().apply("z"));
    }

    @Test
    void renamingTwoKeysOntoOneIsRefused() throws IOException {
        StateDict sd = Checkpoints.read(Fixtures.resource("dataparallel.pth"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> sd.renameKeys(k -> "same"));
        assertTrue(e.getMessage().contains("both 'conv.weight' and 'conv.bias'"), e.getMessage());
    }
}
