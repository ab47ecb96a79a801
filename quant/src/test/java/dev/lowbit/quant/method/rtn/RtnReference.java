package dev.lowbit.quant.method.rtn;

/** Plain scalar Java RTN, the definition in lowbit.h written out: what the native kernels must equal. */
final class RtnReference {
    final byte[] codes;
    final float[] scales;
    final float[] zeros;
    final float[] dequant;

    RtnReference(float[] w, int rows, int cols, RtnConfig config) {
        int group = config.groupSize() <= 0 || config.groupSize() > cols ? cols : (int) config.groupSize();
        int groups = cols / group;
        int maxq = (1 << config.bits()) - 1;
        codes = new byte[rows * cols];
        scales = new float[rows * groups];
        zeros = new float[rows * groups];
        dequant = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < groups; g++) {
                int base = r * cols + g * group;
                float s;
                float z;
                if (config.symmetric()) {
                    float amax = 0f;
                    for (int i = 0; i < group; i++) amax = Math.max(amax, Math.abs(w[base + i]));
                    s = amax / (float) ((1 << (config.bits() - 1)) - 1);
                    if (s == 0f) s = 1f;
                    z = (float) (1 << (config.bits() - 1));
                } else {
                    float mn = Float.POSITIVE_INFINITY;
                    float mx = Float.NEGATIVE_INFINITY;
                    for (int i = 0; i < group; i++) {
                        mn = Math.min(mn, w[base + i]);
                        mx = Math.max(mx, w[base + i]);
                    }
                    s = clamp((mx - mn) / (float) maxq, 1e-4f, 1e4f);
                    z = clamp((float) Math.rint(-mn / s), 0f, maxq);
                }
                scales[r * groups + g] = s;
                zeros[r * groups + g] = z;
                for (int i = 0; i < group; i++) {
                    float q = clamp((float) Math.rint(w[base + i] / s) + z, 0f, maxq);
                    codes[base + i] = (byte) (int) q;
                    dequant[base + i] = (q - z) * s;
                }
            }
        }
    }

    private static float clamp(float v, float lo, float hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
