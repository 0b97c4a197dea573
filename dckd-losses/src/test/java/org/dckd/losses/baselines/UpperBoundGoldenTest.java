package org.dckd.losses.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;

import com.fasterxml.jackson.databind.JsonNode;

import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.testing.DckdGolden;
import org.dckd.losses.testing.SignTies;
import org.dckd.nn.DjlRuntime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Label consistency, DUKD zoom-in/zoom-out and the CSD term against {@code tools/reference/lcr_dukd_golden.py}
 * (PyTorch 1.13, tiny fixed networks, fixed random choices injected into the terms): loss values and gradients with
 * respect to the student output (lcr, csd) or the student's weights (zoom-in/out, where the student runs inside the
 * term).
 *
 * <p>Every term here is an L1 distance, whose gradient is {@code sign(u - v)}. Where {@code u - v} is within rounding of
 * zero, another CPU's kernels may give it the other sign and the gradient jumps (see {@code SignTies}); each test
 * therefore either checks that no element is that close ({@link SignTies#assertNoTies}: DUKD) or adds the jump such an
 * element can make to the gradient's tolerance ({@link SignTies#bound}: label consistency, which has such elements), so
 * that its gradient comparison holds on every CPU whose values meet the tolerance. The CSD test's features pass through
 * a ReLU; its L1 distances between two clamped features are exactly 0 on every CPU.
 */
class UpperBoundGoldenTest {

    static {
        DjlRuntime.ensureOffline();
    }

    private static final String FILE = "lcr_dukd_golden";

    private NDManager manager;
    private Map<String, NDArray> g;
    private JsonNode json;
    private int scale;

    @BeforeEach
    void load() {
        manager = NDManager.newBaseManager();
        g = BaselineGolden.own(manager, FILE + ".npz");
        json = BaselineGolden.ownJson(FILE + ".json");
        scale = json.get("scale").asInt();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private TinyNetwork teacher() {
        return new TinyNetwork(g.get("teacher_weight"), g.get("teacher_bias"), scale);
    }

    /** A student whose weights record gradients (fresh copies, so tests do not share gradient state). */
    private TinyNetwork trainableStudent() {
        NDArray w = g.get("student_weight").duplicate();
        NDArray b = g.get("student_bias").duplicate();
        w.setRequiresGradient(true);
        b.setRequiresGradient(true);
        return new TinyNetwork(w, b, scale);
    }

    private LossContext context(NDArray studentOutput, TinyNetwork student, NDArray teacherOutput) {
        return new LossContext(manager, 1, g.get("lr"), g.get("hr"), studentOutput, teacherOutput, Map.of(), Map.of(),
                student, teacher(), 42L);
    }

    @Test
    void labelConsistency() {
        List<SampleTransform> fixed = new ArrayList<>();
        for (JsonNode t : json.get("lcr_transforms")) {
            fixed.add(new SampleTransform(t.get(0).asInt() == 1, t.get(1).asInt() == 1, t.get(2).asInt() == 1,
                    t.get(3).asInt() == 1));
        }
        BaselineGolden.assertValues("lcr T_back", g.get("lcr_teacher_back"),
                LabelConsistencyTerm.teacherBack(teacher(), g.get("lr"), fixed));
        for (Reduction r : Reduction.values()) {
            LabelConsistencyTerm term = new LabelConsistencyTerm("l_lcr", 1f, r, 0.5, (batch, seed) -> {
                assertEquals(42L, seed);
                return fixed;
            });
            NDArray out = g.get("student_output").duplicate();
            // the gradient is sign(S - T_back) / n (mean) or sign(S - T_back) (sum): S is the exact input, T_back a
            // teacher output, so an element within T_back's tolerance of S may take the other sign on another CPU
            SignTies ties = new SignTies();
            int found = ties.add(out, LabelConsistencyTerm.teacherBack(teacher(), g.get("lr"), fixed), 0, 0,
                    BaselineGolden.ATOL, BaselineGolden.RTOL, r == Reduction.MEAN ? 1.0 / out.size() : 1.0);
            System.out.println("lcr " + r.configName() + ": " + found + " sign ties");
            float[] tieBound = ties.bound(x -> List.of(x), out, 64);
            out.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = term.compute(context(out, null, null));
                BaselineGolden.assertScalar("lcr " + r.configName(), json.get("lcr_" + r.configName()).asDouble(),
                        loss);
                gc.backward(loss);
            }
            DckdGolden.assertGradientClose("lcr grad student output " + r.configName(),
                    g.get("lcr_grad_student_output_" + r.configName()), out.getGradient(),
                    BaselineGolden.GRAD_FRACTION, tieBound);
        }
    }

    @Test
    void zoomIn() {
        for (String key : List.of("zoom_in_1", "zoom_in_2")) {
            List<DukdZoomInTerm.Tile> tiles = new ArrayList<>();
            for (JsonNode t : json.get(key + "_tiles")) {
                tiles.add(new DukdZoomInTerm.Tile(t.get(0).asInt(), t.get(1).asInt()));
            }
            DukdZoomInTerm term = new DukdZoomInTerm("l_zoom_in", 1f, Reduction.MEAN, tiles.size(),
                    (s, count, seed) -> {
                        assertEquals(scale, s);
                        assertEquals(tiles.size(), count);
                        return tiles;
                    });
            TinyNetwork student = trainableStudent();
            NDList crops = new NDList();
            long h = g.get("lr").getShape().get(2);
            long w = g.get("lr").getShape().get(3);
            for (DukdZoomInTerm.Tile t : tiles) {
                crops.add(g.get("hr").get(new NDIndex(":, :, {}:{}, {}:{}", t.row() * h, (t.row() + 1) * h,
                        t.column() * w, (t.column() + 1) * w)));
            }
            NDArray input = NDArrays.concat(crops, 0);
            SignTies.assertNoTies("dukd " + key + " S - T", student.apply(input), teacher().apply(input),
                    BaselineGolden.ATOL, BaselineGolden.RTOL);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = term.compute(context(student.apply(g.get("lr")), student, null));
                BaselineGolden.assertScalar("dukd " + key, json.get(key).asDouble(), loss);
                gc.backward(loss);
            }
            BaselineGolden.assertGradient("dukd " + key + " grad student weight",
                    g.get(key + "_grad_student_weight"), student.weight().getGradient());
            BaselineGolden.assertGradient("dukd " + key + " grad student bias",
                    g.get(key + "_grad_student_bias"), student.bias().getGradient());
        }
    }

    @Test
    void zoomOut() {
        BaselineGolden.assertValues("dukd zoom_out lr_down", g.get("zoom_out_lr_down"),
                BicubicResize.matlabDownscale(g.get("lr"), scale));
        DukdZoomOutTerm term = new DukdZoomOutTerm("l_zoom_out", 1f, Reduction.MEAN);
        TinyNetwork student = trainableStudent();
        NDArray down = BicubicResize.matlabDownscale(g.get("lr"), scale);
        SignTies.assertNoTies("dukd zoom_out S - T", student.apply(down), teacher().apply(down), BaselineGolden.ATOL,
                BaselineGolden.RTOL);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = term.compute(context(student.apply(g.get("lr")), student, null));
            BaselineGolden.assertScalar("dukd zoom_out", json.get("zoom_out").asDouble(), loss);
            gc.backward(loss);
        }
        BaselineGolden.assertGradient("dukd zoom_out grad student weight", g.get("zoom_out_grad_student_weight"),
                student.weight().getGradient());
        BaselineGolden.assertGradient("dukd zoom_out grad student bias", g.get("zoom_out_grad_student_bias"),
                student.bias().getGradient());
    }

    @Test
    void csdTermWithAFixedEncoder() {
        FeatureLevels encoder = x -> {
            NDArray f1 = ai.djl.nn.convolutional.Conv2d.conv2d(x, g.get("enc1_weight"), g.get("enc1_bias"),
                    new ai.djl.ndarray.types.Shape(1, 1), new ai.djl.ndarray.types.Shape(1, 1))
                    .singletonOrThrow().getNDArrayInternal().relu();
            NDArray pooled = ai.djl.nn.pooling.Pool.avgPool2d(f1, new ai.djl.ndarray.types.Shape(2, 2),
                    new ai.djl.ndarray.types.Shape(2, 2), new ai.djl.ndarray.types.Shape(0, 0), false, true);
            NDArray f2 = ai.djl.nn.convolutional.Conv2d.conv2d(pooled, g.get("enc2_weight"), g.get("enc2_bias"),
                    new ai.djl.ndarray.types.Shape(1, 1), new ai.djl.ndarray.types.Shape(1, 1))
                    .singletonOrThrow().getNDArrayInternal().relu();
            return List.of(f1, f2);
        };
        List<Float> weights = new ArrayList<>();
        json.get("csd_level_weights").forEach(w -> weights.add((float) w.asDouble()));
        NDArray teacherOutput = teacher().apply(g.get("lr"));
        BaselineGolden.assertValues("csd bicubic x" + scale + " of lr", g.get("csd_upsampled_lr"),
                BicubicResize.torchUpsample(g.get("lr"), scale));
        for (CsdTerm.Negatives mode : CsdTerm.Negatives.values()) {
            CsdTerm term = CsdTerm.withEncoder("l_csd", 1f, encoder, CsdTerm.Positive.TEACHER, mode, 1, weights);
            NDArray out = g.get("student_output").duplicate();
            out.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = term.compute(context(out, null, teacherOutput));
                BaselineGolden.assertScalar("csd term " + mode.configName(),
                        json.get("csd_" + mode.configName()).asDouble(), loss);
                gc.backward(loss);
            }
            BaselineGolden.assertGradient("csd term " + mode.configName() + " grad student output",
                    g.get("csd_" + mode.configName() + "_grad_student_output"), out.getGradient());
        }
    }
}
