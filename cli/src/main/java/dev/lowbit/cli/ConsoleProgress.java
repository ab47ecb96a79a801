package dev.lowbit.cli;

import dev.lowbit.quant.progress.ProgressListener;
import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn at most every 100 ms. */
final class ConsoleProgress implements ProgressListener {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private String task = "";
    private long total;
    private long startNanos;
    private long lastDraw;

    ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void start(String task, long total) {
        this.task = task;
        this.total = total;
        this.startNanos = System.nanoTime();
        this.lastDraw = 0;
        draw(0, true);
    }

    @Override
    public void advance(long done) {
        draw(done, done >= total);
    }

    @Override
    public void finish(String summary) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.printf("\r\033[2K%s: done in %.1f s%s%n", task, seconds, summary.isEmpty() ? "" : " (" + summary + ")");
        out.flush();
    }

    private void draw(long done, boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < 100_000_000L) return;
        lastDraw = now;
        double seconds = (now - startNanos) / 1e9;
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, WIDTH * done / total);
            out.printf("\r\033[2K%s [%s%s] %d/%d %.1fs", task, "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, seconds);
        } else {
            out.printf("\r\033[2K%s %d %.1fs", task, done, seconds);
        }
        out.flush();
    }
}
