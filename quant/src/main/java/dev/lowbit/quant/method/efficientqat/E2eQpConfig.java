package dev.lowbit.quant.method.efficientqat;

import java.nio.file.Path;

/**
 * EfficientQAT E2E-QP settings (specs/efficientqat.md, "E2E-QP"): only the step sizes train.
 *
 * @param samples        calibration windows (sampled with seed + 1, so they differ from Block-AP's)
 * @param seq            tokens per window
 * @param epochs         passes over the windows
 * @param batch          windows per step
 * @param lr             peak learning rate (paper: 2e-5 at 2 bits, 1e-5 at 3-4 bits), cosine to 0 after warmup
 * @param warmupFraction fraction of the steps with a linear warmup (paper: 0.03)
 * @param maxGradNorm    global gradient-norm clip (paper: 0.3); <= 0 disables it
 * @param loss           KD (default): distillation from the full-precision model's top-k next-token distribution;
 *                       CE: the paper's next-token cross-entropy on the calibration text (adapts the model to the
 *                       calibration domain, which hurt validation perplexity in our GPU runs)
 * @param teacherTopK    k of the teacher's top-k kept per position (KD)
 * @param kdHardWeight   weight of the hard next-token CE mixed into the KD loss, in [0, 1] (0: pure KD)
 * @param text           the text the windows are drawn from; null: Block-AP's calibration text (the paper draws
 *                       its E2E-QP windows from other data than its Block-AP ones)
 */
public record E2eQpConfig(int samples, int seq, int epochs, int batch, double lr, double warmupFraction, double maxGradNorm,
                          Loss loss, int teacherTopK, double kdHardWeight, Path text) {
    /** The E2E-QP training loss. */
    public enum Loss { CE, KD }

    public static final int DEFAULT_TOP_K = 32;

    /** KD with the default top-k and no hard-label term. */
    public E2eQpConfig(int samples, int seq, int epochs, int batch, double lr, double warmupFraction, double maxGradNorm) {
        this(samples, seq, epochs, batch, lr, warmupFraction, maxGradNorm, Loss.KD, DEFAULT_TOP_K, 0);
    }

    /** Windows from Block-AP's calibration text. */
    public E2eQpConfig(int samples, int seq, int epochs, int batch, double lr, double warmupFraction, double maxGradNorm,
                       Loss loss, int teacherTopK, double kdHardWeight) {
        this(samples, seq, epochs, batch, lr, warmupFraction, maxGradNorm, loss, teacherTopK, kdHardWeight, null);
    }

    public E2eQpConfig {
        java.util.Objects.requireNonNull(loss, "loss");
        if (teacherTopK < 1 || !(kdHardWeight >= 0 && kdHardWeight <= 1)) {
            throw new IllegalArgumentException("E2E-QP: need teacher top-k >= 1 and kd alpha in [0, 1]; got k=" + teacherTopK
                    + " alpha=" + kdHardWeight);
        }
        if (samples < 1 || seq < 2 || epochs < 1 || batch < 1 || batch > samples) {
            throw new IllegalArgumentException("E2E-QP: need samples >= 1, seq >= 2, epochs >= 1, 1 <= batch <= samples; got samples="
                    + samples + " seq=" + seq + " epochs=" + epochs + " batch=" + batch);
        }
        if (!(lr >= 0) || warmupFraction < 0 || warmupFraction >= 1) {
            throw new IllegalArgumentException("E2E-QP: lr must be >= 0 and warmup fraction in [0, 1)");
        }
    }

    public static double defaultLr(int bits) {
        return bits == 2 ? 2e-5 : 1e-5;
    }

    /**
     * Default: twice the Block-AP windows (the paper's E2E token count: 4096 x 4096 tokens against Block-AP's
     * 4096 x 2048; on the small fixture, w2g64, 2048 windows reached 38.97 where 1024 stopped at 39.21), their length,
     * 1 epoch, batch 4, 3% warmup, clip 0.3.
     */
    public static E2eQpConfig defaults(EfficientQatConfig blockAp) {
        return new E2eQpConfig(2 * blockAp.samples(), blockAp.seq(), 1, Math.min(4, blockAp.samples()), defaultLr(blockAp.bits()),
                0.03, 0.3);
    }

    public E2eQpConfig withLoss(Loss l, int topK, double hardWeight) {
        return new E2eQpConfig(samples, seq, epochs, batch, lr, warmupFraction, maxGradNorm, l, topK, hardWeight, text);
    }

    /** The same settings with windows drawn from {@code file} (null: Block-AP's calibration text). */
    public E2eQpConfig withText(Path file) {
        return new E2eQpConfig(samples, seq, epochs, batch, lr, warmupFraction, maxGradNorm, loss, teacherTopK, kdHardWeight, file);
    }

    public long steps() {
        return (long) (samples / batch) * epochs;
    }

    /** Linear warmup to lr over the first warmupFraction of the steps, then cosine to 0. */
    public double lrAt(long step) {
        long total = steps();
        long warm = (long) Math.ceil(warmupFraction * total);
        if (step < warm) return lr * (step + 1) / warm;
        double progress = (double) (step - warm) / Math.max(1, total - warm);
        return lr * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
