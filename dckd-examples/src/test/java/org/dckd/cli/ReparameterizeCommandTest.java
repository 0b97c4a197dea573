package org.dckd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.ReparameterizableConfig;
import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.catalog.Backbones;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.core.model.BackboneLoader;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dckd reparameterize} on the SPAN ch16 training golden ({@code golden_esr/span_small_ch16_train.pth}): the
 * written deploy weights load strictly into the deploy form and give the official merged outputs.
 *
 * <p>Tolerance: the deploy output against PyTorch's {@code y_slim} golden within 1e-4 of {@code max |y|} (the
 * golden-tensor tolerance of SpanTest); against our own training form within 1e-5 of {@code max |y|}, the
 * train-vs-deploy bound of the brief (measured: 5e-7).
 */
class ReparameterizeCommandTest {

    private static final String DIR = "data/reference/golden_esr/";

    @TempDir
    Path tmp;

    @Test
    void theDeployWeightsOfTheTrainingGoldenGiveTheMergedOutputs() throws IOException {
        Path train = SharedData.require(DIR + "span_small_ch16_train.pth");
        Path out = tmp.resolve("deploy.safetensors");
        CliRun run = CliRun.of("reparameterize", "--model", "span_s16", "--weights", train.toString(), "--out",
                out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("256,152 parameters -> deploy form 52,528 parameters (20 merged"), run.out());
        assertTrue(!run.err().contains("stale"), "the golden's eval_conv tensors are the merge of its branches");
        StateDict sd = Checkpoints.read(out);
        assertEquals(44, sd.size());
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> g = npz(m, SharedData.require(DIR + "span_small_ch16_io.npz"));
            SrBackbone deploy = BackboneLoader.build(Backbones.preset("span_s16_deploy", 4), out, m);
            SrBackbone training = BackboneLoader.build(Backbones.preset("span_s16", 4), train, m);
            ParameterStore ps = new ParameterStore(m, false);
            for (String size : new String[] {"24x24", "20x28"}) {
                NDArray x = g.get("x_" + size);
                NDArray y = deploy.forward(ps, new NDList(x), false).singletonOrThrow();
                NDArray yTrain = training.forward(ps, new NDList(x), false).singletonOrThrow();
                NDArray golden = g.get("y_slim_" + size);
                double scale = golden.abs().max().getFloat();
                double vsGolden = y.sub(golden).abs().max().getFloat() / scale;
                double vsTrain = y.sub(yTrain).abs().max().getFloat() / scale;
                System.out.printf("reparameterize CLI %s: vs golden y_slim %.3g, vs training form %.3g%n", size,
                        vsGolden, vsTrain);
                assertTrue(vsGolden < 1e-4, size + ": " + vsGolden);
                assertTrue(vsTrain < 1e-5, size + ": " + vsTrain);
            }
        }
    }

    /**
     * LIPT: the reduced training golden ({@code {'model_state_dict': sd}}, 16 channels, 2 blocks) merged by the command
     * gives the golden {@code deploy=True} outputs within 1e-4 of {@code max |y|} (the golden tolerance of
     * LiptGoldenTest) for both inputs, the second reflect-padded.
     */
    @Test
    void liptTrainingWeightsBecomeTheDeployForm() throws IOException {
        Path train = SharedData.require(DIR + "lipt_reduced_c16_m4_x4_train.pth");
        Path config = tmp.resolve("lipt_reduced.json");
        Files.writeString(config, "{\"type\": \"lipt\", \"scale\": 4, \"channels\": 16, \"m_elan\": 4}");
        Path out = tmp.resolve("lipt_deploy.safetensors");
        CliRun run = CliRun.of("reparameterize", "--model", config.toString(), "--weights", train.toString(), "--out",
                out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("165,480 parameters -> deploy form 65,832 parameters (28 merged"), run.out());
        StateDict sd = Checkpoints.read(out);
        assertEquals(72, sd.size(), "the deploy=True layout has 72 tensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> g = npz(m, SharedData.require(DIR + "lipt_reduced_c16_m4_x4_io.npz"));
            SrBackbone deploy = BackboneLoader.build(
                    ((ReparameterizableConfig) BackboneLoader.config(config.toString(), 4)).deployForm(), out, m);
            ParameterStore ps = new ParameterStore(m, false);
            for (String size : new String[] {"32x32", "20x36"}) {
                NDArray y = deploy.forward(ps, new NDList(g.get("x_" + size)), false).singletonOrThrow();
                NDArray golden = g.get("y_deploy_" + size);
                double vsGolden = y.sub(golden).abs().max().getFloat() / golden.abs().max().getFloat();
                System.out.printf("reparameterize CLI LIPT %s: vs golden y_deploy %.3g%n", size, vsGolden);
                assertTrue(vsGolden < 1e-4, size + ": " + vsGolden);
            }
        }
    }

    @Test
    void anExistingOutputIsKeptUnlessForced() throws IOException {
        Path train = SharedData.require(DIR + "span_small_ch16_train.pth");
        Path out = tmp.resolve("deploy.pth");
        Files.writeString(out, "keep me");
        CliRun refused = CliRun.of("reparameterize", "--model", "span_s16", "--weights", train.toString(), "--out",
                out.toString());
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains(out + " already exists") && refused.err().contains("--force"),
                refused.err());
        assertEquals("keep me", Files.readString(out));
        // a deploy-form preset is switched to its training form for the input weights
        CliRun forced = CliRun.of("reparameterize", "--model", "span_s16_deploy", "--weights", train.toString(),
                "--out", out.toString(), "--force");
        assertEquals(0, forced.status(), forced.err());
        StateDict sd = Checkpoints.read(out);
        assertEquals(44, sd.size());
        assertArrayEquals(new long[] {16, 3, 3, 3}, sd.get("conv_1.eval_conv.weight").shape());
        assertTrue(Files.list(tmp).allMatch(p -> p.equals(out)), "no temporary file is left behind");
    }

    @Test
    void clearErrorsNameTheProblem() throws IOException {
        Path train = SharedData.require(DIR + "span_small_ch16_train.pth");
        CliRun rlfn = CliRun.of("reparameterize", "--model", "rlfn", "--weights", train.toString(), "--out",
                tmp.resolve("a.safetensors").toString());
        assertEquals(1, rlfn.status());
        assertTrue(rlfn.err().contains("has no deploy form"), rlfn.err());
        CliRun ext = CliRun.of("reparameterize", "--model", "span_s16", "--weights", train.toString(), "--out",
                tmp.resolve("a.bin").toString());
        assertEquals(2, ext.status());
        assertTrue(ext.err().contains(".safetensors or .pth"), ext.err());
        Path missing = tmp.resolve("missing.pth");
        CliRun none = CliRun.of("reparameterize", "--model", "span_s16", "--weights", missing.toString(), "--out",
                tmp.resolve("b.safetensors").toString());
        assertEquals(1, none.status());
        assertTrue(none.err().contains(missing.toString()), none.err());
        Path slim = SharedData.require(DIR + "span_small_ch16_eval.pth");
        CliRun deployIn = CliRun.of("reparameterize", "--model", "span_s16", "--weights", slim.toString(), "--out",
                tmp.resolve("c.safetensors").toString());
        assertEquals(1, deployIn.status());
        assertTrue(deployIn.err().contains(slim.toString()) && deployIn.err().contains("missing"), deployIn.err());
        assertTrue(Files.list(tmp).findAny().isEmpty(), "nothing is written on failure");
    }

    /** A training checkpoint whose stored eval_conv no longer matches its branches is converted, with a warning. */
    @Test
    void staleStoredKernelsAreReportedAndIgnored() throws IOException {
        StateDict golden = Checkpoints.read(SharedData.require(DIR + "span_small_ch16_train.pth"));
        Map<String, Tensor> tensors = new LinkedHashMap<>(golden.tensors());
        String key = "block_3.c2_r.eval_conv.bias";
        float[] bias = tensors.get(key).toFloatArray();
        bias[0] += 1f;
        tensors.put(key, Tensor.ofFloats(tensors.get(key).shape(), bias));
        Path stale = tmp.resolve("stale.safetensors");
        Checkpoints.writeSafetensors(new StateDict(tensors, null), stale);
        Path fresh = tmp.resolve("fresh.safetensors");
        Path out = tmp.resolve("deploy.safetensors");
        Checkpoints.writeSafetensors(golden, fresh);
        CliRun reference = CliRun.of("reparameterize", "--model", "span_s16", "--weights", fresh.toString(), "--out",
                tmp.resolve("reference.safetensors").toString());
        assertEquals(0, reference.status(), reference.err());
        CliRun run = CliRun.of("reparameterize", "--model", "span_s16", "--weights", stale.toString(), "--out",
                out.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.err().contains("stale") && run.err().contains(stale.toString()), run.err());
        StateDict a = Checkpoints.read(out);
        StateDict b = Checkpoints.read(tmp.resolve("reference.safetensors"));
        assertEquals(a.keys(), b.keys());
        a.keys().forEach(k -> assertTrue(a.get(k).contentEquals(b.get(k)), k + ": merged from the branches"));
    }

    private static Map<String, NDArray> npz(NDManager m, Path file) throws IOException {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (NDArray a : NDList.decode(m, in)) {
                out.put(a.getName(), a);
            }
        }
        return out;
    }
}
