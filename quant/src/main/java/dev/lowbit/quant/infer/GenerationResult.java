package dev.lowbit.quant.infer;

/**
 * A finished generation: the new text and tokens, why it stopped, and speed. Prefill covers the prompt
 * and the first new token; decode covers every further step (one native call each; the end-of-sequence
 * token, when sampled, is counted as a step but not kept in {@code newIds}). Decode time is wall time from
 * the start of the first decode step to the end of the last one, the text decoding and listener calls
 * between them included: on CUDA a greedy step can be queued before the previous token is read, so the
 * native calls alone would not add up to the time taken.
 */
public record GenerationResult(String text, int[] promptIds, int[] newIds, StopReason stopReason,
                               double prefillSeconds, int decodeSteps, double decodeSeconds) {
    public enum StopReason { EOS, MAX_TOKENS }

    /** Prompt tokens per second of the prefill pass. */
    public double prefillTokensPerSecond() {
        return prefillSeconds > 0 ? promptIds.length / prefillSeconds : 0;
    }

    /** Tokens per second of the decode steps (the tokens after the first new one). */
    public double decodeTokensPerSecond() {
        return decodeSteps > 0 && decodeSeconds > 0 ? decodeSteps / decodeSeconds : 0;
    }
}
