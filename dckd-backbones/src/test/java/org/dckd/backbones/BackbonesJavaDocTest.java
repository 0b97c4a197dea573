package org.dckd.backbones;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.djl.ndarray.NDManager;

import org.dckd.backbones.catalog.Backbones;
import org.dckd.backbones.imdn.ImdnConfig;
import org.dckd.backbones.rcan.Rcan;
import org.dckd.backbones.rcan.RcanConfig;
import org.dckd.backbones.rcan.RcanOriginalCheckpoints;
import org.dckd.backbones.rlfn.Rlfn;
import org.dckd.backbones.rlfn.RlfnConfig;
import org.dckd.backbones.lipt.LiptConfig;
import org.dckd.backbones.span.SpanConfig;
import org.dckd.backbones.swinir.SwinIrConfig;
import org.dckd.backbones.swinir.SwinIrConfig.Padding;
import org.dckd.backbones.swinir.SwinIrConfig.ResiConnection;
import org.dckd.backbones.swinir.SwinIrConfig.Upsampler;
import org.dckd.checkpoint.Checkpoints;
import org.dckd.checkpoint.StateDict;
import org.dckd.checkpoint.WeightLoader;
import org.dckd.config.ConfigReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java blocks of docs/backbones.md, each next to the YAML network config it stands for: every test builds a
 * config in Java (the code between {@code // doc} markers is what the page shows) and asserts that it equals the
 * record the strict YAML reader makes from the page's YAML block; a test also checks that the page shows the snippets
 * unchanged.
 */
class BackbonesJavaDocTest {

    private static final Path PAGE = Path.of("..", "docs", "backbones.md");

    /** The page's YAML blocks, read as backbone configs, in page order. */
    private static List<BackboneConfig> yamlBlocks() throws IOException {
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(PAGE));
        List<BackboneConfig> configs = new ArrayList<>();
        while (m.find()) {
            configs.add(ConfigReader.yamlMapper().readValue(m.group(1), BackboneConfig.class));
        }
        return configs;
    }

    private static BackboneConfig yaml(String text) throws IOException {
        return ConfigReader.yamlMapper().readValue(text, BackboneConfig.class);
    }

    @Test
    void docsPageShowsTheseSnippets() throws IOException {
        String source = Files.readString(Path.of("src", "test", "java", "org", "dckd", "backbones",
                "BackbonesJavaDocTest.java"));
        String page = Files.readString(PAGE);
        Matcher m = Pattern.compile("// doc:([a-z-]+)\n(.*?)\n\\s*// doc:end", Pattern.DOTALL).matcher(source);
        int snippets = 0;
        while (m.find()) {
            String snippet = m.group(2).stripIndent();
            assertTrue(page.contains("```java\n" + snippet + "\n```"), "docs/backbones.md lacks snippet '"
                    + m.group(1) + "':\n" + snippet);
            snippets++;
        }
        assertEquals(7, snippets);
        assertEquals(6, yamlBlocks().size(), "one Java block per YAML network example (and the RCAN conversion)");
    }

    @Test
    void rlfn() throws IOException {
        // doc:rlfn
        RlfnConfig rlfn = RlfnConfig.builder()      // org.dckd.backbones.rlfn
                .setScale(4)
                .optFeatureChannels(48)             // default 52
                .optMidChannels(48)                 // default = feature channels
                .optBlocks(6)                       // default 6
                .optEsaChannels(16)                 // default 16
                .optInputRange(255)                 // default 255
                .build();
        Rlfn network = RlfnConfig.builder().setScale(4).buildNetwork();  // type: rlfn, scale: 4 (the rlfn preset)
        // doc:end
        assertEquals(yamlBlocks().get(0), rlfn);
        assertEquals(yaml("{type: rlfn, scale: 4}"), network.config());
        assertEquals(Backbones.preset("rlfn", 4), network.config());
    }

    @Test
    void swinir() throws IOException {
        // doc:swinir
        SwinIrConfig swinir = SwinIrConfig.builder()                     // org.dckd.backbones.swinir
                .setScale(2)
                .setEmbedDim(60)
                .setDepths(6, 6, 6, 6)
                .setNumHeads(6, 6, 6, 6)
                .setUpsampler(Upsampler.PIXEL_SHUFFLE_DIRECT)            // PIXEL_SHUFFLE | NEAREST_CONV | NONE
                .optWindowSize(8)
                .optImgSize(64)
                .optMlpRatio(2)
                .optResiConnection(ResiConnection.ONE_CONV)              // ONE_CONV | THREE_CONV
                .optPadding(Padding.REFLECT)                             // REFLECT | MIRROR_TEST
                .build();
        // doc:end
        assertEquals(yamlBlocks().get(1), swinir);
    }

    @Test
    void imdn() throws IOException {
        // doc:imdn
        ImdnConfig imdn = ImdnConfig.builder()      // org.dckd.backbones.imdn; ImdnBaselineConfig.builder() alike
                .setScale(4)
                .optFeatures(64)                    // default 64
                .optBlocks(6)                       // default 6; 8 for ImdnBaselineConfig
                .optDistilled(16)                   // default features / 4
                .optInputRange(1)                   // default 1
                .build();
        // doc:end
        assertEquals(yamlBlocks().get(2), imdn);
        assertEquals(Backbones.preset("imdn", 4), imdn);
    }

    @Test
    void rcan() throws IOException {
        // doc:rcan
        RcanConfig rcan = RcanConfig.builder()      // org.dckd.backbones.rcan
                .setScale(4)
                .optNumFeat(64)                     // default 64
                .optNumGroup(10)                    // default 10
                .optNumBlock(6)                     // default 16 (BasicSR); 20 in the rcan preset
                .optSqueezeFactor(16)               // default 16
                .optResScale(1)                     // default 1
                .optImgRange(255)                   // default 255
                .build();
        Rcan student = RcanConfig.builder().setScale(4).optNumBlock(6).buildNetwork();  // the rcan_student preset
        // doc:end
        assertEquals(yamlBlocks().get(3), rcan);
        assertEquals(Backbones.preset("rcan_student", 4), rcan);
        assertEquals(Backbones.preset("rcan_student", 4), student.config());
    }

    /** The conversion of the original RCAN release, on the reduced file in the release's layout (test resources). */
    @Test
    void rcanOriginalRelease(@TempDir Path dir) throws IOException {
        Path pt = dir.resolve("RCAN_BIX4.pt");
        Path out = dir.resolve("RCAN_BIX4.safetensors");
        try (InputStream in = getClass().getResourceAsStream("/golden/rcan_original_g2_b2_c16_x4.pth")) {
            Files.copy(in, pt);
        }
        // doc:rcan-original
        StateDict release = Checkpoints.read(pt);                    // pt: RCAN_BIX4.pt (yulunzhang/RCAN)
        StateDict converted = RcanOriginalCheckpoints.toBasicSr(release);
        Checkpoints.writeSafetensors(converted, out);                // out: weights/rcan/RCAN_BIX4.safetensors
        // doc:end
        try (NDManager m = NDManager.newBaseManager()) {
            Rcan net = RcanConfig.builder().setScale(4).optNumFeat(16).optNumGroup(2).optNumBlock(2)
                    .optSqueezeFactor(4).buildNetwork();
            net.initialize(m);
            assertEquals(46, WeightLoader.load(net, Checkpoints.read(out)).loaded().size());
        }
    }

    @Test
    void span() throws IOException {
        // doc:span
        SpanConfig span = SpanConfig.builder()      // org.dckd.backbones.span
                .setScale(4)
                .optFeatureChannels(28)             // default 48
                .optBlocks(6)                       // default 6
                .optDeploy(true)                    // default false
                .build();
        SpanConfig training = span.trainingForm();  // the same network with its branches
        // doc:end
        assertEquals(yamlBlocks().get(4), span);
        assertEquals(Backbones.preset("span_ntire2024", 4), span);
        assertEquals(Backbones.preset("span_ntire2024", 4), training.deployForm());
    }

    @Test
    void lipt() throws IOException {
        // doc:lipt
        LiptConfig lipt = LiptConfig.builder()      // org.dckd.backbones.lipt
                .setScale(4)
                .optChannels(24)                    // default 24
                .optMElan(8)                        // default 8
                .optNShare(1)                       // default 1
                .optWindowSizes(List.of(8, 8))      // default [8, 8]
                .optDeploy(true)                    // default false
                .build();
        LiptConfig training = lipt.trainingForm();  // the same network with its DiverseBranchBlocks
        // doc:end
        assertEquals(yamlBlocks().get(5), lipt);
        assertEquals(Backbones.preset("lipt_tiny_deploy", 4), lipt);
        assertEquals(Backbones.preset("lipt_tiny", 4), training);
    }
}
