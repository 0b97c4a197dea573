package org.dckd.core.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dckd.backbones.SrBackbone;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.Tensor;
import org.dckd.config.ConfigReader;
import org.dckd.losses.LossContext;
import org.dckd.losses.LossTerm;
import org.dckd.losses.LossTermConfig;
import org.dckd.losses.catalog.LossTerms;
import org.dckd.losses.dckd.DistributionMapping;
import org.dckd.testing.GarbageCollection;
import org.junit.jupiter.api.Test;

/**
 * The distiller with every loss term at once (pixel and KD with weights, DCR with its history model, DMM with a
 * k-means codebook, FAKD with a connector, CSD, LCR, both DUKD terms) and a student whose input range is 255: a
 * resumed run continues bit-identically, the result does not depend on when the garbage collector runs, and a warm
 * step leaves no array behind (RLFN and LIPT students).
 */
class EveryTermDistillerTest {

    /** Every registered term type, weights other than 1 (each weight is a scalar operation in the graph). */
    private static final String TERMS = """
            losses:
              - {type: l1, weight: 0.5}
              - {type: l1, target: teacher, weight: 0.3}
              - {type: dcr, weight: 0.1, negatives: 3, history: {steps: [2]}}
              - {type: dmm, weight: 0.01, codebook: {size: 4, kmeans_batches: 1}}
              - {type: fakd, student_taps: [block_1], teacher_taps: [block_1], connector: mismatched, weight: 2}
              - {type: csd, weight: 0.2}
              - {type: lcr, weight: 0.3}
              - {type: dukd_zoom_in, tiles: 2, weight: 0.4}
              - {type: dukd_zoom_out, weight: 0.6}
            """;

    /** The {@code losses:} section of a run config. */
    record Losses(@JsonProperty("losses") List<LossTermConfig> losses) {
        @JsonCreator
        Losses {}
    }

    private static List<LossTerm> terms(boolean collectGarbage) {
        ObjectMapper mapper = LossTerms.registerWith(ConfigReader.yamlMapper());
        List<LossTerm> out = new ArrayList<>();
        try {
            Losses losses = ConfigReader.convert(mapper, mapper.readTree(TERMS), Losses.class, "terms.yaml");
            losses.losses().forEach(c -> out.add(c.build()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (collectGarbage) {
            out.add(new CollectGarbage());
        }
        return out;
    }

    /** Runs after every other term's forward pass, so the collection falls between forward and backward. */
    private record CollectGarbage() implements LossTerm {
        @Override
        public String name() {
            return "gc";
        }

        @Override
        public float weight() {
            return 1f;
        }

        @Override
        public Set<Requirement> requirements() {
            return EnumSet.of(Requirement.STUDENT_OUTPUT);
        }

        @Override
        public NDArray compute(LossContext context) {
            GarbageCollection.collectAndReuse();
            return context.manager().zeros(new Shape());
        }
    }

    private static SrBackbone rlfn(NDManager m, int channels, float range, int seed) {
        return TinyNetworks.rlfn(m, channels, range, seed);
    }

    private static NDArray[] batch(NDManager m, int seed) {
        return TinyNetworks.batch(m, seed, 64); // DUKD's zoom-out needs LR patches of at least 30
    }

    private static Distiller distiller(NDManager m, SrBackbone student, SrBackbone teacher, List<LossTerm> terms) {
        return Distiller.builder().setManager(m).setStudent(student).optTeacher(teacher).addTerms(terms)
                .optLearningRate(1e-3).optEmaDecay(0.9f).optSeed(5).build();
    }

    /** Student weights after {@code steps} steps (the teacher is rebuilt identically every time). */
    private static List<float[]> train(int steps, boolean collectGarbage, List<Map<String, Float>> losses) {
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone teacher = rlfn(m, 16, 1f, 1);
            try (Distiller d = distiller(m, rlfn(m, 8, 255f, 2), teacher, terms(collectGarbage))) {
                for (int i = 0; i < steps; i++) {
                    NDArray[] b = batch(m, 200 + i);
                    losses.add(d.step(b[0], b[1]).terms());
                }
                return weights(d.student());
            }
        }
    }

    private static List<float[]> weights(SrBackbone net) {
        List<float[]> out = new ArrayList<>();
        StateDict.of(net).tensors().values().forEach(t -> out.add(t.toFloatArray()));
        return out;
    }

    @Test
    void resultDoesNotDependOnGarbageCollectionBetweenForwardAndBackward() {
        List<Map<String, Float>> quietLosses = new ArrayList<>();
        List<Map<String, Float>> collectedLosses = new ArrayList<>();
        List<float[]> quiet = train(3, false, quietLosses);
        List<float[]> collected = train(3, true, collectedLosses);
        for (int i = 0; i < quiet.size(); i++) {
            assertArrayEquals(quiet.get(i), collected.get(i), "student tensor " + i);
        }
        // every term ran and produced a finite, logged value; DMM is active (its k-means ran on step 1)
        Map<String, Float> last = quietLosses.get(quietLosses.size() - 1);
        assertEquals(List.of("l_pix", "l_kd", "l_dcl", "l_ce", "l_fakd", "l_csd", "l_lcr", "l_zoom_in",
                "l_zoom_out"), List.copyOf(last.keySet()));
        last.forEach((k, v) -> assertTrue(Float.isFinite(v), k + " = " + v));
        assertNotEquals(0f, last.get("l_ce"));
    }

    @Test
    void resumingWithEveryTermContinuesBitIdentically() {
        int n = 5;
        int k = 2;
        List<float[]> straight = train(n, false, new ArrayList<>());
        List<float[]> resumed;
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone teacher = rlfn(m, 16, 1f, 1);
            Map<String, Tensor> saved;
            try (Distiller d = distiller(m, rlfn(m, 8, 255f, 2), teacher, terms(false))) {
                for (int i = 0; i < k; i++) {
                    NDArray[] b = batch(m, 200 + i);
                    d.step(b[0], b[1]);
                }
                saved = d.state();
            }
            // the state carries the history model (updated after step 2) and the k-means codebook
            assertTrue(saved.keySet().stream().anyMatch(key -> key.contains(".history.")), saved.keySet().toString());
            assertTrue(saved.keySet().stream().anyMatch(key -> key.endsWith("." + DistributionMapping.CODEBOOK_STATE)),
                    saved.keySet().toString());
            // a fresh process builds everything again from the config, with another random init
            try (Distiller d = distiller(m, rlfn(m, 8, 255f, 99), teacher, terms(false))) {
                d.loadState(saved);
                for (int i = k; i < n; i++) {
                    NDArray[] b = batch(m, 200 + i);
                    d.step(b[0], b[1]);
                }
                resumed = weights(d.student());
            }
        }
        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i), resumed.get(i), "student tensor " + i);
        }
    }

    /**
     * Native memory stays flat: once every term is warmed up (the DMM codebook after step 1, the history model after
     * step 2, the optimizer moments after step 1), a training step leaves no array behind in the distiller's manager
     * or any manager under it; every array of a step is released with it. Checked with an RLFN student and with a
     * LIPT student (training form: DiverseBranchBlocks, BatchNorms, attention), whose arithmetic on parameter arrays
     * once left 2,688 arrays per pass in the model's manager.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"rlfn", "lipt"})
    void aWarmStepLeavesNoArrayBehind(String studentType) {
        try (NDManager m = NDManager.newBaseManager()) {
            SrBackbone teacher = rlfn(m, 16, 1f, 1);
            SrBackbone student;
            if (studentType.equals("lipt")) {
                ai.djl.engine.Engine.getInstance().setRandomSeed(2);
                student = org.dckd.backbones.lipt.LiptConfig.builder().setScale(2).optChannels(8).optMElan(2).build()
                        .build();
                student.initialize(m);
            } else {
                student = rlfn(m, 8, 255f, 2);
            }
            try (Distiller d = distiller(m, student, teacher, terms(false))) {
                int[] counts = new int[2];
                for (int i = 0; i < 8; i++) {
                    if (i == 4) {
                        counts[0] = m.getManagedArrays().size();
                    }
                    try (NDManager data = m.newSubManager()) {
                        NDArray[] b = batch(data, 200 + i);
                        d.step(b[0], b[1]);
                    }
                }
                counts[1] = m.getManagedArrays().size();
                assertEquals(counts[0], counts[1], studentType + ": arrays held after steps 4 and 8");
            }
        }
    }
}
