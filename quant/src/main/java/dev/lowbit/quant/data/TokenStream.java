package dev.lowbit.quant.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The token ids of a corpus laid end to end: each document encoded without special tokens and
 * followed by the end-of-sequence token, documents in file order, cut at a token budget. This is
 * steps 1-3 of the project's evaluation protocol (fixtures/README.md) before windowing.
 */
public final class TokenStream {
    /** No token budget: keep every token. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    // Documents go to the native tokenizer in batches: big enough to keep its threads busy, small
    // enough that encoding stops soon after the budget is reached.
    private static final int BATCH_DOCUMENTS = 256;
    private static final int BATCH_CHARS = 1 << 20;

    private final int[] tokens;
    private final String source;

    private TokenStream(int[] tokens, String source) {
        this.tokens = tokens;
        this.source = source;
    }

    /** Wraps existing ids (copied); {@code source} names them in messages. */
    public static TokenStream of(int[] tokens, String source) {
        return new TokenStream(tokens.clone(), source);
    }

    /**
     * Reads a data file ({@link DocumentReader#open}: blank-line separated text, or JSONL) and keeps
     * its first {@code maxTokens} tokens.
     *
     * @throws DataFileException when the file is empty or holds no document
     */
    public static TokenStream fromFile(TextTokenizer tokenizer, Path file, int maxTokens) throws IOException {
        if (Files.size(file) == 0) {
            throw new DataFileException(file, "the data file is empty");
        }
        try (DocumentReader documents = DocumentReader.open(file)) {
            TokenStream stream = fromDocuments(tokenizer, documents, maxTokens);
            if (stream.length() == 0) {
                throw new DataFileException(file, "the data file holds no document");
            }
            return stream;
        }
    }

    /** The stream of in-memory text split on blank lines ({@code "\n\n"}). */
    public static TokenStream fromText(TextTokenizer tokenizer, String text, int maxTokens) throws IOException {
        try (DocumentReader documents = DocumentReader.ofText(text)) {
            return fromDocuments(tokenizer, documents, maxTokens);
        }
    }

    /** Encodes documents until they run out or {@code maxTokens} tokens are kept. */
    public static TokenStream fromDocuments(TextTokenizer tokenizer, DocumentReader documents, int maxTokens)
            throws IOException {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0: " + maxTokens);
        }
        int eos = tokenizer.eosId().orElseThrow(() -> new IllegalStateException("tokenizer "
                + tokenizer.file() + " defines no end-of-sequence token to end documents with"));
        Builder builder = new Builder(maxTokens, eos);
        List<String> batch = new ArrayList<>();
        long batchChars = 0;
        String document;
        while (!builder.full() && (document = documents.next()) != null) {
            batch.add(document);
            batchChars += document.length();
            if (batch.size() >= BATCH_DOCUMENTS || batchChars >= BATCH_CHARS) {
                builder.addAll(tokenizer.encodeAll(batch, false));
                batch.clear();
                batchChars = 0;
            }
        }
        if (!batch.isEmpty() && !builder.full()) {
            builder.addAll(tokenizer.encodeAll(batch, false));
        }
        return new TokenStream(builder.toArray(), documents.source());
    }

    public int length() {
        return tokens.length;
    }

    public int get(int index) {
        return tokens[index];
    }

    /** A copy of the ids. */
    public int[] toArray() {
        return tokens.clone();
    }

    /** What the tokens come from, for messages. */
    public String source() {
        return source;
    }

    /** {@link TokenWindows#consecutive}: non-overlapping windows in order, the rest dropped. */
    public TokenWindows windows(int seq) {
        return TokenWindows.consecutive(this, seq);
    }

    /** {@link TokenWindows#sampled}: {@code count} windows at seeded random offsets. */
    public TokenWindows sample(int count, int seq, long seed) {
        return TokenWindows.sampled(this, count, seq, seed);
    }

    /** Copies {@code length} ids from {@code from} into {@code target} at {@code at}. */
    void copyTo(int from, int[] target, int at, int length) {
        System.arraycopy(tokens, from, target, at, length);
    }

    @Override
    public String toString() {
        return "TokenStream[" + tokens.length + " tokens from " + source + "]";
    }

    /** Growable id buffer that stops at the budget. */
    private static final class Builder {
        private final int max;
        private final int[] eosOnly;
        private int[] ids = new int[1 << 16];
        private int size;

        Builder(int max, int eos) {
            this.max = max;
            this.eosOnly = new int[] {eos};
        }

        boolean full() {
            return size >= max;
        }

        void addAll(List<int[]> documents) {
            for (int[] document : documents) {
                add(document);
                add(eosOnly);
            }
        }

        private void add(int[] part) {
            int n = Math.min(part.length, max - size);
            if (n <= 0) {
                return;
            }
            if (size + n > ids.length) {
                long grown = Math.max((long) size + n, 2L * ids.length);
                ids = Arrays.copyOf(ids, (int) Math.min(grown, Math.min(max, Integer.MAX_VALUE - 8)));
            }
            System.arraycopy(part, 0, ids, size, n);
            size += n;
        }

        int[] toArray() {
            return Arrays.copyOf(ids, size);
        }
    }
}
