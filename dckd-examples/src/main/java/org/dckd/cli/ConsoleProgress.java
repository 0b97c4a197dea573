package org.dckd.cli;

import java.io.PrintWriter;
import java.util.Locale;

import org.dckd.data.prepare.ProgressListener;

/**
 * Renders the library's progress reports as a progress bar on the error stream: redrawn in place (at most ten times
 * a second) on a terminal, or as a line every ten seconds when the output is a file or pipe; each step ends with a
 * summary line (amount, time, rate).
 */
final class ConsoleProgress implements ProgressListener {

    private static final int WIDTH = 28;

    private final PrintWriter err;
    private final boolean terminal;
    private final long redrawNanos;
    private String task;
    private String unit;
    private long total;
    private long done;
    private long start;
    private long lastDraw;
    private boolean drawn;

    /**
     * Creates a renderer.
     *
     * @param err where to draw
     * @param terminal whether {@code err} is a terminal (redraw in place) rather than a file or pipe
     */
    ConsoleProgress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
        this.redrawNanos = terminal ? 100_000_000L : 10_000_000_000L;
    }

    /**
     * A renderer for a command's error stream; it redraws in place only when the process has a console.
     *
     * @param err the command's error writer
     * @return the renderer
     */
    static ConsoleProgress forCommand(PrintWriter err) {
        return new ConsoleProgress(err, System.console() != null);
    }

    @Override
    public synchronized void started(String newTask, long newTotal, String newUnit) {
        task = newTask;
        total = newTotal;
        unit = newUnit;
        done = 0;
        start = System.nanoTime();
        lastDraw = start;
        drawn = false;
        if (!terminal) {
            err.println(task + (total >= 0 ? " (" + amount(total) + ")" : "") + " ...");
            err.flush();
        }
    }

    @Override
    public synchronized void advanced(long newDone) {
        done = newDone;
        long now = System.nanoTime();
        if (now - lastDraw >= redrawNanos) {
            lastDraw = now;
            draw(now);
        }
    }

    @Override
    public synchronized void finished() {
        long now = System.nanoTime();
        double seconds = (now - start) / 1e9;
        if (terminal && drawn) {
            err.print("\r\033[2K");
        }
        err.printf(Locale.ROOT, "%s: %s in %.1f s%s%n", task, amount(done), seconds,
                seconds > 0.05 && done > 0 ? " (" + rate(done / seconds) + "/s)" : "");
        err.flush();
    }

    private void draw(long now) {
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder sb = new StringBuilder();
        if (terminal) {
            sb.append('\r');
        }
        sb.append(task).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, WIDTH * done / total);
            sb.append('[').append("=".repeat(filled)).append(filled < WIDTH ? ">" : "")
                    .append(" ".repeat(Math.max(0, WIDTH - filled - 1))).append("] ");
            sb.append(String.format(Locale.ROOT, "%3d%% ", 100 * done / total));
            sb.append(number(done)).append('/').append(amount(total));
            if (rate > 0 && done < total) {
                long eta = (long) ((total - done) / rate);
                sb.append(String.format(Locale.ROOT, ", ETA %d:%02d", eta / 60, eta % 60));
            }
        } else {
            sb.append(amount(done));
        }
        if (terminal) {
            sb.append("\033[K");
            err.print(sb);
        } else {
            err.println(sb);
        }
        err.flush();
        drawn = true;
    }

    /** A rate with its unit, e.g. {@code 2.35 steps} or {@code 48.1 MB}. */
    private String rate(double perSecond) {
        if ("bytes".equals(unit)) {
            return String.format(Locale.ROOT, "%.1f MB", perSecond / 1048576.0);
        }
        return String.format(Locale.ROOT, perSecond < 10 ? "%.2f %s" : "%.0f %s", perSecond, unit);
    }

    /** An amount with its unit: bytes as MB, anything else as a count ({@code 120 images}). */
    private String amount(long n) {
        return "bytes".equals(unit) ? number(n) + " MB" : number(n) + " " + unit;
    }

    /** The number alone: MB with one decimal for bytes. */
    private String number(long n) {
        if (n < 0) {
            return "?";
        }
        return "bytes".equals(unit) ? String.format(Locale.ROOT, "%.1f", n / 1048576.0) : Long.toString(n);
    }
}
