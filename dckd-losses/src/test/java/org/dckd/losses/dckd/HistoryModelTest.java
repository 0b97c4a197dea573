package org.dckd.losses.dckd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import org.dckd.checkpoint.Tensor;
import org.dckd.losses.TrainingRoles;
import org.dckd.losses.testing.TinyRun;
import org.dckd.nn.TorchModule;
import org.junit.jupiter.api.Test;

/** The history model: the update rule (exact), the schedule (exact), the source, the state, and the range handling. */
class HistoryModelTest {

    @Test
    void scheduleIsTheCodesStepListIndexedByHundredThousands() {
        HistoryConfig c = HistoryConfig.defaults();
        assertEquals(1000, c.interval(1));
        assertEquals(1000, c.interval(100_000));
        assertEquals(2000, c.interval(100_001));
        assertEquals(2000, c.interval(200_000));
        assertEquals(3000, c.interval(200_001));
        assertEquals(3000, c.interval(300_000));
        assertEquals(3000, c.interval(1_000_000), "after the last stage the last interval continues");
        assertFalse(c.updatesAfter(999));
        assertTrue(c.updatesAfter(1000));
        assertTrue(c.updatesAfter(100_000));
        assertFalse(c.updatesAfter(101_000), "101000 % 2000 != 0");
        assertTrue(c.updatesAfter(102_000));
        assertFalse(c.updatesAfter(200_500));
        assertFalse(c.updatesAfter(202_000), "202000 % 3000 != 0");
        assertTrue(c.updatesAfter(201_000), "201000 = 67 * 3000");
        long updates = 0;
        for (long it = 1; it <= 250_000; it++) {
            if (c.updatesAfter(it)) {
                updates++;
            }
        }
        assertEquals(100 + 50 + 17, updates, "250k iterations: 100 + 50 + 17 updates");
        HistoryConfig custom = HistoryConfig.builder().optSource(HistoryConfig.Source.STUDENT).optAlpha(0.5f)
                .optSteps(List.of(2L, 3L)).optStageLength(10L).build();
        assertEquals(2, custom.interval(10));
        assertEquals(3, custom.interval(11));
        assertThrows(IllegalArgumentException.class, () -> c.interval(0));
    }

    @Test
    void invalidConfigNamesTheKey() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HistoryConfig.builder().optAlpha(1.5f).build()).getMessage().contains("alpha"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HistoryConfig.builder().optSteps(List.of(1000L, 0L)).build()).getMessage().contains("steps"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HistoryConfig.builder().optStageLength(0L).build()).getMessage().contains("stage_length"));
    }

    @Test
    void startsAsAFrozenCopyOfTheEmaAndUpdatesExactly() {
        try (TinyRun run = new TinyRun(1f, 7)) {
            // make the EMA differ from the student so that the source matters
            for (Parameter p : TorchModule.parameters(run.ema).values()) {
                NDArray a = p.getArray();
                a.set(FloatBuffer.wrap(run.manager.randomNormal(a.getShape()).toFloatArray()));
            }
            HistoryModel h = HistoryModel.create(run.roles, HistoryConfig.defaults());
            assertNotSame(run.student, h.network());
            Map<String, float[]> ema = TinyRun.snapshot(run.ema);
            Map<String, float[]> hist = TinyRun.snapshot(h.network());
            assertEquals(ema.keySet(), hist.keySet());
            ema.forEach((k, v) -> assertArrayEquals(v, hist.get(k), k));
            for (Parameter p : TorchModule.parameters(h.network()).values()) {
                assertFalse(p.requiresGradient(), p.getName());
                assertFalse(p.getArray().hasGradient(), p.getName());
            }

            // move the source; the update is alpha * H + (1 - alpha) * src, element by element in float32
            for (Parameter p : TorchModule.parameters(run.ema).values()) {
                NDArray a = p.getArray();
                a.set(FloatBuffer.wrap(run.manager.randomNormal(a.getShape()).toFloatArray()));
            }
            Map<String, float[]> src = TinyRun.snapshot(run.ema);
            assertFalse(h.afterStep(999, run.roles));
            TinyRun.snapshot(h.network()).forEach((k, v) -> assertArrayEquals(hist.get(k), v, k));
            assertTrue(h.afterStep(1000, run.roles));
            Map<String, float[]> updated = TinyRun.snapshot(h.network());
            for (String k : hist.keySet()) {
                float[] before = hist.get(k);
                float[] s = src.get(k);
                float[] expected = new float[before.length];
                for (int i = 0; i < before.length; i++) {
                    expected[i] = before[i] * 0.1f + s[i] * (1f - 0.1f);
                }
                assertArrayEquals(expected, updated.get(k), k);
            }
            // the student was not touched by any of this
            assertFalse(TorchModule.parameters(run.student).values().stream()
                    .anyMatch(p -> p.getArray().isReleased()));
        }
    }

    @Test
    void followsTheStudentWhenConfiguredOrWithoutEma() {
        try (TinyRun run = new TinyRun(1f, 7)) {
            for (Parameter p : TorchModule.parameters(run.ema).values()) {
                p.getArray().muli(0);
            }
            HistoryModel paper = HistoryModel.create(run.roles,
                    HistoryConfig.builder().optSource(HistoryConfig.Source.STUDENT).build());
            Map<String, float[]> student = TinyRun.snapshot(run.student);
            TinyRun.snapshot(paper.network()).forEach((k, v) -> assertArrayEquals(student.get(k), v, k));
            TrainingRoles noEma = new TrainingRoles(run.student, run.teacher, null, run.manager, 7);
            HistoryModel fallback = HistoryModel.create(noEma, HistoryConfig.defaults());
            assertTrue(fallback.source(noEma) == run.student);
            TinyRun.snapshot(fallback.network()).forEach((k, v) -> assertArrayEquals(student.get(k), v, k));
        }
    }

    @Test
    void stateRoundTrip() {
        try (TinyRun run = new TinyRun(1f, 7)) {
            HistoryModel a = HistoryModel.create(run.roles, HistoryConfig.defaults());
            for (Parameter p : TorchModule.parameters(a.network()).values()) {
                p.getArray().addi(0.5f);
            }
            Map<String, Tensor> state = a.state();
            assertTrue(state.keySet().stream().allMatch(k -> k.startsWith(HistoryModel.STATE_PREFIX)));
            HistoryModel b = HistoryModel.create(run.roles, HistoryConfig.defaults());
            b.loadState(state);
            Map<String, float[]> sa = TinyRun.snapshot(a.network());
            TinyRun.snapshot(b.network()).forEach((k, v) -> assertArrayEquals(sa.get(k), v, k));
            String first = state.keySet().iterator().next();
            Map<String, Tensor> broken = new java.util.LinkedHashMap<>(state);
            broken.remove(first);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> b.loadState(broken)).getMessage()
                    .contains(first));
        }
    }

    @Test
    void runsOnTheUnitScaleWhateverTheNetworksRange() {
        try (TinyRun run = new TinyRun(255f, 7); NDManager m = run.manager.newSubManager()) {
            HistoryModel h = HistoryModel.create(run.roles, HistoryConfig.defaults());
            NDArray lr = run.lr(m);
            NDArray viaHistory = h.run(lr);
            NDArray direct = h.network().forward(new ParameterStore(m, false), new NDList(lr.mul(255)), false)
                    .singletonOrThrow().div(255);
            assertEquals(0f, viaHistory.sub(direct).abs().max().getFloat(), 1e-6f);
            assertEquals(lr.getShape().get(2) * 2, viaHistory.getShape().get(2));
            assertFalse(viaHistory.hasGradient());
        }
    }
}
