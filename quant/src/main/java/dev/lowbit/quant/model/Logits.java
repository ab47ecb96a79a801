package dev.lowbit.quant.model;

/** f32 logits [batch, seq, vocab], row-major in {@link #values()} (the backing array itself). */
public record Logits(int batch, int seq, int vocab, float[] values) {

    public Logits {
        if ((long) batch * seq * vocab != values.length) {
            throw new IllegalArgumentException(values.length + " values for [" + batch + ", " + seq + ", " + vocab + "]");
        }
    }

    public float get(int b, int t, int v) {
        return values[index(b, t) + v];
    }

    /** A copy of the logits at one position. */
    public float[] at(int b, int t) {
        int start = index(b, t);
        return java.util.Arrays.copyOfRange(values, start, start + vocab);
    }

    public int argmax(int b, int t) {
        int start = index(b, t), best = 0;
        for (int v = 1; v < vocab; v++) {
            if (values[start + v] > values[start + best]) best = v;
        }
        return best;
    }

    private int index(int b, int t) {
        java.util.Objects.checkIndex(b, batch);
        java.util.Objects.checkIndex(t, seq);
        return (b * seq + t) * vocab;
    }
}
