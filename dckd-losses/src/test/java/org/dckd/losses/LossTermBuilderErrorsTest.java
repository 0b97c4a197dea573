package org.dckd.losses;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.function.Executable;

import org.dckd.losses.baselines.CsdTerm;
import org.dckd.losses.baselines.DukdZoomInTerm;
import org.dckd.losses.baselines.FakdTerm;
import org.dckd.losses.baselines.LabelConsistencyTerm;
import org.dckd.losses.dckd.CodebookConfig;
import org.dckd.losses.dckd.Dckd;
import org.dckd.losses.dckd.DistributionMapping;
import org.dckd.losses.dckd.HistoryConfig;
import org.dckd.losses.encoders.Vgg19EncoderConfig;
import org.dckd.losses.encoders.VqganEncoderConfig;
import org.dckd.losses.pixel.CharbonnierTerm;
import org.dckd.losses.pixel.L1Term;
import org.dckd.losses.pixel.L2Term;
import org.junit.jupiter.api.Test;

/** The Java builders refuse a missing required value naming its setter, and an invalid value naming the field. */
class LossTermBuilderErrorsTest {

    private static void assertError(Executable build, String... expected) {
        String message = assertThrows(IllegalArgumentException.class, build).getMessage();
        for (String e : expected) {
            assertTrue(message.contains(e), "expected '" + e + "' in: " + message);
        }
    }

    @Test
    void missingRequiredValuesNameTheSetter() {
        assertError(() -> FakdTerm.builder().setTeacherTaps(List.of("block_1")).build(), "fakd", "setStudentTaps");
        assertError(() -> FakdTerm.builder().setStudentTaps(List.of("block_1")).build(), "fakd", "setTeacherTaps");
        assertError(() -> VqganEncoderConfig.builder().build(), "vqgan", "setCheckpoint",
                VqganEncoderConfig.PUBLISHED_AT);
        assertError(() -> Vgg19EncoderConfig.builder().build(), "vgg19", "setCheckpoint",
                Vgg19EncoderConfig.PUBLISHED_AT);
    }

    @Test
    void invalidValuesNameTheField() {
        assertError(() -> L1Term.toHr().optWeight(-1f).build(), "l1", "weight", "-1.0");
        assertError(() -> L2Term.toTeacher().optName("l kd").build(), "l2", "name");
        assertError(() -> CharbonnierTerm.toHr().optEps(0).build(), "charbonnier", "eps");
        assertError(() -> FakdTerm.builder().setStudentTaps(List.of("a", "b")).setTeacherTaps(List.of("a"))
                .build(), "fakd", "student_taps and teacher_taps must have the same length");
        assertError(() -> FakdTerm.builder().setStudentTaps(List.of("a")).setTeacherTaps(List.of("a")).optPool(0)
                .build(), "fakd", "pool");
        assertError(() -> CsdTerm.builder().optNegatives(CsdTerm.Negatives.BATCH).optNumNegatives(2).build(),
                "csd", "num_negatives");
        assertError(() -> CsdTerm.builder().optNumNegatives(0).build(), "csd", "num_negatives");
        assertError(() -> LabelConsistencyTerm.builder().optProbability(1.5).build(), "lcr", "probability");
        assertError(() -> DukdZoomInTerm.builder().optTiles(0).build(), "dukd_zoom_in", "tiles");
        assertError(() -> Dckd.defaults().optNegatives(0).build(), "dcr", "negatives");
        assertError(() -> Dckd.defaults().optDcrWeight(-0.1f).build(), "dcr", "weight");
        assertError(() -> Dckd.defaults().optHrWeight(Float.NaN).build(), "l1", "weight");
        assertError(() -> Dckd.defaults().optTau(0f).build(), "dmm", "tau");
        assertError(() -> DistributionMapping.builder().optChunkMb(-1).build(), "dmm", "chunk_mb");
        assertError(() -> HistoryConfig.builder().optAlpha(2f).build(), "history", "alpha");
        assertError(() -> CodebookConfig.builder().optSize(1).build(), "codebook", "size");
        assertError(() -> CodebookConfig.fromFile(Path.of("/nonexistent/codebook.npz")).build(), "codebook", "file",
                "/nonexistent/codebook.npz");
        assertError(() -> VqganEncoderConfig.builder().setCheckpoint(Path.of("/nonexistent/last.ckpt")).build(),
                "vqgan", "checkpoint", "/nonexistent/last.ckpt");
    }
}
