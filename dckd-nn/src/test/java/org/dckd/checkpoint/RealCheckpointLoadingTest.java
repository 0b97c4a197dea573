package org.dckd.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import ai.djl.ndarray.NDManager;

import org.dckd.nn.TorchModule;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real checkpoints loaded into blocks that have the official key layouts (see {@link LayoutBlock}). */
class RealCheckpointLoadingTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void team04CheckpointLoadsIntoAnRlfnBlockWithTheDocumentedMapping() throws IOException {
        StateDict official = Checkpoints.read(SharedData.require("data/weights/rlfn_official/rlfn_ntire_x4.pth"));
        StateDict team04 = Checkpoints.read(SharedData.require("data/weights/ntire2022_esr/team04_rlfn.pth"));
        LayoutBlock rlfn = LayoutBlock.of(official, k -> true).initialised(manager);

        StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                () -> WeightLoader.load(rlfn, team04));
        assertEquals(76, e.missingKeys().size()); // upsampler.0.weight/bias have the same name in both
        assertEquals(76, e.unexpectedKeys().size());
        String m = e.getMessage();
        assertTrue(m.startsWith(team04.source() + ": the state dict does not fit the block (strict loading): "
                + "76 missing, 76 unexpected, 0 shape mismatches"), m);
        assertTrue(m.contains("Its keys look like RLFN with the NTIRE 2022 team04 keys"), m);
        assertTrue(m.contains("The block expects RLFN (official keys"), m);
        assertTrue(m.contains("same network with other key names"), m);
        assertTrue(m.contains("fea_conv.weight -> conv_1.weight, fea_conv.bias -> conv_1.bias, "
                + "B1.c1_r.weight -> block_1.c1_r.weight"), m);

        KeyMapping team04Names = KeyMapping.identity()
                .renamePrefix("fea_conv.", "conv_1.")
                .renamePrefix("LR_conv.", "conv_2.")
                .replaceRegex("^B(\\d+)\\.", "block_$1.");
        LoadReport report = WeightLoader.builder().optKeyMapping(team04Names).build().loadInto(rlfn, team04);

        assertEquals(78, report.loaded().size());
        assertEquals(317_218, TorchModule.parameterCount(rlfn));
        for (String key : official.keys()) {
            assertArrayEquals(official.get(key).toFloatArray(),
                    TorchModule.parameters(rlfn).get(key).getArray().toFloatArray(), key);
        }
    }

    @Test
    void legacyImdnLoadsStrictlyAfterPrefixStripping() throws IOException {
        StateDict imdn = Checkpoints.read(SharedData.require("data/weights/imdn_official/IMDN_x4.pth"));
        LayoutBlock block = LayoutBlock.of(imdn, k -> true).initialised(manager);

        LoadReport report = WeightLoader.load(block, imdn);

        assertEquals(92, report.loaded().size());
        assertEquals(715_176, TorchModule.parameterCount(block));
        assertArrayEquals(imdn.get("IMDB3.c2.weight").toFloatArray(),
                TorchModule.parameters(block).get("IMDB3.c2.weight").getArray().toFloatArray());
    }

    @Test
    void swinIrBuffersAreCheckedAndTheTrainingSizeMaskIsAccepted() throws IOException {
        StateDict swinir = Checkpoints.read(SharedData.require("data/reference/golden/swinir_light_x4.pth"));
        LayoutBlock block = LayoutBlock.of(swinir, k -> !k.endsWith("relative_position_index")
                && !k.endsWith("attn_mask"));
        for (String key : swinir.keys()) {
            if (key.endsWith("relative_position_index")) {
                block.buffer(key, swinir.get(key), true);
            } else if (key.endsWith("attn_mask")) {
                // a block built for 32x32 inputs derives 16 windows; the checkpoint stores img_size 64: 64 windows
                block.buffer(key, Tensor.ofFloats(new long[] {16, 64, 64}, new float[16 * 64 * 64]), false);
            }
        }
        block.initialised(manager);

        LoadReport report = WeightLoader.load(block, swinir);

        assertEquals(330, report.loaded().size());
        assertEquals(24, report.checkedBuffers().size());
        assertEquals(12, report.ignored().size());
        assertTrue(report.ignored().values().stream().allMatch(r -> r.contains("64 windows")));
        assertEquals(929_628, TorchModule.parameterCount(block));
        assertEquals(List.of(), report.missing());
    }
}
