package org.dckd.backbones.catalog;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dckd.backbones.DeployConversion;
import org.dckd.backbones.SrBackbone;
import org.dckd.backbones.lipt.LiptConfig;
import org.dckd.backbones.span.SpanConfig;
import org.dckd.nn.TorchModule;
import org.dckd.nn.complexity.ComplexityCounter;
import org.dckd.nn.complexity.OperationCounts;
import org.dckd.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The library's complexity counts equal those of the NTIRE challenges' own counter
 * ({@code golden_esr/efficiency.json}, made by running {@code utils/model_summary.py} on the official networks; see
 * the README there, section 1) for every network the library has, and the published NTIRE 2022 table.
 *
 * <p>Tolerance: none. Every figure is an integer computed from shapes alone (MACs, element counts, call counts), so
 * ours must be equal, not close. The JSON's derived decimals ({@code fvcore_equivalent_G}, 8 decimals) are compared
 * with our integer rounded half-up to the same 8 decimals, and the published table's figures (0.894 M, 58.53 G, ...)
 * with ours rounded half-up to the decimals printed there: the rounding of the table, not a tolerance.
 *
 * <p>Data-driven: each row of the JSON is either the same network as a preset ({@link #PRESET_OF_ROW}, then all its
 * figures are checked) or listed in {@link #AWAITING_BACKBONE} with the reason; a row in neither fails, so a new golden
 * row cannot be skipped silently. Every row of the file is mapped at present.
 */
class NtireEfficiencyGoldenTest {

    private static final String FILE = "data/reference/golden_esr/efficiency.json";

    /** Rows of {@code efficiency.json} whose network is a preset, at x4 (every row is x4) and the row's input. */
    static final Map<String, String> PRESET_OF_ROW = Map.ofEntries(
            Map.entry("rlfn_official_x4", "rlfn"),
            Map.entry("rlfn_s_official_x4", "rlfn_s"),
            Map.entry("rlfn_ntire_official_x4", "rlfn_ntire"),
            Map.entry("ntire2022_team04_rlfn_byteesr", "rlfn_ntire"),      // RLFN_cut: the same network as RLFN_Prune
            Map.entry("ntire2024_team00_rlfn_baseline", "rlfn_ntire"),
            Map.entry("imdn_official_x4", "imdn"),
            Map.entry("ntire2022_imdn_baseline", "imdn_baseline"),
            Map.entry("ntire2024_team38_span_ch28", "span_ntire2024"),
            Map.entry("ntire2024_team39_spantiny_ch26", "span_tiny"),
            Map.entry("span_official_train_form_ch28", "span_ch28_training"),  // counted in its inference (merged) form
            Map.entry("span_official_train_form_ch48", "span_ch48"),
            Map.entry("lipt_tiny_deploy", "lipt_tiny_deploy"),                // at 256x256 and at 180x320
            Map.entry("lipt_small_deploy", "lipt_small_deploy"),
            Map.entry("lipt_small12_deploy", "lipt_small12_deploy"),          // lightx2.yml with m_elan 12
            Map.entry("lipt_tiny_train", "lipt_tiny"));                       // every branch, as eval() runs it

    /**
     * The trainable-parameter figure of these rows is not compared, with the reason: the NTIRE 2024 SPAN inference
     * files (team38/39) declare the merged {@code eval_conv} with {@code requires_grad=False}, an artefact of how they
     * were exported; the library's deploy form keeps its only convolutions trainable (it can be fine-tuned). The total
     * parameter count, which is what the challenge reports, is compared.
     */
    static final Map<String, String> TRAINABLE_NOT_COMPARED = Map.of(
            "ntire2024_team38_span_ch28", "team38 froze eval_conv (15,308 trainable of 150,688)",
            "ntire2024_team39_spantiny_ch26", "team39 froze eval_conv (14,010 trainable of 130,828)");

    /** Rows whose network the library does not count (yet), with what is missing: none at present. */
    static final Map<String, String> AWAITING_BACKBONE = Map.of();

    /**
     * Convolution module types that the golden script left out of its derived {@code conv_macs} (and so out of
     * {@code fvcore_equivalent_G}, which it computes from {@code conv_macs}), though the challenge counter counts them
     * in {@code flops}, {@code activations} and {@code num_conv}. Shown by the {@code lipt_tiny_train} row's own
     * arithmetic: {@code conv_macs} 37,725,732,864 = {@code Conv2d} 37,715,705,856 + {@code MeanShift} 10,027,008,
     * without {@code IdentityBasedConv1x1}'s 1,811,939,328. The library counts every convolution call in
     * {@link OperationCounts#convMacs()}, so these two derived figures are compared less that type's MACs; every
     * figure the challenge counter itself produces is compared as it is.
     */
    static final java.util.Set<String> OUTSIDE_GOLDEN_CONV_MACS = java.util.Set.of("IdentityBasedConv1x1");

    /** Counts per preset and input size: rlfn_ntire serves three rows and the published tables. */
    private static final Map<String, Measured> CACHE = new ConcurrentHashMap<>();
    private static NDManager manager;

    /** What the library measures of one preset at one input. */
    record Measured(long params, long trainable, OperationCounts counts) {}

    @AfterAll
    static void closeManager() {
        if (manager != null) {
            manager.close();
        }
    }

    private static synchronized Measured measure(String preset, int scale, int height, int width) {
        return CACHE.computeIfAbsent(preset + "/x" + scale + "/" + height + "x" + width, k -> {
            if (manager == null) {
                manager = NDManager.newBaseManager();
            }
            try (NDManager m = manager.newSubManager()) {
                SrBackbone net = switch (preset) {
                    case "span_ch28_training" -> SpanConfig.ntire2024(scale).trainingForm().build();
                    case "lipt_small12_deploy" -> LiptConfig.small(scale).toBuilder().optMElan(12).optDeploy(true)
                            .build().build();
                    default -> Backbones.preset(preset, scale).build();
                };
                net.initialize(m);
                // counted as the official eval mode runs it: a training-form SPAN merged, a training-form LIPT with
                // every DiverseBranchBlock branch
                SrBackbone counted = DeployConversion.inferenceForm(net, m);
                OperationCounts c = ComplexityCounter.countForward(counted, m, new Shape(1, 3, height, width));
                return new Measured(net.parameterCount(), TorchModule.trainableParameterCount(net), c);
            }
        });
    }

    private static JsonNode golden() throws IOException {
        return new ObjectMapper().readTree(SharedData.require(FILE).toFile());
    }

    @TestFactory
    Stream<DynamicTest> everyRowOfALibraryNetworkMatchesTheChallengeCounterExactly() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        Set<String> mapped = new HashSet<>();
        for (JsonNode row : golden().get("results")) {
            String id = row.get("id").asText();
            JsonNode input = row.get("input");
            String name = id + " " + input.get(2).asInt() + "x" + input.get(3).asInt();
            String preset = PRESET_OF_ROW.get(id);
            if (preset == null) {
                tests.add(DynamicTest.dynamicTest(name + " (awaiting a backbone)", () -> assertTrue(
                        AWAITING_BACKBONE.containsKey(id), FILE + ": row '" + id + "' is neither mapped to a preset "
                                + "(PRESET_OF_ROW) nor listed as awaiting a backbone (AWAITING_BACKBONE)")));
                continue;
            }
            mapped.add(id);
            tests.add(DynamicTest.dynamicTest(name + " = preset " + preset, () -> checkRow(row, preset)));
        }
        tests.add(DynamicTest.dynamicTest("every mapped row is in the file", () ->
                assertEquals(PRESET_OF_ROW.keySet(), mapped, "rows of PRESET_OF_ROW missing from " + FILE)));
        return tests.stream();
    }

    private static void checkRow(JsonNode row, String preset) {
        JsonNode input = row.get("input");
        assertEquals(1, input.get(0).asInt(), "batch");
        assertEquals(3, input.get(1).asInt(), "channels");
        Measured m = measure(preset, 4, input.get(2).asInt(), input.get(3).asInt());
        OperationCounts c = m.counts();
        Map<String, Long> byType = new LinkedHashMap<>();
        row.get("flops_by_module_type").fields().forEachRemaining(e -> byType.put(e.getKey(), e.getValue().asLong()));
        String id = row.get("id").asText();
        long outsideConvMacs = OUTSIDE_GOLDEN_CONV_MACS.stream()
                .mapToLong(t -> c.convMacsBySubtype().getOrDefault(t, 0L)).sum();
        assertAll(id,
                () -> assertEquals(row.get("params").asLong(), m.params(), "params"),
                () -> {
                    if (!TRAINABLE_NOT_COMPARED.containsKey(id)) {
                        assertEquals(row.get("params_requires_grad").asLong(), m.trainable(), "params_requires_grad");
                    }
                },
                () -> assertEquals(row.get("flops").asLong(), c.ntireFlops(), "flops"),
                () -> assertEquals(row.get("activations").asLong(), c.activations(), "activations"),
                () -> assertEquals(row.get("num_conv").asLong(), c.numConv(), "num_conv"),
                () -> assertEquals(byType, c.flopsByModuleType(), "flops_by_module_type"),
                () -> assertEquals(row.get("conv_macs").asLong(), c.convMacs() - outsideConvMacs, "conv_macs"),
                () -> assertEquals(row.get("bilinear_out_elems").asLong(), c.bilinearOutputElements(),
                        "bilinear_out_elems"),
                () -> assertEquals(row.get("matmul_macs").asLong(), c.matMulMacs(), "matmul_macs"),
                () -> assertEquals(0, row.get("fvcore_equivalent_G").decimalValue()
                        .compareTo(giga(c.fvcoreEquivalentFlops() - outsideConvMacs, 8)),
                        "fvcore_equivalent_G " + row.get("fvcore_equivalent_G") + " vs "
                                + (c.fvcoreEquivalentFlops() - outsideConvMacs)));
    }

    /** {@code n / 10^9}, rounded half-up to {@code decimals}. */
    private static BigDecimal giga(long n, int decimals) {
        return BigDecimal.valueOf(n).movePointLeft(9).setScale(decimals, RoundingMode.HALF_UP);
    }

    /** {@code n / 10^6}, rounded half-up to the decimals of {@code published}. */
    private static BigDecimal mega(long n, BigDecimal published) {
        return BigDecimal.valueOf(n).movePointLeft(6).setScale(published.scale(), RoundingMode.HALF_UP);
    }

    private static void assertTable(String preset, String params, String flops, String activations, int convs) {
        Measured m = measure(preset, 4, 256, 256);
        BigDecimal p = new BigDecimal(params);
        BigDecimal f = new BigDecimal(flops);
        BigDecimal a = new BigDecimal(activations);
        assertAll(preset,
                () -> assertEquals(p, mega(m.params(), p), "params [M]"),
                () -> assertEquals(f, giga(m.counts().ntireFlops(), f.scale()), "FLOPs [G]"),
                () -> assertEquals(a, mega(m.counts().activations(), a), "activations [M]"),
                () -> assertEquals(convs, m.counts().numConv(), "#conv"));
    }

    /** The NTIRE 2022 ESR report's table, as printed (issue 12): IMDN baseline and ByteESR's RLFN. */
    @Test
    void theNtire2022PublishedTable() {
        assertTable("imdn_baseline", "0.894", "58.53", "154.14", 43);
        assertTable("rlfn_ntire", "0.317", "19.70", "80.05", 39);
    }

    /** The {@code published} section of the golden file, at the decimals stored there. */
    @Test
    void thePublishedFiguresOfTheGoldenFile() throws IOException {
        JsonNode published = golden().get("published");
        assertFalse(published.isEmpty(), FILE + ": no 'published' section");
        Map<String, String> presets = Map.of("ntire2022_imdn_baseline", "imdn_baseline",
                "ntire2022_team04_rlfn_byteesr", "rlfn_ntire", "ntire2024_team00_rlfn_baseline", "rlfn_ntire");
        published.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            String preset = presets.get(e.getKey());
            assertTrue(preset != null, FILE + ": published row '" + e.getKey() + "' has no preset in this test");
            Measured m = measure(preset, 4, 256, 256);
            BigDecimal params = v.get("params_M").decimalValue();
            BigDecimal acts = v.get("activations_M").decimalValue();
            assertEquals(params, mega(m.params(), params), e.getKey() + " params_M");
            assertEquals(acts, mega(m.counts().activations(), acts), e.getKey() + " activations_M");
            assertEquals(v.get("num_conv").asLong(), m.counts().numConv(), e.getKey() + " num_conv");
            if (v.has("flops_G")) {
                BigDecimal f = v.get("flops_G").decimalValue();
                assertEquals(f, giga(m.counts().ntireFlops(), f.scale()), e.getKey() + " flops_G");
            }
            if (v.has("flops_G_fvcore")) {
                BigDecimal f = v.get("flops_G_fvcore").decimalValue();
                assertEquals(f, giga(m.counts().fvcoreEquivalentFlops(), f.scale()), e.getKey() + " flops_G_fvcore");
            }
        });
    }

    /** The NTIRE 2024 RLFN baseline's published fvcore FLOPs, 19.67485952 G (results.json of the challenge). */
    @Test
    void theFvcoreFlopsOfTheNtire2024RlfnBaseline() {
        assertEquals(19_674_859_520L, measure("rlfn_ntire", 4, 256, 256).counts().fvcoreEquivalentFlops());
    }
}
