package dev.lowbit.quant.method.efficientqat;

import dev.lowbit.quant.tensor.DType;
import java.util.Locale;

/**
 * EfficientQAT Block-AP settings (specs/efficientqat.md).
 *
 * @param bits         2, 3 or 4
 * @param groupSize    consecutive input columns per scale/zero; <= 0 per output channel
 * @param samples      calibration windows trained on
 * @param seq          tokens per window
 * @param valSamples   held-out windows for the validation MSE after each epoch (0: none)
 * @param epochs       passes over the windows per block
 * @param batch        windows per training step
 * @param lrW          AdamW learning rate of the linear and norm weights (cosine to lrW/20 per block)
 * @param lrQ          learning rate of the scales and zeros (cosine to lrQ/20 per block)
 * @param computeDType F32, BF16 or F16 (loss scaling): the dtype the block runs in; caches are F16 under F16, else BF16
 * @param seed         picks the calibration windows; training itself uses no randomness
 */
public record EfficientQatConfig(int bits, long groupSize, int samples, int seq, int valSamples, int epochs, int batch,
                                 double lrW, double lrQ, DType computeDType, long seed) {
    public EfficientQatConfig {
        if (bits < 2 || bits > 4) throw new IllegalArgumentException("bits must be 2, 3 or 4, got " + bits);
        if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        if (seq < 2) throw new IllegalArgumentException("seq must be >= 2, got " + seq);
        if (valSamples < 0) throw new IllegalArgumentException("val samples must be >= 0, got " + valSamples);
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batch < 1 || batch > samples) {
            throw new IllegalArgumentException("batch must be in [1, samples=" + samples + "], got " + batch);
        }
        if (!(lrW >= 0) || !(lrQ >= 0)) throw new IllegalArgumentException("learning rates must be >= 0");
        if (computeDType != DType.F32 && computeDType != DType.BF16 && computeDType != DType.F16) {
            throw new IllegalArgumentException("compute dtype must be F32, BF16 or F16, got " + computeDType);
        }
    }

    /** The paper's learning rates: lr_w 2e-5 at 2 bits, 1e-5 at 3-4 bits; lr_q 1e-4. */
    public static double defaultLrW(int bits) {
        return bits == 2 ? 2e-5 : 1e-5;
    }

    public static final double DEFAULT_LR_Q = 1e-4;

    /**
     * f32 on the CPU and for models below hidden 1024 on CUDA (there a Block-AP step is launch-bound, so f32 costs
     * little time, and it matched the reference on the small fixture where bf16 fell short by 0.01-0.03 perplexity);
     * bf16 autocast on CUDA for larger models (speed and memory).
     */
    public static DType defaultComputeDType(boolean cuda, int hiddenSize) {
        return cuda && hiddenSize >= 1024 ? DType.BF16 : DType.F32;
    }

    /**
     * Defaults scaled to the model: the paper's 4096 x 2048 for hidden >= 4096; 1024 x 512 for the
     * fixture-sized models (hidden < 1024); 2048 x 1024 between. Batch 2, 2 epochs, 64 validation windows.
     */
    public static EfficientQatConfig defaults(int bits, long groupSize, int hiddenSize, DType compute) {
        int samples = hiddenSize >= 4096 ? 4096 : hiddenSize >= 1024 ? 2048 : 1024;
        int seq = hiddenSize >= 4096 ? 2048 : hiddenSize >= 1024 ? 1024 : 512;
        return new EfficientQatConfig(bits, groupSize, samples, seq, 64, 2, 2, defaultLrW(bits), DEFAULT_LR_Q, compute, 0);
    }

    /** The activation caches' dtype: F16 when training in F16 (as the reference code keeps them), else BF16 for its range. */
    public DType cacheDType() {
        return computeDType == DType.F16 ? DType.F16 : DType.BF16;
    }

    public int stepsPerEpoch() {
        return samples / batch;
    }

    public String label() {
        return "w" + bits + (groupSize > 0 ? "g" + groupSize : "pc");
    }

    /** What a resumed run must agree on. */
    public String fingerprint() {
        return String.format(Locale.ROOT, "bits=%d group=%d samples=%d seq=%d val=%d epochs=%d batch=%d lrW=%s lrQ=%s dtype=%s seed=%d",
                bits, groupSize, samples, seq, valSamples, epochs, batch, lrW, lrQ, computeDType, seed);
    }
}
