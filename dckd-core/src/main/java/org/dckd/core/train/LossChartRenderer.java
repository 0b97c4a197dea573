package org.dckd.core.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The XChart code of {@link LossChart}, in a class of its own so that nothing loads XChart unless it is on the class
 * path.
 */
final class LossChartRenderer {

    private LossChartRenderer() {}

    /**
     * Draws {@code losses.png} (terms) and {@code validation.png} (PSNR) into the run folder, atomically.
     *
     * @param metrics the metrics.csv file
     * @param validation the validation.csv file
     * @param dir where to write the PNGs
     */
    static void write(Path metrics, Path validation, Path dir) throws IOException {
        List<String> lines = Files.exists(metrics) ? Files.readAllLines(metrics) : List.of();
        if (lines.size() >= 2) {
            String[] header = lines.get(0).split(",");
            XYChart chart = new XYChartBuilder().width(900).height(500).title("Training loss terms")
                    .xAxisTitle("iteration").yAxisTitle("value (unweighted)").build();
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
            chart.getStyler().setMarkerSize(0);
            for (int c = 2; c < header.length - 2; c++) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (String l : lines.subList(1, lines.size())) {
                    String[] f = l.split(",");
                    double v = Double.parseDouble(f[c]);
                    if (v > 0 && Double.isFinite(v)) {
                        x.add(Double.parseDouble(f[0]));
                        y.add(v);
                    }
                }
                if (!x.isEmpty()) {
                    chart.addSeries(header[c], x, y);
                }
            }
            save(chart, dir.resolve("losses.png"));
        }
        List<String> vlines = Files.exists(validation) ? Files.readAllLines(validation) : List.of();
        if (vlines.size() >= 2) {
            Map<String, List<double[]>> bySet = new LinkedHashMap<>();
            for (String l : vlines.subList(1, vlines.size())) {
                String[] f = l.split(",");
                bySet.computeIfAbsent(f[1], k -> new ArrayList<>())
                        .add(new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[2])});
            }
            XYChart chart = new XYChartBuilder().width(900).height(400).title("Validation (Y-PSNR, EMA weights)")
                    .xAxisTitle("iteration").yAxisTitle("PSNR (dB)").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
            bySet.forEach((set, pts) -> chart.addSeries(set, pts.stream().mapToDouble(p -> p[0]).toArray(),
                    pts.stream().mapToDouble(p -> p[1]).toArray()));
            save(chart, dir.resolve("validation.png"));
        }
    }

    private static void save(XYChart chart, Path file) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp.png");
        BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
