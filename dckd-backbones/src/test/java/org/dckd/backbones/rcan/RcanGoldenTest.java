package org.dckd.backbones.rcan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.TorchReference;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.StateDictMismatchException;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.nn.TappedOutput;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.Test;

/**
 * RCAN against the golden data computed with BasicSR's {@code rcan_arch.py} as the DCKD code ships it (README
 * section 4 of {@code data/reference/golden_esr/}): the reduced network {@code RCAN(num_feat=32, num_group=2,
 * num_block=2, squeeze_factor=16, upscale=4)} with seeded random weights, its keys, its output on a 24x24 input and
 * every activation the reference recorded; parameter counts of the paper's teacher and student.
 *
 * <p><b>Tolerance</b> (every comparison): {@code |java - golden| <= atol + rtol |golden|} element-wise with
 * {@code rtol = 1e-4} and {@code atol = 1e-4 * max|golden|} of that array. Derivation: both sides compute in float32
 * (unit roundoff u = 6e-8) but with different convolution kernels (libtorch of DJL vs PyTorch 1.13), so only the
 * summation order differs. A 3x3 convolution over C = 32 channels sums K = 288 products per output; with
 * reordered sums its rounding error is of order {@code sqrt(K) u} = 1e-6 of the magnitude of the summed terms. The
 * reduced network chains 15 convolutions (conv_first, 2 x (2 x 2 + 1) in the groups, conv_after_body, 2 upsampling
 * convolutions, conv_last); independent errors add as a random walk, {@code sqrt(15) * 1e-6} = 4e-6, and the
 * residual sums cancel terms of up to ~10 times the result's magnitude (e.g. {@code act_body} 287 from terms of 183 and
 * 249), giving ~4e-5 of max|y| in the worst case: the suggested bound of the README, 1e-4 of max|y|, leaves a factor 2
 * over that worst case while a wrong operation (a missing mean, a transposed kernel, ReLU in the wrong place) changes
 * values by whole percents. The measured maxima are printed (max|err| and max|err| / max|golden|).
 */
class RcanGoldenTest {

    private static final String DIR = "data/reference/golden_esr/";
    private static final String NAME = "rcan_reduced_g2_b2_c32_x4";
    private static final double RTOL = 1e-4;
    private static final double ATOL_OF_MAX = 1e-4;

    /** The reduced golden network: BasicSR's {@code RCAN(3, 3, num_feat=32, num_group=2, num_block=2, upscale=4)}. */
    static RcanConfig reduced() {
        return RcanConfig.builder().setScale(4).optNumFeat(32).optNumGroup(2).optNumBlock(2).build();
    }

    private static Rcan initialised(RcanConfig config, NDManager manager) {
        Rcan net = config.build();
        net.initialize(manager);
        return net;
    }

    private static StateDict goldenWeights() throws IOException {
        return Checkpoints.read(SharedData.require(DIR + NAME + ".pth"));
    }

    @Test
    void parameterCountsEqualTheReference() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(178_123, initialised(reduced(), m).parameterCount());
            // rcan_summary.json: DCKD teacher (paper 15.6 M) and student (paper 5.2 M), x4
            assertEquals(15_592_355, initialised(RcanConfig.rcan(4), m).parameterCount());
            assertEquals(5_171_315, initialised(RcanConfig.rcanStudent(4), m).parameterCount());
            // x2: one upsampling stage less (64*256*9 + 256 = 147,712); x3: one 64 -> 576 stage (332,352) for both
            assertEquals(15_592_355 - 147_712, initialised(RcanConfig.rcan(2), m).parameterCount());
            assertEquals(15_592_355 - 2 * 147_712 + 332_352, initialised(RcanConfig.rcan(3), m).parameterCount());
            assertEquals(5_171_315 - 147_712, initialised(RcanConfig.rcanStudent(2), m).parameterCount());
            assertEquals(5_171_315 - 2 * 147_712 + 332_352, initialised(RcanConfig.rcanStudent(3), m).parameterCount());
            // BasicSR's default num_block 16
            assertEquals(12_614_915, initialised(RcanConfig.builder().setScale(4).build(), m).parameterCount());
        }
    }

    @Test
    void keysAndShapesEqualTheReferenceListingInOrder() throws IOException {
        List<String> expected = new ArrayList<>();
        for (String line : Files.readAllLines(SharedData.require(DIR + NAME + "_keys.tsv"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("key\t")) {
                continue;
            }
            String[] f = line.split("\t");
            assertEquals("param", f[4], line);
            expected.add(f[0] + " " + Arrays.stream(f[1].split("x")).map(Long::valueOf).toList());
        }
        assertEquals(46, expected.size());
        try (NDManager m = NDManager.newBaseManager()) {
            List<String> actual = TorchReference.keys(initialised(reduced(), m)).entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).toList();
            assertEquals(expected, actual);
        }
    }

    /**
     * The golden output and every recorded activation. Each stage is fed the Java network's own previous result, so
     * errors accumulate as in a plain forward pass, which is checked too (the output of the tapped and the plain pass).
     */
    @Test
    void outputAndEveryActivationMatchTheReference() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> golden = TorchReference.readNpz(m, SharedData.require(DIR + NAME + "_io.npz"));
            Rcan net = initialised(reduced(), m);
            WeightLoader.load(net, goldenWeights());
            ParameterStore ps = new ParameterStore(m, false);
            TreeSet<String> checked = new TreeSet<>();
            Comparison c = new Comparison(golden, checked);

            NDArray x = golden.get("x_24x24");
            TappedOutput t = net.forwardWithFeatures(ps, x, false);
            assertEquals(net.tapNames(), List.copyOf(t.features().keySet()));
            assertEquals(List.of("head", "block_1", "block_2", "body"), net.tapNames());
            c.check("act_conv_first", t.feature("head"));

            Rcab rcab = net.groups().get(0).blocks().get(0);
            String prefix = "act_body.0.residual_group.0";
            NDArray first = rcab.conv1().apply(ps, t.feature("head"), false);
            c.check(prefix + ".rcab.0", first);
            NDArray second = rcab.conv2().apply(ps, Activation.relu(first), false);
            c.check(prefix + ".rcab.3.attention", rcab.attention().weights(ps, second, false));
            c.check(prefix + ".rcab.3", rcab.attention().apply(ps, second, false));
            c.check(prefix, rcab.apply(ps, t.feature("head"), false));

            c.check("act_body.0", t.feature("block_1"));
            c.check("act_body.1", t.feature("block_2"));
            c.check("act_body", t.feature("block_2"));
            NDArray afterBody = net.convAfterBody().apply(ps, t.feature("block_2"), false);
            c.check("act_conv_after_body", afterBody);
            // the body tap is conv_after_body + head, the upsampler input
            c.compare("act_conv_after_body + act_conv_first", golden.get("act_conv_after_body")
                    .add(golden.get("act_conv_first")), t.feature("body"));
            NDArray up = net.upsample().apply(ps, t.feature("body"), false);
            c.check("act_upsample", up);
            c.check("act_conv_last", net.convLast().apply(ps, up, false));
            c.check("y_24x24", t.output());
            c.compare("y_24x24 (plain forward)", golden.get("y_24x24"),
                    net.forward(ps, new NDList(x), false).singletonOrThrow());

            TreeSet<String> all = new TreeSet<>(golden.keySet());
            all.remove("x_24x24");
            assertEquals(all, checked, "every array of the golden file is compared");
        }
    }

    /** Compares arrays with the class's tolerance and records which golden arrays were compared. */
    private record Comparison(Map<String, NDArray> golden, TreeSet<String> checked) {

        void check(String name, NDArray actual) {
            NDArray expected = golden.get(name);
            assertTrue(expected != null, "golden file has no " + name + "; it has " + golden.keySet());
            compare(name, expected, actual);
            checked.add(name);
        }

        void compare(String name, NDArray expected, NDArray actual) {
            assertEquals(expected.getShape(), actual.getShape(), name + ": shape");
            float max = expected.abs().max().getFloat();
            double atol = ATOL_OF_MAX * max;
            NDArray err = actual.sub(expected).abs();
            NDArray excess = err.sub(expected.abs().mul(RTOL)).sub(atol);
            float worst = excess.max().getFloat();
            float maxErr = err.max().getFloat();
            System.out.printf("golden rcan %-45s max|err| = %.3e  (%.2e of max|golden| %.4g)%n", name, maxErr,
                    maxErr / max, max);
            assertTrue(worst <= 0, name + ": max|err| " + maxErr + " exceeds " + atol + " + " + RTOL + " |golden|");
        }
    }

    @Test
    void strictLoadingNamesTheMissingAndUnexpectedKeys() throws IOException {
        StateDict sd = goldenWeights();
        assertEquals(46, sd.size());
        StateDict renamed = sd.renameKeys(k -> k.equals("body.1.conv.bias") ? "body.1.conv.b" : k);
        try (NDManager m = NDManager.newBaseManager()) {
            StateDictMismatchException e = assertThrows(StateDictMismatchException.class,
                    () -> WeightLoader.load(initialised(reduced(), m), renamed));
            assertEquals(List.of("body.1.conv.bias"), e.missingKeys());
            assertEquals(List.of("body.1.conv.b"), e.unexpectedKeys());
            assertTrue(e.getMessage().contains("body.1.conv.bias") && e.getMessage().contains("body.1.conv.b "),
                    e.getMessage());

            // the x4 file into the x2 network: the second upsampling stage has nowhere to go
            RcanConfig x2 = reduced().withScale(2);
            StateDictMismatchException scale = assertThrows(StateDictMismatchException.class,
                    () -> WeightLoader.load(initialised(x2, m), sd));
            assertEquals(List.of(), scale.missingKeys());
            assertEquals(Set.of("upsample.2.weight", "upsample.2.bias"), Set.copyOf(scale.unexpectedKeys()));
        }
    }
}
