package org.dckd.losses.baselines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import org.dckd.backbones.rlfn.Rlfn;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.checkpoint.Tensor;
import org.dckd.losses.LossContext;
import org.dckd.losses.TrainingRoles;
import org.dckd.nn.DjlRuntime;
import org.dckd.nn.TappedOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code fakd} term on real (tiny) backbones: connectors are created in attach only when wanted, are trainable
 * (they receive gradients), and are restored exactly from {@link FakdTerm#state()}; taps are checked; pooling.
 */
class FakdTermTest {

    static {
        DjlRuntime.ensureOffline();
    }

    private static final List<String> TAPS = List.of("block_1", "block_2");

    private NDManager manager;
    private Rlfn student;
    private Rlfn teacher;
    private TrainingRoles roles;
    private NDArray lr;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        student = new RlfnConfig(2, 8, 8, 2, 4, 1f).build();
        teacher = new RlfnConfig(2, 12, 12, 2, 4, 1f).build();
        student.initialize(manager);
        teacher.initialize(manager);
        roles = new TrainingRoles(student, teacher, null, manager, 5);
        manager.getEngine().setRandomSeed(11);
        lr = manager.randomUniform(0, 1, new Shape(2, 3, 16, 16));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** One training step's context: student features recorded for gradients, teacher features without. */
    private LossContext context(NDManager step, TappedOutput s, TappedOutput t) {
        return new LossContext(step, 1, lr, null, s.output(), t.output(), s.features(), t.features(), null, null, 0);
    }

    private TappedOutput teacherFeatures(NDManager step) {
        return teacher.forwardWithFeatures(new ParameterStore(step, false), lr, false);
    }

    @Test
    void connectorsAreTrainableAndRestoredFromState() {
        FakdTerm term = new FakdTerm("l_fakd", 10f, TAPS, TAPS, 1, FakdTerm.Connector.MISMATCHED);
        assertTrue(term.trainableParameters().isEmpty(), "no connectors before attach");
        term.attach(roles);
        assertNotNull(term.connector(0));
        assertEquals(8, term.connector(0).inChannels());
        assertEquals(12, term.connector(0).outChannels());
        List<Parameter> params = term.trainableParameters();
        assertEquals(4, params.size(), "weight and bias of two connectors");
        Map<String, Tensor> state = term.state();
        assertEquals(List.of("connector.0.weight", "connector.0.bias", "connector.1.weight", "connector.1.bias"),
                List.copyOf(state.keySet()));
        assertArrayEquals(new long[] {12, 8, 1, 1}, state.get("connector.0.weight").shape());

        float value;
        try (NDManager step = manager.newSubManager();
             GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            TappedOutput s = student.forwardWithFeatures(new ParameterStore(step, false), lr, true);
            NDArray loss = term.compute(context(step, s, teacherFeatures(step)));
            value = loss.getFloat();
            gc.backward(loss);
            for (Parameter p : params) {
                float[] g = p.getArray().getGradient().toFloatArray();
                double norm = 0;
                for (float v : g) {
                    norm += v * v;
                }
                assertTrue(norm > 0, "connector parameter " + p.getName() + " gets a gradient");
            }
        }

        // a second term starts from other random connector weights ...
        FakdTerm restored = new FakdTerm("l_fakd", 10f, TAPS, TAPS, 1, FakdTerm.Connector.MISMATCHED);
        restored.attach(roles);
        try (NDManager step = manager.newSubManager()) {
            TappedOutput s = student.forwardWithFeatures(new ParameterStore(step, false), lr, false);
            assertNotEquals(value, restored.compute(context(step, s, teacherFeatures(step))).getFloat());
        }
        // ... and after loadState it computes exactly the same value
        restored.loadState(state);
        try (NDManager step = manager.newSubManager()) {
            TappedOutput s = student.forwardWithFeatures(new ParameterStore(step, false), lr, false);
            assertEquals(value, restored.compute(context(step, s, teacherFeatures(step))).getFloat());
        }
        IllegalArgumentException unexpected = assertThrows(IllegalArgumentException.class,
                () -> restored.loadState(Map.of("connector.7.weight", state.get("connector.0.weight"))));
        assertTrue(unexpected.getMessage().contains("connector.7.weight"), unexpected.getMessage());
        term.close();
        restored.close();
        assertNull(term.connector(0));
    }

    @Test
    void withoutConnectorTheTermIsTheOfficialAffinityLoss() {
        FakdTerm term = new FakdTerm("l_fakd", 10f, TAPS, TAPS, 1, FakdTerm.Connector.NONE);
        term.attach(roles);
        assertNull(term.connector(0));
        assertTrue(term.trainableParameters().isEmpty());
        assertTrue(term.state().isEmpty());
        try (NDManager step = manager.newSubManager()) {
            TappedOutput s = student.forwardWithFeatures(new ParameterStore(step, false), lr, false);
            TappedOutput t = teacherFeatures(step);
            float expected = FakdTerm.affinityLoss(List.of(s.feature("block_1"), s.feature("block_2")),
                    List.of(t.feature("block_1"), t.feature("block_2"))).getFloat();
            assertEquals(expected, term.compute(context(step, s, t)).getFloat());
        }
    }

    @Test
    void poolingAveragesBeforeTheAffinity() {
        FakdTerm term = new FakdTerm("l_fakd", 10f, TAPS, TAPS, 2, FakdTerm.Connector.NONE);
        try (NDManager step = manager.newSubManager()) {
            TappedOutput s = student.forwardWithFeatures(new ParameterStore(step, false), lr, false);
            TappedOutput t = teacherFeatures(step);
            Shape k = new Shape(2, 2);
            java.util.function.UnaryOperator<NDArray> pool =
                    x -> Pool.avgPool2d(x, k, k, new Shape(0, 0), false, true);
            float expected = FakdTerm.affinityLoss(
                    List.of(pool.apply(s.feature("block_1")), pool.apply(s.feature("block_2"))),
                    List.of(pool.apply(t.feature("block_1")), pool.apply(t.feature("block_2")))).getFloat();
            assertEquals(expected, term.compute(context(step, s, t)).getFloat(), 1e-7);
            assertArrayEquals(new long[] {2, 1, 64, 64},
                    FakdTerm.spatialAffinity(pool.apply(s.feature("block_1"))).getShape().getShape());
        }
    }

    @Test
    void tapsAndShapesAreChecked() {
        FakdTerm unknown = new FakdTerm("l_fakd", 10f, List.of("block_9"), List.of("block_1"), 1,
                FakdTerm.Connector.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> unknown.attach(roles));
        assertTrue(e.getMessage().contains("student_taps") && e.getMessage().contains("block_9")
                && e.getMessage().contains("block_2"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new FakdTerm("l_fakd", 10f, TAPS, List.of("block_1"), 1, FakdTerm.Connector.NONE));
        IllegalStateException noTeacher = assertThrows(IllegalStateException.class,
                () -> new FakdTerm("l_fakd", 10f, TAPS, TAPS, 1, FakdTerm.Connector.NONE)
                        .attach(new TrainingRoles(student, null, null, manager, 0)));
        assertTrue(noTeacher.getMessage().contains("teacher"), noTeacher.getMessage());
        NDArray a = manager.zeros(new Shape(1, 4, 6, 6));
        NDArray b = manager.zeros(new Shape(1, 4, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> FakdTerm.pairLoss(a, b));
    }
}
