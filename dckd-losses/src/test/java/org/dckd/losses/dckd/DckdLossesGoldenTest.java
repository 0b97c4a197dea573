package org.dckd.losses.dckd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.dckd.losses.dckd.CodebookDistribution.Mode;
import org.dckd.losses.encoders.FeatureEncoder;
import org.dckd.losses.testing.DckdGolden;
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

    @Test
    void contrastiveRegularizationValueLevelsAndGradient() {
        // budget 0: the whole batch at once; 1 byte: one image per chunk (the result must not depend on it)
        for (long chunkBytes : new long[] {0, 1}) {
            try (NDManager m = manager.newSubManager()) {
                ContrastRatio ratio = new ContrastRatio(vqgan, LEVEL_WEIGHTS, 1e-7f, chunkBytes);
                NDArray negatives = golden.get("negatives");
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
                DckdGolden.assertGradientClose("grad_anchor_contras" + tag, golden.get("grad_anchor_contras"), vg[1],
                        1e-3);
            }
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
