package dev.lowbit.quant.method.lrqat;

/** Per-step reports of an LR-QAT run (core code prints nothing). Called on the caller's thread of {@code quantize}. */
public interface TrainingListener {
    TrainingListener NONE = (step, steps, stats, lrAb, lrScales) -> {};

    /** After step {@code step} of {@code steps}; {@code stats} is null on steps whose loss was not read back. */
    void onStep(int step, int steps, LrqatModel.StepStats stats, double lrAb, double lrScales);
}
