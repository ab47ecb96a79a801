package dev.lowbit.quant.export;

/**
 * The VPTQ packed index layout: each row of {@code perRow} T-bit elements is a little-endian bit stream
 * (element j at stream bits [j*T, (j+1)*T), bit b in word b >> 5 at bit b & 31), so elements may
 * straddle two words; every row starts on a fresh 32-bit word.
 */
public final class VptqIndexPacking {
    private VptqIndexPacking() {}

    public static int wordsPerRow(int perRow, int bits) {
        return (int) (((long) perRow * bits + 31) / 32);
    }

    /** values [rows, perRow] (each in [0, 2^bits)) -> words [rows, wordsPerRow]. */
    public static int[] pack(int[] values, int rows, int perRow, int bits) {
        checkBits(bits);
        if (values.length != (long) rows * perRow) {
            throw new IllegalArgumentException(values.length + " values for " + rows + " rows x " + perRow);
        }
        int words = wordsPerRow(perRow, bits);
        int[] out = new int[Math.multiplyExact(rows, words)];
        long mask = bits == 32 ? 0xFFFFFFFFL : (1L << bits) - 1;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < perRow; j++) {
                long v = values[r * perRow + j] & 0xFFFFFFFFL;
                if ((v & ~mask) != 0) {
                    throw new IllegalArgumentException("value " + v + " at row " + r + ", element " + j + " does not fit in " + bits + " bits");
                }
                long bit = (long) j * bits;
                int word = (int) (bit >>> 5), shift = (int) (bit & 31);
                long shifted = v << shift;  // up to 63 bits: spills into the next word when the element straddles
                out[r * words + word] |= (int) shifted;
                if (shift + bits > 32) out[r * words + word + 1] |= (int) (shifted >>> 32);
            }
        }
        return out;
    }

    /** The inverse of {@link #pack}. */
    public static int[] unpack(int[] words, int rows, int perRow, int bits) {
        checkBits(bits);
        int wpr = wordsPerRow(perRow, bits);
        if (words.length != (long) rows * wpr) {
            throw new IllegalArgumentException(words.length + " words for " + rows + " rows x " + wpr);
        }
        int[] out = new int[Math.multiplyExact(rows, perRow)];
        long mask = bits == 32 ? 0xFFFFFFFFL : (1L << bits) - 1;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < perRow; j++) {
                long bit = (long) j * bits;
                int word = (int) (bit >>> 5), shift = (int) (bit & 31);
                long lo = words[r * wpr + word] & 0xFFFFFFFFL;
                long hi = word + 1 < wpr ? (words[r * wpr + word + 1] & 0xFFFFFFFFL) : 0L;
                out[r * perRow + j] = (int) ((((hi << 32) | lo) >>> shift) & mask);
            }
        }
        return out;
    }

    private static void checkBits(int bits) {
        if (bits < 1 || bits > 32) throw new IllegalArgumentException("bits=" + bits + " (expected 1..32)");
    }
}
