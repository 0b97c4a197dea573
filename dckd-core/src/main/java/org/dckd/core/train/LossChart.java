package org.dckd.core.train;

import java.io.IOException;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a run's curves to PNG files with XChart: every loss term (log scale) over iterations ({@code losses.png}),
 * and the validation PSNR of every set ({@code validation.png}). Drawn from {@code metrics.csv} and
 * {@code validation.csv}, so they can be redrawn at any time.
 *
 * <p>XChart is an optional dependency of {@code dckd-core}: the command line brings it; an application that wants the
 * charts adds {@code org.knowm.xchart:xchart} (docs/dependencies.md). Without it the CSV files are written as always
 * and the charts are skipped, with one log line.
 */
public final class LossChart {

    private static final Logger LOG = LoggerFactory.getLogger(LossChart.class);
    private static final boolean AVAILABLE = xchartPresent();
    private static volatile boolean told;

    private LossChart() {}

    /** Whether XChart is on the class path (the charts are drawn only then). */
    public static boolean isAvailable() {
        return AVAILABLE;
    }

    /**
     * Draws {@code losses.png} (terms) and {@code validation.png} (PSNR) into the run folder, atomically, if XChart is
     * on the class path.
     *
     * @param metrics the metrics.csv file
     * @param validation the validation.csv file
     * @param dir where to write the PNGs
     * @return whether the charts were drawn
     * @throws IOException if a file cannot be read or written
     */
    public static boolean write(Path metrics, Path validation, Path dir) throws IOException {
        if (!AVAILABLE) {
            if (!told) {
                told = true;
                LOG.info("Training charts are not drawn: add org.knowm.xchart:xchart to the class path to get "
                        + "losses.png and validation.png (the CSV files are written as always)");
            }
            return false;
        }
        LossChartRenderer.write(metrics, validation, dir);
        return true;
    }

    private static boolean xchartPresent() {
        try {
            Class.forName("org.knowm.xchart.XYChart", false, LossChart.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
