package dev.lowbit.quant.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The project's perplexity data protocol (fixtures/README.md): documents split on blank lines, each
 * encoded without special tokens and followed by end-of-sequence, the first 600,000 tokens kept and
 * cut into non-overlapping windows of 512.
 */
public final class EvaluationProtocol {
    public static final int MAX_TOKENS = 600_000;
    public static final int SEQ_LEN = 512;

    private EvaluationProtocol() {
    }

    public static TokenWindows windows(TextTokenizer tokenizer, Path file) throws IOException {
        return windows(tokenizer, file, MAX_TOKENS, SEQ_LEN);
    }

    /** @throws DataFileException when the file is empty or yields fewer tokens than one window */
    public static TokenWindows windows(TextTokenizer tokenizer, Path file, int maxTokens, int seq)
            throws IOException {
        TokenStream stream = TokenStream.fromFile(tokenizer, file, maxTokens);
        if (stream.length() < seq) {
            throw new DataFileException(file, "yields " + stream.length()
                    + " tokens, fewer than one window of " + seq);
        }
        return stream.windows(seq);
    }
}
