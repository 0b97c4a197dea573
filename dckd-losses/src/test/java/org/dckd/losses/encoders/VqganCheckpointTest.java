package org.dckd.losses.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDManager;

import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.LoadReport;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.StateDictMismatchException;
import org.dckd.checkpoint.Tensor;
import org.dckd.losses.testing.DckdGolden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a full taming-transformers checkpoint: the parts DCKD uses are loaded strictly, the decoder,
 * {@code post_quant_conv} and discriminator keys are ignored; a missing encoder key or a wrong architecture is an
 * error naming the key.
 */
class VqganCheckpointTest {

    private static Map<String, Tensor> withTamingExtras(Map<String, Tensor> encoderKeys) {
        Map<String, Tensor> full = new LinkedHashMap<>(encoderKeys);
        float[] one = {1f};
        full.put("decoder.conv_in.weight", Tensor.ofFloats(new long[] {1}, one));
        full.put("decoder.up.0.block.0.norm1.bias", Tensor.ofFloats(new long[] {1}, one));
        full.put("post_quant_conv.weight", Tensor.ofFloats(new long[] {1}, one));
        full.put("loss.discriminator.main.0.weight", Tensor.ofFloats(new long[] {1}, one));
        full.put("loss.logvar", Tensor.ofFloats(new long[] {}, one));
        return full;
    }

    @Test
    void fullTamingCheckpointLoadsTheEncoderPartsAndIgnoresTheRest(@TempDir Path dir) throws IOException {
        StateDict golden = Checkpoints.read(DckdGolden.vqganCheckpoint());
        Path file = dir.resolve("last.safetensors");
        Checkpoints.writeSafetensors(new StateDict(withTamingExtras(golden.tensors()), file), file);
        try (NDManager m = NDManager.newBaseManager()) {
            Vqgan vqgan = new Vqgan(DckdGolden.vqganConfig());
            vqgan.initialize(m);
            LoadReport report = vqgan.load(file, null);
            assertEquals(147, report.loaded().size());
            assertTrue(report.ignored().keySet().containsAll(
                    java.util.List.of("decoder.conv_in.weight", "post_quant_conv.weight", "loss.logvar")),
                    report.ignored().toString());
        }
    }

    @Test
    void missingEncoderKeyIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        Map<String, Tensor> t = withTamingExtras(Checkpoints.read(DckdGolden.vqganCheckpoint()).tensors());
        t.remove("encoder.mid.attn_1.q.weight");
        Path file = dir.resolve("broken.safetensors");
        Checkpoints.writeSafetensors(new StateDict(t, file), file);
        try (NDManager m = NDManager.newBaseManager()) {
            StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                    () -> DckdGolden.vqganConfig().withCheckpoint(file).build(m));
            assertTrue(e.getMessage().contains("encoder.mid.attn_1.q.weight"), e.getMessage());
            assertTrue(e.getMessage().contains("broken.safetensors"), e.getMessage());
            // the full-size architecture does not fit the ch 32 weights
            StateDictMismatchException shape = assertThrows(StateDictMismatchException.class,
                    () -> VqganEncoderConfig.builder().setCheckpoint(DckdGolden.vqganCheckpoint()).build()
                            .build(m));
            assertTrue(shape.getMessage().contains("shape mismatch"), shape.getMessage());
        }
    }
}
