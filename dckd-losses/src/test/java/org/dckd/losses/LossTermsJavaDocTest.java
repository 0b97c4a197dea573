package org.dckd.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.dckd.losses.LossTerm.Reduction;
import org.dckd.losses.baselines.CsdTerm;
import org.dckd.losses.baselines.DukdZoomInTerm;
import org.dckd.losses.baselines.DukdZoomOutTerm;
import org.dckd.losses.baselines.FakdTerm;
import org.dckd.losses.baselines.LabelConsistencyTerm;
import org.dckd.losses.dckd.CodebookConfig;
import org.dckd.losses.dckd.CodebookDistribution.Mode;
import org.dckd.losses.dckd.ContrastiveRegularization;
import org.dckd.losses.dckd.Dckd;
import org.dckd.losses.dckd.DegradationConfig;
import org.dckd.losses.dckd.DistributionMapping;
import org.dckd.losses.dckd.HistoryConfig;
import org.dckd.losses.encoders.RandomEncoderConfig;
import org.dckd.losses.encoders.VqganEncoderConfig;
import org.dckd.losses.pixel.CharbonnierTerm;
import org.dckd.losses.pixel.L1Term;
import org.dckd.losses.pixel.L1TermConfig;
import org.dckd.losses.pixel.L2Term;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java snippets of docs/losses-java.md, each next to the YAML it stands for: every test builds terms from Java
 * (the code between {@code // doc} markers is what the page shows) and asserts that their config records equal the
 * ones the strict YAML reader makes from the page's YAML block, and that the built terms carry the same name and
 * weight.
 */
class LossTermsJavaDocTest {

    /** The configs of a YAML {@code losses:} list. */
    private static List<LossTermConfig> yaml(String losses) {
        return org.dckd.losses.testing.LossesYaml.parse("losses:\n" + losses, "docs/losses-java.md");
    }

    /** Asserts that the Java terms equal the YAML configs, config by config and term by term (name, weight). */
    private static void assertSame(List<LossTermConfig> yaml, List<LossTermConfig> java, List<LossTerm> terms) {
        assertEquals(yaml, java);
        assertEquals(yaml.stream().map(c -> c.build().name()).toList(), terms.stream().map(LossTerm::name).toList());
        assertEquals(yaml.stream().map(c -> c.build().weight()).toList(),
                terms.stream().map(LossTerm::weight).toList());
        for (int i = 0; i < terms.size(); i++) {
            assertEquals(yaml.get(i).build().getClass(), terms.get(i).getClass());
            assertEquals(yaml.get(i).build().requirements(), terms.get(i).requirements());
        }
    }

    /** docs/losses-java.md shows every snippet of this class unchanged (dedented). */
    @Test
    void docsPageShowsTheseSnippets() throws IOException {
        String source = Files.readString(Path.of("src", "test", "java", "org", "dckd", "losses",
                "LossTermsJavaDocTest.java"));
        String page = Files.readString(Path.of("..", "docs", "losses-java.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("// doc:([a-z-]+)\n(.*?)\n\\s*// doc:end",
                java.util.regex.Pattern.DOTALL).matcher(source);
        int snippets = 0;
        while (m.find()) {
            String snippet = m.group(2).stripIndent();
            assertTrue(page.contains("```java\n" + snippet + "\n```"), "docs/losses-java.md lacks snippet '"
                    + m.group(1) + "':\n" + snippet);
            snippets++;
        }
        assertEquals(11, snippets);
    }

    @Test
    void pixelTerms() {
        // doc:pixel
        LossTerm lPix = L1Term.toHr().build();                               // - {type: l1}
        LossTerm lKd = L1Term.toTeacher().optWeight(0.5f).build();           // - {type: l1, target: teacher, weight: 0.5}
        LossTerm mse = L2Term.toHr().optReduction(Reduction.SUM).optName("l_mse").build();
                                                                             // - {type: l2, reduction: sum, name: l_mse}
        LossTerm cb = CharbonnierTerm.toTeacher().optEps(1e-6).build();      // - {type: charbonnier, target: teacher, eps: 1.0e-6}
        L1TermConfig config = L1Term.toHr().config();                        // the record the YAML reader makes
        // doc:end
        assertSame(yaml("""
                  - {type: l1}
                  - {type: l1, target: teacher, weight: 0.5}
                  - {type: l2, reduction: sum, name: l_mse}
                  - {type: charbonnier, target: teacher, eps: 1.0e-6}
                  - {type: l1}
                """), List.of(L1Term.toHr().config(), L1Term.toTeacher().optWeight(0.5f).config(),
                        L2Term.toHr().optReduction(Reduction.SUM).optName("l_mse").config(),
                        CharbonnierTerm.toTeacher().optEps(1e-6).config(), config),
                List.of(lPix, lKd, mse, cb, config.build()));
    }

    @Test
    void fakdBaseline() {
        // doc:fakd
        List<LossTerm> fakd = List.of(
                L1Term.toHr().optWeight(0.5f).build(),
                L1Term.toTeacher().optWeight(0.5f).build(),
                FakdTerm.builder()
                        .setStudentTaps(List.of("block_1", "block_3", "block_6"))
                        .setTeacherTaps(List.of("block_1", "block_3", "block_6"))
                        .build());                                           // weight 10, pool 1, connector none
        // doc:end
        assertSame(yaml("""
                  - {type: l1, weight: 0.5}
                  - {type: l1, target: teacher, weight: 0.5}
                  - {type: fakd, student_taps: [block_1, block_3, block_6], teacher_taps: [block_1, block_3, block_6]}
                """), List.of(L1Term.toHr().optWeight(0.5f).config(), L1Term.toTeacher().optWeight(0.5f).config(),
                        FakdTerm.builder().setStudentTaps(List.of("block_1", "block_3", "block_6"))
                                .setTeacherTaps(List.of("block_1", "block_3", "block_6")).config()), fakd);
    }

    @Test
    void fakdWithEveryOption() {
        // doc:fakd-options
        LossTerm fakd = FakdTerm.builder()
                .setStudentTaps(List.of("head", "body"))
                .setTeacherTaps(List.of("block_1", "block_2"))
                .optPool(2)
                .optConnector(FakdTerm.Connector.MISMATCHED)
                .optWeight(5f)
                .build();
        // doc:end
        assertSame(yaml("""
                  - {type: fakd, student_taps: [head, body], teacher_taps: [block_1, block_2], pool: 2,
                     connector: mismatched, weight: 5}
                """), List.of(FakdTerm.builder().setStudentTaps(List.of("head", "body"))
                        .setTeacherTaps(List.of("block_1", "block_2")).optPool(2)
                        .optConnector(FakdTerm.Connector.MISMATCHED).optWeight(5f).config()), List.of(fakd));
    }

    @Test
    void csd() {
        // doc:csd
        LossTerm csd = CsdTerm.builder()                                     // encoder "random" by default
                .optPositive(CsdTerm.Positive.HR)
                .optNegatives(CsdTerm.Negatives.ROLLED)
                .optNumNegatives(2)
                .optWeight(200f)
                .build();
        // doc:end
        assertSame(yaml("""
                  - {type: csd, positive: hr, negatives: rolled, num_negatives: 2, weight: 200}
                """), List.of(CsdTerm.builder().optPositive(CsdTerm.Positive.HR).optNegatives(CsdTerm.Negatives.ROLLED)
                        .optNumNegatives(2).optWeight(200f).config()), List.of(csd));
        assertEquals(yaml("  - {type: csd}\n"), List.of(CsdTerm.builder().config()));
    }

    @Test
    void upperBoundTerms() {
        // doc:upper-bound
        List<LossTerm> terms = List.of(
                LabelConsistencyTerm.builder().optProbability(0.25).build(), // - {type: lcr, probability: 0.25}
                DukdZoomInTerm.builder().optTiles(2).build(),                // - {type: dukd_zoom_in, tiles: 2}
                DukdZoomOutTerm.builder().optReduction(Reduction.SUM).build()); // - {type: dukd_zoom_out, reduction: sum}
        // doc:end
        assertSame(yaml("""
                  - {type: lcr, probability: 0.25}
                  - {type: dukd_zoom_in, tiles: 2}
                  - {type: dukd_zoom_out, reduction: sum}
                """), List.of(LabelConsistencyTerm.builder().optProbability(0.25).config(),
                        DukdZoomInTerm.builder().optTiles(2).config(),
                        DukdZoomOutTerm.builder().optReduction(Reduction.SUM).config()), terms);
        assertEquals(yaml("  - {type: lcr}\n  - {type: dukd_zoom_in}\n  - {type: dukd_zoom_out}\n"),
                List.of(LabelConsistencyTerm.builder().config(), DukdZoomInTerm.builder().config(),
                        DukdZoomOutTerm.builder().config()));
    }

    @Test
    void dckdDefaultsAreTheOfflineRlfnRecipe() {
        // doc:dckd
        List<LossTerm> dckd = Dckd.defaults().build();     // l_pix, l_kd, 0.1 l_dcl, 0.001 l_ce; offline random encoder
        // doc:end
        List<LossTermConfig> recipe = org.dckd.losses.testing.LossesYaml.ofRunConfig(
                Path.of("..", "configs", "rlfn", "rlfn_x4_dckd_offline.yaml"));
        assertSame(recipe, Dckd.defaults().configs(), dckd);
        assertSame(yaml("""
                  - {type: l1}
                  - {type: l1, target: teacher}
                  - {type: dcr}
                  - {type: dmm}
                """), Dckd.defaults().configs(), dckd);
    }

    @Test
    void dckdWithVqganIsThePaperRlfnRecipe(@TempDir Path dir) throws IOException {
        Path ckpt = Files.createFile(dir.resolve("last.ckpt"));      // only its existence is checked before attach
        // doc:dckd-vqgan
        List<LossTerm> paper = Dckd.defaults()
                .optEncoder(VqganEncoderConfig.builder().setCheckpoint(ckpt).build())
                .build();
        // doc:end
        List<LossTermConfig> recipe = org.dckd.losses.testing.LossesYaml.ofRunConfig(
                Path.of("..", "configs", "rlfn", "rlfn_x4_dckd.yaml"),
                "weights/vqgan_imagenet_f16_1024/last.ckpt", ckpt.toString());
        assertSame(recipe, Dckd.defaults().optEncoder(VqganEncoderConfig.builder().setCheckpoint(ckpt).build())
                .configs(), paper);
    }

    @Test
    void dckdStarIsTheSwinIrStarRecipe(@TempDir Path dir) throws IOException {
        Path ckpt = Files.createFile(dir.resolve("last.ckpt"));
        // doc:dckd-star
        List<LossTerm> star = Dckd.star()                  // + lcr (weight 1), dukd_zoom_in, dukd_zoom_out
                .optEncoder(VqganEncoderConfig.builder().setCheckpoint(ckpt).build())
                .build();
        // doc:end
        List<LossTermConfig> recipe = org.dckd.losses.testing.LossesYaml.ofRunConfig(
                Path.of("..", "configs", "swinir", "swinir_x2_dckd_star.yaml"),
                "weights/vqgan_imagenet_f16_1024/last.ckpt", ckpt.toString());
        assertSame(recipe, Dckd.star().optEncoder(VqganEncoderConfig.builder().setCheckpoint(ckpt).build())
                .configs(), star);
        assertEquals(Dckd.star().configs(), Dckd.defaults().optLabelConsistency(true).optDataUpcycling(true)
                .configs());
    }

    @Test
    void dckdCpuRecipe() {
        // doc:dckd-cpu
        List<LossTerm> cpu = Dckd.defaults()
                .optHistory(HistoryConfig.builder().optSteps(List.of(100L)).build())
                .optCodebook(CodebookConfig.builder().optSize(64).build())
                .build();
        // doc:end
        List<LossTermConfig> recipe = org.dckd.losses.testing.LossesYaml.ofRunConfig(
                Path.of("..", "configs", "cpu", "cbsd68_rlfn_x4_dckd.yaml"));
        assertSame(recipe, Dckd.defaults().optHistory(HistoryConfig.builder().optSteps(List.of(100L)).build())
                .optCodebook(CodebookConfig.builder().optSize(64).build()).configs(), cpu);
    }

    @Test
    void dckdWithEveryChange() {
        // doc:dckd-options
        List<LossTerm> terms = Dckd.defaults()
                .optHrWeight(0.5f)
                .optTeacherWeight(0.5f)
                .optDcrWeight(0.2f)
                .optDmmWeight(0.01f)
                .optEncoder(RandomEncoderConfig.builder().optChannels(List.of(16, 16, 32, 32, 64)).build())
                .optNegatives(3)
                .optCleanNegative(false)
                .optHistory(HistoryConfig.builder()
                        .optSource(HistoryConfig.Source.STUDENT).optAlpha(0.2f)
                        .optSteps(List.of(500L, 1000L)).optStageLength(50_000L).build())
                .optDegradation(DegradationConfig.builder()
                        .optBlurProb(0.5).optResizeProb(0.5).optNoiseSigma(List.of(1.0, 15.0)).build())
                .optCodebook(CodebookConfig.builder().optSize(128).optKmeansBatches(2).optSeed(7L).build())
                .optTau(2f)
                .optDmmMode(Mode.PAPER)
                .optDcr(dcr -> dcr.optEps(1e-6f).optChunkMb(0))
                .optDmm(dmm -> dmm.optName("l_dmm"))
                .build();
        // doc:end
        List<LossTermConfig> yaml = yaml("""
                  - {type: l1, weight: 0.5}
                  - {type: l1, target: teacher, weight: 0.5}
                  - type: dcr
                    weight: 0.2
                    encoder: {type: random, channels: [16, 16, 32, 32, 64]}
                    negatives: 3
                    clean_negative: false
                    history: {source: student, alpha: 0.2, steps: [500, 1000], stage_length: 50000}
                    degradation: {blur_prob: 0.5, resize_prob: 0.5, noise_sigma: [1, 15]}
                    eps: 1.0e-6
                    chunk_mb: 0
                  - type: dmm
                    name: l_dmm
                    weight: 0.01
                    encoder: {type: random, channels: [16, 16, 32, 32, 64]}
                    codebook: {size: 128, kmeans_batches: 2, seed: 7}
                    tau: 2
                    mode: paper
                """);
        assertEquals(yaml.stream().map(c -> c.build().name()).toList(), terms.stream().map(LossTerm::name).toList());
        assertEquals(yaml.get(2), assertInstanceOf(ContrastiveRegularization.class, terms.get(2)).config());
        assertEquals(yaml.get(3), assertInstanceOf(DistributionMapping.class, terms.get(3)).config());
        assertEquals(yaml.stream().map(c -> c.build().weight()).toList(),
                terms.stream().map(LossTerm::weight).toList());
    }

    @Test
    void singleDckdTerms() {
        // doc:dcr-dmm
        LossTerm dcr = ContrastiveRegularization.builder()                   // - {type: dcr, negatives: 3}
                .optNegatives(3)
                .build();
        LossTerm dmm = DistributionMapping.builder()                         // - {type: dmm, tau: 0.5,
                .optTau(0.5f)                                                //    codebook: {source: kmeans, size: 64}}
                .optCodebook(CodebookConfig.builder()
                        .optSource(CodebookConfig.Source.KMEANS).optSize(64).build())
                .build();
        // doc:end
        List<LossTermConfig> yaml = yaml("""
                  - {type: dcr, negatives: 3}
                  - {type: dmm, tau: 0.5, codebook: {source: kmeans, size: 64}}
                """);
        assertEquals(yaml.get(0), ((ContrastiveRegularization) dcr).config());
        assertEquals(yaml.get(1), ((DistributionMapping) dmm).config());
    }
}
