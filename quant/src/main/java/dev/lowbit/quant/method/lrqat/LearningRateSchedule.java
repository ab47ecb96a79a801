package dev.lowbit.quant.method.lrqat;

/** Linear warmup over the first {@code warmupFraction} of the steps, then linear decay to 0 at the last step. */
public record LearningRateSchedule(int steps, double warmupFraction) {
    /** Multiplier of the peak learning rate for step {@code step} (1-based). */
    public double factor(int step) {
        if (step < 1 || step > steps) throw new IllegalArgumentException("step " + step + " outside 1.." + steps);
        int warmup = (int) Math.ceil(warmupFraction * steps);
        if (step <= warmup) return (double) step / warmup;
        int decaySteps = steps - warmup;
        return decaySteps <= 0 ? 1.0 : (double) (steps - step + 1) / decaySteps;
    }
}
