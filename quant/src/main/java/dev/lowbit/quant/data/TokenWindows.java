package dev.lowbit.quant.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A {@code rows x seq} matrix of token ids, row-major in one {@code int[]} so it can be handed to
 * native code as one buffer. {@link #tokens()} is the backing array itself: do not modify it.
 */
public record TokenWindows(int rows, int seq, int[] tokens) {

    public TokenWindows {
        if (rows < 0 || seq <= 0) {
            throw new IllegalArgumentException("bad window shape " + rows + " x " + seq);
        }
        if (tokens.length != (long) rows * seq) {
            throw new IllegalArgumentException(tokens.length + " ids for " + rows + " x " + seq + " windows");
        }
    }

    /**
     * Cuts the stream into non-overlapping windows of {@code seq} tokens from the start, dropping a
     * last partial window.
     *
     * @throws IllegalArgumentException when the stream is shorter than one window
     */
    public static TokenWindows consecutive(TokenStream stream, int seq) {
        requireOneWindow(stream, seq);
        int rows = stream.length() / seq;
        int[] tokens = new int[rows * seq];
        stream.copyTo(0, tokens, 0, tokens.length);
        return new TokenWindows(rows, seq, tokens);
    }

    /**
     * Draws {@code count} windows of {@code seq} tokens, each starting at an offset drawn uniformly
     * from all {@code length - seq + 1} valid ones, as GPTQ's and EfficientQAT's calibration loaders
     * do. Draws are independent, so windows may overlap or repeat. The offsets come from a
     * {@link SplittableRandom} seeded with {@code seed}: the same stream, count, length and seed
     * always give the same windows.
     *
     * @throws IllegalArgumentException when the stream is shorter than one window
     */
    public static TokenWindows sampled(TokenStream stream, int count, int seq, long seed) {
        if (count < 0) {
            throw new IllegalArgumentException("window count must be >= 0: " + count);
        }
        requireOneWindow(stream, seq);
        int[] tokens = new int[Math.multiplyExact(count, seq)];
        SplittableRandom random = new SplittableRandom(seed);
        int starts = stream.length() - seq + 1;
        for (int row = 0; row < count; row++) {
            stream.copyTo(random.nextInt(starts), tokens, row * seq, seq);
        }
        return new TokenWindows(count, seq, tokens);
    }

    private static void requireOneWindow(TokenStream stream, int seq) {
        if (seq <= 0) {
            throw new IllegalArgumentException("window length must be > 0: " + seq);
        }
        if (stream.length() < seq) {
            throw new IllegalArgumentException(stream.source() + " yields " + stream.length()
                    + " tokens, fewer than one window of " + seq);
        }
    }

    public int get(int row, int column) {
        if (row < 0 || row >= rows || column < 0 || column >= seq) {
            throw new IndexOutOfBoundsException("(" + row + ", " + column + ") outside " + rows + " x " + seq);
        }
        return tokens[row * seq + column];
    }

    /** A copy of one window. */
    public int[] row(int row) {
        Objects.checkIndex(row, rows);
        return Arrays.copyOfRange(tokens, row * seq, (row + 1) * seq);
    }

    /** All ids widened to {@code long}, row-major (the index type of embedding lookups). */
    public long[] toLongArray() {
        long[] wide = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            wide[i] = tokens[i];
        }
        return wide;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenWindows that
                && rows == that.rows && seq == that.seq && Arrays.equals(tokens, that.tokens);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + seq) + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "TokenWindows[" + rows + " x " + seq + "]";
    }
}
