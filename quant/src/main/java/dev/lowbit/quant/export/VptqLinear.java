package dev.lowbit.quant.export;

/**
 * One VPTQ-quantized linear on the host, before packing. Codebooks hold f16-representable floats.
 *
 * @param out              M (rows)
 * @param in               N (input columns)
 * @param vectorLen        v
 * @param codebook         k (power of two)
 * @param resCodebook      k_r (power of two), 0 without a residual codebook
 * @param groups           G
 * @param groupSize        S, columns per group (the last may be partly padding)
 * @param outlierVectorLen v0
 * @param outlierCodebook  k0 (0 without outliers)
 * @param outliers         O
 * @param centroids        [G, k, v]
 * @param resCentroids     [G, k_r, v] or null
 * @param indices          [G, ceil(M/v), S]
 * @param resIndices       [G, ceil(M/v), S] or null
 * @param outlierCentroids [k0, v0] or null
 * @param outlierIndices   [ceil(M/v0), O] or null
 * @param perm             [N], permuted column j is original column perm[j]
 * @param scale            [N] per original column (f16-representable)
 * @param bias             [N]
 * @param norm             whether scale/bias are stored
 */
public record VptqLinear(int out, int in, int vectorLen, int codebook, int resCodebook, int groups, int groupSize,
                         int outlierVectorLen, int outlierCodebook, int outliers, float[] centroids, float[] resCentroids,
                         int[] indices, int[] resIndices, float[] outlierCentroids, int[] outlierIndices, int[] perm,
                         float[] scale, float[] bias, boolean norm) {

    public int rowsOfVectors() {
        return (out + vectorLen - 1) / vectorLen;
    }

    public int outlierRows() {
        return (out + outlierVectorLen - 1) / outlierVectorLen;
    }

    public int indexBits() {
        return log2(codebook) + (resCodebook > 0 ? log2(resCodebook) : 0);
    }

    /** Stored bits: packed indices, 16-bit codebooks, outlier indices at log2(k0) bits, 16-bit scale + bias per column (perm not counted). */
    public double storedBits() {
        double bits = (double) groups * rowsOfVectors() * VptqIndexPacking.wordsPerRow(groupSize, indexBits()) * 32.0;
        bits += 16.0 * groups * ((long) codebook * vectorLen + (long) resCodebook * vectorLen);
        if (outliers > 0) bits += 16.0 * outlierCodebook * outlierVectorLen + (double) outlierRows() * outliers * log2(outlierCodebook);
        if (norm) bits += 32.0 * in;
        return bits;
    }

    /** The indices, each residual index above its main one (bits log2(k) and up), packed as stored: [G, ceil(M/v), words per row]. */
    public int[] packedIndices() {
        int[] combined = indices.clone();
        if (resCodebook > 0) {
            int kbits = log2(codebook);
            for (int i = 0; i < combined.length; i++) combined[i] |= resIndices[i] << kbits;
        }
        return VptqIndexPacking.pack(combined, groups * rowsOfVectors(), groupSize, indexBits());
    }

    /**
     * The inverse of {@link #packedIndices()}: {main indices, residual indices (null without a residual codebook)} of
     * {@code groups * rowsOfVectors} rows of {@code groupSize} indices.
     */
    public static int[][] unpackIndices(int[] words, int groups, int rowsOfVectors, int groupSize, int codebook, int resCodebook) {
        int kbits = log2(codebook);
        int bits = kbits + (resCodebook > 0 ? log2(resCodebook) : 0);
        int[] combined = VptqIndexPacking.unpack(words, groups * rowsOfVectors, groupSize, bits);
        int[] idx = new int[combined.length];
        int[] ridx = resCodebook > 0 ? new int[combined.length] : null;
        for (int i = 0; i < combined.length; i++) {
            idx[i] = combined[i] & (codebook - 1);
            if (ridx != null) ridx[i] = combined[i] >>> kbits;
        }
        return new int[][] {idx, ridx};
    }

    static int log2(int k) {
        if (k < 1 || Integer.bitCount(k) != 1) throw new IllegalArgumentException("codebook size " + k + " is not a power of two");
        return Integer.numberOfTrailingZeros(k);
    }

    /** The dequantized weight [out, in], row-major, as the stored format defines it. */
    public float[] dequantize() {
        float[] w = new float[Math.multiplyExact(out, in)];
        int mv = rowsOfVectors(), kbits = log2(codebook);
        for (int j = 0; j < in; j++) {
            int col = perm[j];
            float s = norm ? scale[col] : 1f, b = norm ? bias[col] : 0f;
            for (int r = 0; r < out; r++) {
                float q;
                if (j < outliers) {
                    q = outlierCentroids[outlierIndices[(r / outlierVectorLen) * outliers + j] * outlierVectorLen + r % outlierVectorLen];
                } else {
                    int g = (j - outliers) / groupSize, jl = (j - outliers) % groupSize;
                    int at = (g * mv + r / vectorLen) * groupSize + jl;
                    q = centroids[(g * codebook + indices[at]) * vectorLen + r % vectorLen];
                    if (resCodebook > 0) q += resCentroids[(g * resCodebook + resIndices[at]) * vectorLen + r % vectorLen];
                }
                w[r * in + col] = s * q + b;
            }
        }
        assert kbits >= 0;
        return w;
    }
}
