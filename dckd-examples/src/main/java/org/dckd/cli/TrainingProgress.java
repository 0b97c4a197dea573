package org.dckd.cli;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import org.dckd.core.distill.StepResult;
import org.dckd.core.train.CheckpointStore;
import org.dckd.core.train.MetricsLog;
import org.dckd.core.train.TrainingHooks;

/** Renders training progress on the console: iteration, it/s, ETA, each loss term, the last validation PSNR. */
final class TrainingProgress implements TrainingHooks, AutoCloseable {

    private final String task;
    private final java.io.PrintWriter log;
    private ProgressBar bar;
    private String lastValidation = "";

    TrainingProgress(String task, java.io.PrintWriter log) {
        this.task = task;
        this.log = log;
    }

    @Override
    public void onStep(StepResult step, long total) {
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(1000).showSpeed().setUnit(" it", 1)
                    .startsFrom(step.iteration() - 1, Duration.ZERO).continuousUpdate().build();
        }
        bar.stepTo(step.iteration());
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Float> e : step.terms().entrySet()) {
            sb.append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.4g", e.getValue())).append(' ');
        }
        bar.setExtraMessage(" " + sb + lastValidation);
    }

    @Override
    public void onValidation(long iteration, List<MetricsLog.ValidationRow> rows, boolean best) {
        MetricsLog.ValidationRow r = rows.get(0);
        lastValidation = String.format(Locale.ROOT, "| %s %.3f dB%s", r.set(), r.psnr(), best ? " (best)" : "");
    }

    @Override
    public void onCheckpoint(CheckpointStore.Saved saved) {
        if (bar == null) {
            log.println("saved " + saved.directory());
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
