package org.dckd.backbones.rcan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.TorchReference;
import org.dckd.checkpoint.CheckpointException;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.StateDictMismatchException;
import org.dckd.checkpoint.Tensor;
import org.dckd.checkpoint.WeightLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original RCAN release's layout (yulunzhang/RCAN) against its official code: a reduced network (16 channels,
 * 2 groups x 2 blocks, reduction 4, x4) made and run by {@code tools/reference/rcan_original_golden.py}, saved in
 * PyTorch's legacy format like the released {@code RCAN_BIX*.pt}, loads strictly into {@link Rcan} after
 * {@link RcanOriginalCheckpoints#toBasicSr} and gives the official output.
 *
 * <p>Tolerance: the output is compared in the network's internal range, {@code (y - mean) * 255} (what
 * {@code conv_last} returns; the mean alone would hide a wrong network), within {@code 1e-4 * max|golden|} + 1e-4
 * relative, as {@link RcanGoldenTest} derives for 15 chained float32 convolutions (this network chains 15 too).
 */
class RcanOriginalCheckpointsTest {

    private static final String NAME = "/golden/rcan_original_g2_b2_c16_x4";

    private static StateDict original(Path dir) throws IOException {
        Path file = dir.resolve("rcan_original.pth");
        try (InputStream in = RcanOriginalCheckpointsTest.class.getResourceAsStream(NAME + ".pth")) {
            assertTrue(in != null, "missing test resource " + NAME + ".pth");
            Files.copy(in, file);
        }
        return Checkpoints.read(file);
    }

    private static RcanConfig reduced() {
        return RcanConfig.builder().setScale(4).optNumFeat(16).optNumGroup(2).optNumBlock(2).optSqueezeFactor(4)
                .build();
    }

    @Test
    void theOriginalReleaseLayoutLoadsStrictlyAndGivesTheOfficialOutput(@TempDir Path dir) throws IOException {
        StateDict sd = original(dir);
        assertEquals(50, sd.size(), "46 network tensors + the two mean shifts");
        try (NDManager m = NDManager.newBaseManager()) {
            Rcan net = reduced().build();
            net.initialize(m);
            WeightLoader.load(net, RcanOriginalCheckpoints.toBasicSr(sd));
            Map<String, NDArray> io = TorchReference.readNpzResource(m, NAME + "_io.npz");
            NDArray y = net.forward(new ParameterStore(m, false), new NDList(io.get("x")), false).singletonOrThrow();
            NDArray mean = m.create(Rcan.RGB_MEAN, new Shape(1, 3, 1, 1));
            NDArray expected = io.get("y").sub(mean).mul(255);
            NDArray actual = y.sub(mean).mul(255);
            float max = expected.abs().max().getFloat();
            assertTrue(max > 10, "the golden output must carry the network's signal, max " + max);
            float err = TorchReference.maxAbsDiff(actual, expected);
            System.out.printf("original RCAN release layout: max|err| %.3e of max %.4g (%.2e)%n", err, max, err / max);
            NDArray excess = actual.sub(expected).abs().sub(expected.abs().mul(1e-4)).sub(1e-4 * max);
            assertTrue(excess.max().getFloat() <= 0, "max|err| " + err);
        }
    }

    @Test
    void loadingTheReleaseWithoutConversionSaysWhatItIsAndHowToConvertIt(@TempDir Path dir) throws IOException {
        StateDict sd = original(dir);
        try (NDManager m = NDManager.newBaseManager()) {
            Rcan net = reduced().build();
            net.initialize(m);
            StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                    () -> WeightLoader.load(net, sd));
            assertTrue(e.getMessage().contains("the original RCAN release") && e.getMessage()
                    .contains("RcanOriginalCheckpoints") && e.getMessage().contains("RCAN in BasicSR's layout"),
                    e.getMessage());
        }
    }

    @Test
    void aMeanShiftOtherThanTheReleasedModelsIsRefusedNamingTheKey(@TempDir Path dir) throws IOException {
        StateDict sd = original(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>(sd.tensors());
        // a DIVFlickr2K-trained model subtracts another mean
        tensors.put("sub_mean.bias", Tensor.ofFloats(new long[] {3}, new float[] {-119.6f, -114.5f, -102.9f}));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> RcanOriginalCheckpoints.toBasicSr(new StateDict(tensors, sd.source())));
        assertTrue(e.getMessage().contains("sub_mean.bias") && e.getMessage().contains("rcan_original.pth"),
                e.getMessage());
    }

    @Test
    void theMappingRenamesEveryKindOfKey() {
        Map<String, String> expected = Map.of(
                "head.0.weight", "conv_first.weight",
                "body.3.body.19.body.2.bias", "body.3.residual_group.19.rcab.2.bias",
                "body.9.body.0.body.3.conv_du.0.weight", "body.9.residual_group.0.rcab.3.attention.1.weight",
                "body.0.body.7.body.3.conv_du.2.bias", "body.0.residual_group.7.rcab.3.attention.3.bias",
                "body.4.body.20.weight", "body.4.conv.weight",
                "body.10.bias", "conv_after_body.bias",
                "tail.0.2.weight", "upsample.2.weight",
                "tail.1.bias", "conv_last.bias");
        expected.forEach((from, to) -> assertEquals(to, RcanOriginalCheckpoints.keyMapping().apply(from), from));
        assertEquals(null, RcanOriginalCheckpoints.keyMapping().apply("add_mean.weight"));
    }
}
