package dev.lowbit.quant.method.lrqat;

import java.util.Locale;

/**
 * The LR-QAT training objective. {@code KD} (default): distillation from the full-precision model, its top-k next-token
 * distribution over a fixed pool of calibration windows, computed once before the down-cast drops the fp weights.
 * {@code CE}: plain next-token loss on the calibration text, which adapts the model to that text's domain (on the
 * small fixture it lowered the calib loss below the fp model's while the validation perplexity rose).
 */
public enum TrainingLoss {
    KD,
    CE;

    public static TrainingLoss parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "kd" -> KD;
            case "ce" -> CE;
            default -> throw new IllegalArgumentException("loss must be kd or ce, got '" + s + "'");
        };
    }
}
