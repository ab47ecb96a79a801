package dev.lowbit.quant.method.vptq;

import java.util.Locale;

/**
 * VPTQ settings (specs/vptq.md).
 *
 * @param vectorLen       v
 * @param codebook        k, a power of two
 * @param resCodebook     k_r (power of two), 0 for none
 * @param outlierPercent  share of input columns (after act-order) with their own codebook, 0..50
 * @param outlierCodebook k0 (power of two) when outlierPercent > 0
 * @param groups          G, column groups with their own codebooks
 * @param norm            per-input-column normalization
 * @param actOrder        act-order permutation by descending Hessian diagonal
 * @param kmeansIters     k-means iterations (100)
 * @param kmeansTol       relative objective change that stops k-means (1e-5)
 * @param seed            seed of the k-means seeding
 * @param finetuneSteps   layer-wise fine-tuning steps of the codebooks (0: none)
 */
public record VptqConfig(int vectorLen, int codebook, int resCodebook, double outlierPercent, int outlierCodebook, int groups,
                         boolean norm, boolean actOrder, int kmeansIters, double kmeansTol, long seed, int finetuneSteps) {
    public static final int OUTLIER_VECTOR_LEN = 4;
    public static final int BLOCK_SIZE = 128;
    public static final double DAMP = 0.01;
    public static final double FINETUNE_LR = 2e-3;

    /** Without fine-tuning. */
    public VptqConfig(int vectorLen, int codebook, int resCodebook, double outlierPercent, int outlierCodebook, int groups,
                      boolean norm, boolean actOrder, int kmeansIters, double kmeansTol, long seed) {
        this(vectorLen, codebook, resCodebook, outlierPercent, outlierCodebook, groups, norm, actOrder, kmeansIters, kmeansTol, seed, 0);
    }

    public VptqConfig {
        if (vectorLen < 1 || vectorLen > 32) throw new IllegalArgumentException("vector length " + vectorLen + " (expected 1..32)");
        requirePowerOfTwo("codebook", codebook);
        if (resCodebook != 0) requirePowerOfTwo("residual codebook", resCodebook);
        if (!(outlierPercent >= 0 && outlierPercent <= 50)) {
            throw new IllegalArgumentException("outlier percentage " + outlierPercent + " (expected 0..50)");
        }
        if (outlierPercent > 0) requirePowerOfTwo("outlier codebook", outlierCodebook);
        if (groups < 1) throw new IllegalArgumentException("groups " + groups + " (expected >= 1)");
        if (kmeansIters < 0) throw new IllegalArgumentException("k-means iterations " + kmeansIters + " (expected >= 0)");
        if (!(kmeansTol >= 0)) throw new IllegalArgumentException("k-means tolerance " + kmeansTol + " (expected >= 0)");
        if (finetuneSteps < 0) throw new IllegalArgumentException("fine-tuning steps " + finetuneSteps + " (expected >= 0)");
        int bits = log2(codebook) + (resCodebook > 0 ? log2(resCodebook) : 0);
        if (bits > 32) throw new IllegalArgumentException("log2(codebook) + log2(residual codebook) = " + bits + " > 32 bits");
    }

    private static void requirePowerOfTwo(String what, int k) {
        if (k < 2 || Integer.bitCount(k) != 1 || k > (1 << 24)) {
            throw new IllegalArgumentException(what + " size " + k + " (expected a power of two, 2..2^24)");
        }
    }

    static int log2(int k) {
        return Integer.numberOfTrailingZeros(k);
    }

    /** Outlier columns of a layer with {@code in} input columns (at most in - groups). */
    public int outlierColumns(int in) {
        int o = (int) Math.round(in * outlierPercent / 100.0);
        return Math.max(0, Math.min(o, in - groups));
    }

    public String label() {
        String s = "v" + vectorLen + "k" + codebook + (resCodebook > 0 ? "+" + resCodebook : "");
        if (outlierPercent > 0) s += String.format(Locale.ROOT, " o%.1f%%k%d", outlierPercent, outlierCodebook);
        if (groups > 1) s += " g" + groups;
        if (finetuneSteps > 0) s += " ft" + finetuneSteps;
        return s;
    }
}
