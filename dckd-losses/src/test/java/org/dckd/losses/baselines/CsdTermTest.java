package org.dckd.losses.baselines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm.Requirement;
import org.dckd.losses.TrainingRoles;
import org.dckd.nn.DjlRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code csd} term: negative layouts, positives, the encoder registry and its lifecycle, and misuse. */
class CsdTermTest {

    static {
        DjlRuntime.ensureOffline();
    }

    /** A one-level "encoder": the image itself. */
    private static final FeatureLevels IDENTITY = x -> List.of(x);

    private NDManager manager;
    private NDArray lr;
    private NDArray hr;
    private NDArray student;
    private NDArray teacher;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
        manager.getEngine().setRandomSeed(5);
        lr = manager.randomUniform(0, 1, new Shape(4, 3, 4, 4));
        hr = manager.randomUniform(0, 1, new Shape(4, 3, 8, 8));
        student = manager.randomUniform(0, 1, new Shape(4, 3, 8, 8));
        teacher = manager.randomUniform(0, 1, new Shape(4, 3, 8, 8));
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private LossContext context() {
        return new LossContext(manager, 1, lr, hr, student, teacher, Map.of(), Map.of(), null, null, 0);
    }

    @Test
    void rolledNegativesAreTheOtherSamples() {
        NDArray up = BicubicResize.torchUpsample(lr, 2);
        for (int k = 1; k <= 3; k++) {
            CsdTerm term = CsdTerm.withEncoder("l_csd", 1f, IDENTITY, CsdTerm.Positive.TEACHER,
                    CsdTerm.Negatives.ROLLED, k, List.of(1f));
            NDList negs = new NDList();
            for (int j = 1; j <= k; j++) {
                NDList rows = new NDList();
                for (int b = 0; b < 4; b++) {
                    rows.add(up.get(Math.floorMod(b - j, 4)));
                }
                negs.add(NDArrays.stack(rows));
            }
            float expected = CsdContrast.l1Forward(List.of(teacher), List.of(student),
                    List.of(NDArrays.stack(negs)), List.of(1f)).getFloat();
            assertEquals(expected, term.compute(context()).getFloat(), 1e-6f * expected, "k = " + k);
        }
        CsdTerm tooMany = CsdTerm.withEncoder("l_csd", 1f, IDENTITY, CsdTerm.Positive.TEACHER,
                CsdTerm.Negatives.ROLLED, 4, List.of(1f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tooMany.compute(context()));
        assertTrue(e.getMessage().contains("batch of at least 5"), e.getMessage());
    }

    @Test
    void positiveAndRequirements() {
        CsdTerm toHr = CsdTerm.withEncoder("l_csd", 1f, IDENTITY, CsdTerm.Positive.HR, CsdTerm.Negatives.BATCH, 1,
                List.of(1f));
        assertEquals(java.util.Set.of(Requirement.STUDENT_OUTPUT, Requirement.HR), toHr.requirements());
        float expected = CsdContrast.l1Forward(List.of(hr), List.of(student),
                List.of(BicubicResize.torchUpsample(lr, 2)), List.of(1f)).getFloat();
        assertEquals(expected, toHr.compute(context()).getFloat(), 1e-6f * expected);
        CsdTerm twoWeights = CsdTerm.withEncoder("l_csd", 1f, IDENTITY, CsdTerm.Positive.TEACHER,
                CsdTerm.Negatives.BATCH, 1, List.of(1f, 2f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> twoWeights.compute(context()));
        assertTrue(e.getMessage().contains("2 level weights for 1 feature levels"), e.getMessage());
    }

    @Test
    void encoderComesFromTheRegistryAtAttachAndIsClosedWithTheTerm() {
        AtomicInteger closed = new AtomicInteger();
        CsdEncoders.register("test_identity", roles -> new FeatureLevels() {
            @Override
            public List<NDArray> features(NDArray images) {
                return List.of(images);
            }

            @Override
            public void close() {
                closed.incrementAndGet();
            }
        });
        CsdTerm term = CsdTerm.builder().optEncoder("test_identity").optLevelWeights(List.of(1f)).build();
        IllegalStateException notAttached = assertThrows(IllegalStateException.class, () -> term.compute(context()));
        assertTrue(notAttached.getMessage().contains("attach"), notAttached.getMessage());
        term.attach(new TrainingRoles(null, null, null, manager, 0));
        assertTrue(term.compute(context()).getFloat() > 0);
        term.close();
        assertEquals(1, closed.get());

        CsdTerm unknown = CsdTerm.builder().optEncoder("no_such_encoder").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> unknown.attach(new TrainingRoles(null, null, null, manager, 0)));
        assertTrue(e.getMessage().contains("no_such_encoder") && e.getMessage().contains("test_identity"),
                e.getMessage());
    }

    @Test
    void anEncoderNameRegisteredTwiceIsRefusedNamingBothRegistrations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsdEncoders.register("random", roles -> null));
        String m = e.getMessage();
        assertTrue(m.contains("csd feature encoder 'random' is already registered"), m);
        assertTrue(m.contains(CsdEncoders.class.getName() + ".<clinit>") && m.contains("CsdTermTest."), m);
        assertTrue(CsdEncoders.names().contains("random"));
    }
}
