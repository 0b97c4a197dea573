package org.dckd.losses.dckd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.losses.dckd.CodebookDistribution.Mode;
import org.dckd.losses.encoders.FeatureEncoder;
import org.dckd.losses.testing.DckdGolden;
import org.dckd.losses.testing.SignTies;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * DCR ({@code ContrasLoss}) and DMM ({@code CELoss}, both modes) against the golden values of the official DCKD code
 * (README section 2, small VQGAN with ch 32): loss values (weight included: 0.1 and 0.001), per-level distances,
 * codebook distances and probabilities, gradients w.r.t. the anchor, and the "peaky" codebook scenario.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DckdLossesGoldenTest {

    private static final float DCR_WEIGHT = 0.1f;
    private static final float DMM_WEIGHT = 0.001f;
    private static final List<Double> LEVEL_WEIGHTS = List.of(1 / 32.0, 1 / 16.0, 1 / 8.0, 1 / 4.0, 1.0);

    private NDManager manager;
    private FeatureEncoder vqgan;
    private Map<String, NDArray> golden;
    private JsonNode json;

    @BeforeAll
    void load() throws IOException {
        manager = NDManager.newBaseManager();
        vqgan = DckdGolden.vqganConfig().build(manager);
        golden = DckdGolden.arrays(manager);
        json = new ObjectMapper().readTree(SharedData.require(DckdGolden.DIR + "dckd_small_losses.json").toFile());
    }

    @AfterAll
    void close() {
        manager.close();
    }

    /** The value and the gradient w.r.t. the anchor of {@code loss(anchor)}. */
    private NDArray[] valueAndGradient(NDManager m, Function<NDArray, NDArray> loss) {
        NDArray anchor = golden.get("anchor").duplicate();
        anchor.attach(m);
        anchor.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray value = loss.apply(anchor);
            gc.backward(value);
            return new NDArray[] {value, anchor.getGradient()};
        }
    }

    /**
     * DCR: the value, the per-level distances and the gradient w.r.t. the anchor, with the whole batch at once and
     * chunked (one image per chunk; the result must not depend on it).
     *
     * <p><b>The gradient's tolerance.</b> With {@code d_l(x) = mean|f_l(a) - f_l(x)|} over the {@code n_l} elements of
     * level {@code l}, {@code P_l = d_l(p)} and {@code D_l = sum_j d_l(n_j)}, the loss is {@code 0.1 sum_l w_l P_l /
     * (D_l + eps)}, and its gradient w.r.t. the level-{@code l} features is
     * <pre>
     *   G_l = 0.1 w_l [ sign(f_l(a) - f_l(p)) / (n_l (D_l + eps)) - P_l sum_j sign(f_l(a) - f_l(n_j)) / (n_l (D_l + eps)^2) ]
     * </pre>
     * and w.r.t. the anchor {@code J^T G}. Everything but the signs is smooth, so its float32 differences stay within
     * the usual {@code 1e-3 max|g|}. A sign is not: where {@code f(a) - f(x)} is within the features' numerical error,
     * another convolution kernel (another CPU, or another batch size on the same CPU) may give it the other sign, and
     * {@code G} jumps there by {@code 2 * 0.1 w_l / (n_l (D_l + eps))} (positive) or {@code 2 * 0.1 w_l P_l / (n_l (D_l +
     * eps)^2)} (each negative). The features agree with the reference within {@code 1e-5 + 1e-4 |f|}
     * ({@code VqganGoldenTest}), so a sign can differ only where {@code |f(a) - f(x)| <= 2e-5 + 1e-4 (|f(a)| + |f(x)|)};
     * for every such tie {@link SignTies#bound} adds the jump times {@code |J^T e_k|}, computed exactly, to the tolerance
     * of each anchor element. The bound holds on every CPU whose features meet the feature tolerance.
     *
     * <p><b>Measured cause of the failure this replaced</b> (a fixed {@code 1e-3 max|g|}, 2.6e-7): at level 4 the
     * positive's element 105 has {@code f(a) - f(p) = -7.15e-7} in the reference. With {@code ATEN_CPU_CAPABILITY=avx2},
     * {@code ONEDNN_MAX_CPU_ISA=AVX2} it came out exactly {@code 0} for the whole batch (sign 0: the gradient at anchor
     * element 2786 moved by 2.1637e-6) and positive one image at a time (sign +1: 4.328e-6, twice as much); with
     * {@code default}/{@code SSE41} {@code +2.15e-6} both ways (4.327e-6), and on an AVX-512-FP16 Xeon the chunked pass
     * flipped it (4.3279e-6). No other level-4 sign differs from the reference on these settings. The tie bound at
     * element 2786 is 4.414e-6; the test takes 8-18 s, most of it the 392 backward passes of the bound.
     */
    @Test
    void contrastiveRegularizationValueLevelsAndGradient() {
        NDArray negatives = golden.get("negatives");
        float[] ties = null;
        // budget 0: the whole batch at once; 1 byte: one image per chunk (the result must not depend on it)
        for (long chunkBytes : new long[] {0, 1}) {
            try (NDManager m = manager.newSubManager()) {
                ContrastRatio ratio = new ContrastRatio(vqgan, LEVEL_WEIGHTS, 1e-7f, chunkBytes);
                ContrastRatio.Result[] result = new ContrastRatio.Result[1];
                NDArray[] vg = valueAndGradient(m, a -> {
                    result[0] = ratio.compute(a, golden.get("positive"), 5, j -> negatives.get(j));
                    return result[0].loss().mul(DCR_WEIGHT);
                });
                String tag = chunkBytes == 0 ? "" : " (chunked)";
                DckdGolden.assertClose("loss_contras" + tag, golden.get("loss_contras"), vg[0]);
                assertEquals(0.013936901465058327, vg[0].getFloat(), 1e-5 + 1e-4 * 0.0139);
                for (int l = 0; l < 5; l++) {
                    JsonNode level = json.get("contras_levels").get(l);
                    assertEquals(level.get("d_ap").asDouble(), result[0].positiveDistances()[l],
                            1e-4 * level.get("d_ap").asDouble(), "d_ap level " + l);
                    assertEquals(level.get("d_an").asDouble(), result[0].negativeDistances()[l],
                            1e-4 * level.get("d_an").asDouble(), "d_an level " + l);
                }
                if (ties == null) {
                    ties = signTieBound(m, result[0]);
                }
                DckdGolden.assertGradientClose("grad_anchor_contras" + tag, golden.get("grad_anchor_contras"), vg[1],
                        1e-3, ties);
            }
        }
    }

    /** The features of every level, as the ratio computes them: the whole batch, or one image at a time. */
    private List<NDArray> features(NDArray images, boolean oneByOne) {
        if (!oneByOne) {
            return vqgan.features(images);
        }
        List<List<NDArray>> perImage = new ArrayList<>();
        for (long b = 0; b < images.getShape().get(0); b++) {
            perImage.add(vqgan.features(images.get(new NDIndex().addSliceDim(b, b + 1))));
        }
        List<NDArray> out = new ArrayList<>();
        for (int l = 0; l < perImage.get(0).size(); l++) {
            NDList level = new NDList();
            for (List<NDArray> f : perImage) {
                level.add(f.get(l));
            }
            out.add(NDArrays.concat(level));
        }
        return out;
    }

    /**
     * The sign-tie part of the gradient tolerance (see {@link #contrastiveRegularizationValueLevelsAndGradient}): the
     * ties of both batchings (whole batch and one image at a time), so one bound serves both.
     */
    private float[] signTieBound(NDManager m, ContrastRatio.Result result) {
        try (NDManager scope = m.newSubManager()) {
            NDArray anchor = golden.get("anchor").duplicate();
            anchor.attach(scope);
            List<NDArray> samples = new ArrayList<>(List.of(golden.get("positive")));
            for (int j = 0; j < 5; j++) {
                samples.add(golden.get("negatives").get(j));
            }
            SignTies ties = new SignTies();
            for (boolean oneByOne : new boolean[] {false, true}) {
                List<NDArray> fa = features(anchor, oneByOne);
                for (int x = 0; x < samples.size(); x++) {
                    List<NDArray> fx = features(samples.get(x), oneByOne);
                    for (int l = 0; l < fa.size(); l++) {
                        double n = fa.get(l).size();
                        double denominator = result.negativeDistances()[l] + 1e-7;
                        double positive = DCR_WEIGHT * LEVEL_WEIGHTS.get(l) / (n * denominator);
                        double negative = positive * result.positiveDistances()[l] / denominator;
                        ties.add(fa.get(l), fx.get(l), l, x, DckdGolden.ATOL, DckdGolden.RTOL,
                                x == 0 ? positive : negative);
                    }
                }
            }
            System.out.println("DCR sign ties per level " + Arrays.toString(ties.perLevel(LEVEL_WEIGHTS.size())));
            return ties.bound(x -> vqgan.features(x), anchor, 16);
        }
    }

    @Test
    void codebookDistancesAndProbabilitiesMatchTheVectorQuantizer() {
        try (NDManager m = manager.newSubManager()) {
            CodebookDistribution c = new CodebookDistribution(vqgan.codebook().orElseThrow(), 1f);
            NDArray s = CodebookDistribution.tokens(vqgan.encode(golden.get("anchor").duplicate()));
            NDArray t = CodebookDistribution.tokens(vqgan.encode(golden.get("positive").duplicate()));
            DckdGolden.assertClose("dist_student", golden.get("dist_student"), c.squaredDistances(s));
            DckdGolden.assertClose("dist_teacher", golden.get("dist_teacher"), c.squaredDistances(t));
            DckdGolden.assertClose("s_d", golden.get("s_d"), c.probabilities(s));
            DckdGolden.assertClose("t_d", golden.get("t_d"), c.probabilities(t));
        }
    }

    @Test
    void distributionMappingBothModesWithGradients() {
        CodebookDistribution c = new CodebookDistribution(vqgan.codebook().orElseThrow(), 1f);
        checkCrossEntropy(c, Mode.REFERENCE_CODE, "loss_ce_official", "grad_anchor_ce_official", 1e-3);
        checkCrossEntropy(c, Mode.PAPER, "loss_ce_paper", "grad_anchor_ce_paper", 1e-2);
        assertEquals(0.0069314418360590935, crossEntropy(c, Mode.REFERENCE_CODE), 1e-5 + 1e-4 * 0.0069);
        assertEquals(0.006919877603650093, crossEntropy(c, Mode.PAPER), 1e-5 + 1e-4 * 0.0069);
    }

    @Test
    void peakyCodebookScenario() {
        CodebookDistribution c = new CodebookDistribution(golden.get("peaky_codebook"), 1f);
        try (NDManager m = manager.newSubManager()) {
            NDArray s = CodebookDistribution.tokens(vqgan.encode(golden.get("anchor").duplicate()));
            NDArray t = CodebookDistribution.tokens(vqgan.encode(golden.get("positive").duplicate()));
            DckdGolden.assertClose("peaky_s_d", golden.get("peaky_s_d"), c.probabilities(s));
            DckdGolden.assertClose("peaky_t_d", golden.get("peaky_t_d"), c.probabilities(t));
        }
        checkCrossEntropy(c, Mode.REFERENCE_CODE, "peaky_loss_ce_official", "peaky_grad_anchor_ce_official", 1e-3);
        checkCrossEntropy(c, Mode.PAPER, "peaky_loss_ce_paper", "peaky_grad_anchor_ce_paper", 1e-3);
    }

    private double crossEntropy(CodebookDistribution c, Mode mode) {
        try (NDManager m = manager.newSubManager()) {
            NDArray s = CodebookDistribution.tokens(vqgan.encode(golden.get("anchor").duplicate()));
            NDArray t = CodebookDistribution.tokens(vqgan.encode(golden.get("positive").duplicate()));
            return c.crossEntropy(s, t, mode).getFloat() * DMM_WEIGHT;
        }
    }

    private void checkCrossEntropy(CodebookDistribution c, Mode mode, String lossKey, String gradKey, double gradTol) {
        try (NDManager m = manager.newSubManager()) {
            NDArray teacher = CodebookDistribution.tokens(vqgan.encode(golden.get("positive").duplicate()));
            NDArray[] vg = valueAndGradient(m, a -> c.crossEntropy(CodebookDistribution.tokens(vqgan.encode(a)),
                    teacher, mode).mul(DMM_WEIGHT));
            DckdGolden.assertClose(lossKey, golden.get(lossKey), vg[0]);
            DckdGolden.assertGradientClose(gradKey, golden.get(gradKey), vg[1], gradTol);
        }
    }
}
