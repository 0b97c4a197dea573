package org.dckd.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import ai.djl.ndarray.NDManager;

import org.dckd.backbones.catalog.Backbones;
import org.dckd.backbones.SrBackbone;
import org.dckd.core.model.BackboneLoader;
import org.dckd.data.benchmark.BenchmarkSet;
import org.dckd.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The foundation's acceptance test: with the official weights, our whole pipeline (checkpoint import, network,
 * inference, Y-channel PSNR/SSIM) reproduces the per-image reference table computed with PyTorch 1.13, on Set5 and
 * Set14 with the shipped LR images, within 0.005 dB and 0.0005 SSIM per image. The NTIRE 2024 winner SPAN (official
 * team38 weights, input [0, 1], no de-normalisation) is checked against its own table,
 * {@code golden_esr/span_metrics_per_image_x4.csv}, made with the same protocol.
 */
class OfficialWeightsMetricsTest {

    private static final double PSNR_TOLERANCE = 0.005;
    private static final double SSIM_TOLERANCE = 0.0005;
    private static final String METRICS = "data/reference/metrics_per_image_x4.csv";

    static Stream<Arguments> checkpoints() {
        return Stream.of(
                Arguments.of("rlfn_x4", "rlfn", "data/weights/rlfn_official/rlfn_x4.pth", METRICS),
                Arguments.of("rlfn_s_x4", "rlfn_s", "data/weights/rlfn_official/rlfn_s_x4.pth", METRICS),
                Arguments.of("rlfn_ntire_x4", "rlfn_ntire", "data/weights/rlfn_official/rlfn_ntire_x4.pth", METRICS),
                Arguments.of("IMDN_x4", "imdn", "data/weights/imdn_official/IMDN_x4.pth", METRICS),
                Arguments.of("imdn_baseline", "imdn_baseline", "data/weights/ntire2022_esr/imdn_baseline.pth",
                        METRICS),
                Arguments.of("span_ch28_ntire2024", "span_ntire2024",
                        "data/reference/golden_esr/team38_span_ch28_slim.pth",
                        "data/reference/golden_esr/span_metrics_per_image_x4.csv"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void reproducesThePerImageReferenceMetrics(String csvModel, String preset, String weights, String csv)
            throws IOException {
        Map<String, double[]> expected = reference(csv, csvModel);
        Path weightsFile = SharedData.require(weights);
        List<String> report = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            SrBackbone net = BackboneLoader.build(Backbones.preset(preset, 4), weightsFile, manager);
            SuperResolver resolver = SuperResolver.builder().setNetwork(net).build();
            int compared = 0;
            for (String set : new String[] {"Set5", "Set14"}) {
                BenchmarkSet bench = BenchmarkSet.open(SharedData.require("data/benchmarks/" + set), 4);
                assertEquals(0, bench.generatedCount(), "the shipped LR images must be used");
                for (ImageScore s : BenchmarkEvaluator.score(resolver, bench, manager, x -> { })) {
                    double[] ref = expected.get(set + "/" + s.name());
                    assertTrue(ref != null, "no reference row for " + set + "/" + s.name());
                    report.add(String.format(Locale.ROOT, "%s %s/%s psnr %.4f (ref %.4f) ssim %.5f (ref %.5f)",
                            csvModel, set, s.name(), s.psnr(), ref[0], s.ssim(), ref[1]));
                    assertEquals(ref[0], s.psnr(), PSNR_TOLERANCE, () -> String.join("\n", report));
                    assertEquals(ref[1], s.ssim(), SSIM_TOLERANCE, () -> String.join("\n", report));
                    compared++;
                }
            }
            assertEquals(expected.size(), compared, "every reference image must be evaluated");
        }
        report.forEach(System.out::println);
    }

    /** Rows of a per-image metrics CSV ({@code metrics_per_image_x4.csv} layout) for one model: "Set/image" -> {psnr_y, ssim_y}. */
    private static Map<String, double[]> reference(String csv, String model) throws IOException {
        List<String> lines = Files.readAllLines(SharedData.require(csv));
        String[] header = lines.get(0).split(",");
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            col.put(header[i], i);
        }
        Map<String, double[]> out = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            if (f[col.get("model")].equals(model)) {
                out.put(f[col.get("set")] + "/" + f[col.get("image")], new double[] {
                    Double.parseDouble(f[col.get("psnr_y")]), Double.parseDouble(f[col.get("ssim_y")])});
            }
        }
        assertEquals(19, out.size(), "reference rows for " + model);
        return out;
    }
}
