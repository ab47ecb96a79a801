package dev.lowbit.quant.eval;

import dev.lowbit.quant.data.EvaluationProtocol;
import dev.lowbit.quant.data.TextTokenizer;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.model.LlamaModel;
import dev.lowbit.quant.progress.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Perplexity by the project's protocol (fixtures/README.md): exp of the mean negative log-likelihood
 * of tokens 1..seq-1 of every window, each given the tokens before it in the same window.
 */
public final class Perplexity {
    public static final int DEFAULT_BATCH_SIZE = 8;

    /** @param tokensScored windows * (seq - 1) */
    public record Result(double perplexity, long tokensScored, int windows, double seconds) {
        public double meanNll() {
            return Math.log(perplexity);
        }

        public double tokensPerSecond() {
            return seconds > 0 ? tokensScored / seconds : Double.POSITIVE_INFINITY;
        }
    }

    private Perplexity() {}

    /** The first 600,000 tokens of {@code file} in windows of 512 ({@link EvaluationProtocol}). */
    public static Result evaluate(LlamaModel model, TextTokenizer tokenizer, Path file, int batchSize,
                                  ProgressListener listener) throws IOException {
        return evaluate(model, EvaluationProtocol.windows(tokenizer, file), batchSize, listener);
    }

    public static Result evaluate(LlamaModel model, TokenWindows windows, int batchSize, ProgressListener listener) {
        if (windows.seq() < 2) {
            throw new IllegalArgumentException("windows of " + windows.seq() + " token(s) leave nothing to score (expected >= 2)");
        }
        if (windows.rows() == 0) throw new IllegalArgumentException("no windows to score");
        long start = System.nanoTime();
        float[] nll = model.tokenNll(windows, batchSize, listener);
        double seconds = (System.nanoTime() - start) / 1e9;
        double sum = 0;
        for (float v : nll) sum += v;
        return new Result(Math.exp(sum / nll.length), nll.length, windows.rows(), seconds);
    }
}
