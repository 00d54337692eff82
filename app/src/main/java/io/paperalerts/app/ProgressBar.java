package io.paperalerts.app;

import io.paperalerts.streams.backfill.Backfill;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Progress of a long read: a bar redrawn in place on a terminal (papers read, papers/s, time
 * left), or a plain line every few seconds when the output is a file or a pipe.
 */
final class ProgressBar implements Backfill.Progress {

    private static final int WIDTH = 30;
    private static final long LOG_EVERY_NANOS = 5_000_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private long lastLine = -LOG_EVERY_NANOS;
    private boolean drawn;

    ProgressBar(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void update(long read, long total, Duration elapsed) {
        double seconds = Math.max(1e-3, elapsed.toNanos() / 1e9);
        double rate = read / seconds;
        String eta = rate <= 0 || read >= total ? "0s" : format(Duration.ofSeconds((long) ((total - read) / rate)));
        String counts = String.format("%,d/%,d papers, %,.0f papers/s, ETA %s", read, total, rate, eta);
        if (terminal) {
            int filled = total == 0 ? WIDTH : (int) (WIDTH * Math.min(1.0, (double) read / total));
            out.printf(
                    "\r[%s%s] %3d%% %s",
                    "#".repeat(filled),
                    ".".repeat(WIDTH - filled),
                    total == 0 ? 100 : (int) (100 * Math.min(1.0, (double) read / total)),
                    counts);
            drawn = true;
        } else if (elapsed.toNanos() - lastLine >= LOG_EVERY_NANOS || read >= total) {
            out.println("backfill: " + counts);
            lastLine = elapsed.toNanos();
        }
        out.flush();
    }

    /** Ends the bar's line, so what is printed next starts on its own. */
    void finish() {
        if (drawn) {
            out.println();
            out.flush();
        }
    }

    static String format(Duration duration) {
        long s = duration.toSeconds();
        return s >= 3600
                ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
