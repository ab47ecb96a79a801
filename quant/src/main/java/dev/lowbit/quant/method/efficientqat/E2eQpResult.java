package dev.lowbit.quant.method.efficientqat;

/** E2E-QP outcome: mean loss of the first and last 8 steps, held-out next-token loss before and after, time, steps. */
public record E2eQpResult(double firstLoss, double lastLoss, double valBefore, double valAfter, double seconds, long steps) {}
