package dev.lowbit.quant.method.efficientqat;

/**
 * E2E-QP outcome: mean loss of the first and last 8 steps this run took, held-out next-token loss before and after
 * (after: NaN when stopped), time, steps of the schedule, and whether it stopped early (checkpointed, not exported).
 */
public record E2eQpResult(double firstLoss, double lastLoss, double valBefore, double valAfter, double seconds, long steps,
                          boolean stopped) {}
