package dev.lowbit.quant.infer;

/**
 * One generation: at most {@code maxNewTokens} new tokens; temperature 0 is greedy, otherwise
 * softmax(logits / temperature) restricted to the top-p mass, drawn with a generator seeded by {@code seed}.
 * {@code stopAtEos}: end at the model's end-of-sequence token.
 */
public record GenerationConfig(int maxNewTokens, double temperature, double topP, long seed, boolean stopAtEos) {
    public GenerationConfig {
        if (maxNewTokens <= 0) throw new IllegalArgumentException("max new tokens must be > 0, got " + maxNewTokens);
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite value >= 0 (0 = greedy), got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
    }

    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0, 1, 0, true);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
