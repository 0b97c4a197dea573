package org.dckd.losses.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.dckd.backbones.rlfn.Rlfn;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.TrainingRoles;
import org.dckd.nn.DjlRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Label consistency and DUKD beyond the golden values: the transforms are exact inverses (also on non-square inputs,
 * where the teacher runs per sample), random choices are reproducible from the step seed, and misuse fails clearly.
 */
class UpperBoundTermsTest {

    static {
        DjlRuntime.ensureOffline();
    }

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(3);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static List<SampleTransform> allTransforms() {
        List<SampleTransform> out = new ArrayList<>();
        for (int bits = 0; bits < 16; bits++) {
            out.add(new SampleTransform((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0));
        }
        return out;
    }

    @Test
    void transformsAreInvertedExactly() {
        NDArray x = manager.randomUniform(0, 1, new Shape(1, 3, 5, 7));
        for (SampleTransform t : allTransforms()) {
            NDArray y = t.apply(x);
            long[] expectedShape = t.transpose() ? new long[] {1, 3, 7, 5} : new long[] {1, 3, 5, 7};
            assertArrayEquals(expectedShape, y.getShape().getShape(), t.toString());
            assertEquals(t.isIdentity(), y.contentEquals(x), t.toString());
            assertTrue(t.revert(y).contentEquals(x), t.toString());
        }
        NDArray small = manager.create(new float[] {0f, 0.25f, 0.5f, 1f}, new Shape(1, 1, 2, 2));
        assertArrayEquals(new float[] {1f, 0.75f, 0.5f, 0f},
                new SampleTransform(true, false, false, false).apply(small).toFloatArray());
        assertArrayEquals(new float[] {0.25f, 0f, 1f, 0.5f},
                new SampleTransform(false, false, true, false).apply(small).toFloatArray(), "horizontal = mirror");
        assertArrayEquals(new float[] {0.5f, 1f, 0f, 0.25f},
                new SampleTransform(false, true, false, false).apply(small).toFloatArray(), "vertical = upside down");
        assertArrayEquals(new float[] {0f, 0.5f, 0.25f, 1f},
                new SampleTransform(false, false, false, true).apply(small).toFloatArray());
    }

    @Test
    void randomChoicesComeFromTheStepSeed() {
        List<SampleTransform> a = SampleTransform.draw(64, 0.5, new SplittableRandom(17));
        assertEquals(a, SampleTransform.draw(64, 0.5, new SplittableRandom(17)));
        assertNotEquals(a, SampleTransform.draw(64, 0.5, new SplittableRandom(18)));
        List<SampleTransform> many = SampleTransform.draw(4000, 0.5, new SplittableRandom(1));
        long inverted = many.stream().filter(SampleTransform::invert).count();
        long transposed = many.stream().filter(SampleTransform::transpose).count();
        assertTrue(Math.abs(inverted - 2000) < 150 && Math.abs(transposed - 2000) < 150, inverted + " " + transposed);
        assertTrue(SampleTransform.draw(50, 0, new SplittableRandom(1)).stream().allMatch(SampleTransform::isIdentity));
        assertTrue(SampleTransform.draw(50, 1, new SplittableRandom(1)).stream()
                .allMatch(t -> t.invert() && t.flipVertical() && t.flipHorizontal() && t.transpose()));
        Set<Object> tiles = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            List<DukdZoomInTerm.Tile> drawn = DukdZoomInTerm.randomTiles(4, 3, seed);
            assertEquals(drawn, DukdZoomInTerm.randomTiles(4, 3, seed));
            assertEquals(3, new HashSet<>(drawn).size(), "distinct tiles");
            drawn.forEach(t -> assertTrue(t.row() >= 0 && t.row() < 4 && t.column() >= 0 && t.column() < 4));
            tiles.addAll(drawn);
        }
        assertEquals(16, tiles.size(), "every cell of the 4x4 grid is drawn eventually");
    }

    /** Non-square patches with transposes: the teacher runs per sample, and identity teachers give back the input. */
    @Test
    void labelConsistencyOnNonSquarePatches() {
        NDArray lr = manager.randomUniform(0, 1, new Shape(16, 3, 4, 6));
        List<SampleTransform> transforms = allTransforms();
        List<Integer> calls = new ArrayList<>();
        NDArray back = LabelConsistencyTerm.teacherBack(x -> {
            calls.add(Math.toIntExact(x.getShape().get(0)));
            return x.mul(2f);
        }, lr, transforms);
        assertEquals(16, calls.size(), "one teacher call per sample when shapes differ");
        // T(x) = 2x commutes with flips/transposes, and revert(2 apply(x)) = 2x - 1 for inverted samples
        for (int b = 0; b < 16; b++) {
            NDArray expected = lr.get(b).mul(2f);
            if (transforms.get(b).invert()) {
                expected = expected.sub(1f);
            }
            assertTrue(back.get(b).sub(expected).abs().max().getFloat() < 1e-6, transforms.get(b).toString());
        }
        calls.clear();
        LabelConsistencyTerm.teacherBack(x -> {
            calls.add(Math.toIntExact(x.getShape().get(0)));
            return x;
        }, manager.zeros(new Shape(16, 3, 5, 5)), transforms);
        assertEquals(List.of(16), calls, "one batched call for square patches");
    }

    @Test
    void labelConsistencyUsesTheSeedAndNeedsATeacher() {
        NDArray lr = manager.randomUniform(0, 1, new Shape(4, 3, 6, 6));
        List<Long> seeds = new ArrayList<>();
        LabelConsistencyTerm term = new LabelConsistencyTerm("l_lcr", 1f, Reduction.MEAN, 0.5, (batch, seed) -> {
            seeds.add(seed);
            return SampleTransform.draw(batch, 0.5, new SplittableRandom(seed));
        });
        assertTrue(term.needsTeacher());
        LossContext noTeacher = new LossContext(manager, 3, lr, null, lr, null, Map.of(), Map.of(), x -> x, null, 99L);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> term.compute(noTeacher));
        assertTrue(e.getMessage().contains("'l_lcr'") && e.getMessage().contains("teacher"), e.getMessage());
        // with an identity teacher and S(x) = x, T_back == x exactly, so the term is 0
        LossContext identity = new LossContext(manager, 3, lr, null, lr, null, Map.of(), Map.of(), x -> x, x -> x, 99L);
        assertEquals(0f, term.compute(identity).getFloat(), 1e-7);
        assertEquals(List.of(99L), seeds);
        // the default sampler is reproducible for a seed
        LabelConsistencyTerm random = new LabelConsistencyTerm("l_lcr", 1f, Reduction.MEAN, 0.5);
        LossContext scaled = new LossContext(manager, 3, lr, null, lr, null, Map.of(), Map.of(), null,
                x -> x.mul(x), 7L);
        assertEquals(random.compute(scaled).getFloat(), random.compute(scaled).getFloat());
    }

    @Test
    void zoomInChecksTheGrid() {
        NDArray lr = manager.zeros(new Shape(2, 3, 8, 8));
        NDArray hr = manager.zeros(new Shape(2, 3, 16, 16));
        LossContext c = new LossContext(manager, 1, lr, hr, hr, null, Map.of(), Map.of(), x -> x, x -> x, 1L);
        DukdZoomInTerm tooMany = new DukdZoomInTerm("l_zoom_in", 1f, Reduction.MEAN, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tooMany.compute(c));
        assertTrue(e.getMessage().contains("tiles 5 exceeds the 2x2 grid"), e.getMessage());
        List<Long> seen = new ArrayList<>();
        NDArray hrValues = manager.arange(2 * 3 * 16 * 16).reshape(2, 3, 16, 16).toType(
                ai.djl.ndarray.types.DataType.FLOAT32, false);
        LossContext values = new LossContext(manager, 1, lr, hrValues, hrValues, null, Map.of(), Map.of(),
                x -> {
                    seen.add(x.getShape().get(0));
                    return x;
                }, x -> x, 1L);
        DukdZoomInTerm two = new DukdZoomInTerm("l_zoom_in", 1f, Reduction.MEAN, 2,
                (s, n, seed) -> List.of(new DukdZoomInTerm.Tile(0, 1), new DukdZoomInTerm.Tile(1, 0)));
        assertEquals(0f, two.compute(values).getFloat());
        assertEquals(List.of(4L), seen, "both tiles of both samples in one student call");
    }

    @Test
    void zoomOutRefusesInputsBelowTheNetworksMinimum() {
        Rlfn student = new RlfnConfig(4, 8, 8, 1, 4, 1f).build();
        Rlfn teacher = new RlfnConfig(4, 12, 12, 1, 4, 1f).build();
        DukdZoomOutTerm term = new DukdZoomOutTerm("l_zoom_out", 1f, Reduction.MEAN);
        term.attach(new TrainingRoles(student, teacher, null, manager, 0));
        NDArray lr = manager.zeros(new Shape(1, 3, 48, 48));
        NDArray sr = manager.zeros(new Shape(1, 3, 192, 192));
        LossContext c = new LossContext(manager, 1, lr, sr, sr, null, Map.of(), Map.of(), x -> x, x -> x, 0L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> term.compute(c));
        assertTrue(e.getMessage().contains("12x12") && e.getMessage().contains("minimum input 15")
                && e.getMessage().contains("at least 60"), e.getMessage());
        IllegalStateException noTeacher = assertThrows(IllegalStateException.class,
                () -> term.attach(new TrainingRoles(student, null, null, manager, 0)));
        assertTrue(noTeacher.getMessage().contains("'l_zoom_out'"), noTeacher.getMessage());
    }
}
