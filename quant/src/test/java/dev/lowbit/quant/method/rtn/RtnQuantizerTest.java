package dev.lowbit.quant.method.rtn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.quant.LowbitException;
import dev.lowbit.quant.Status;
import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtnQuantizerTest {

    static Stream<Arguments> settings() {
        List<Arguments> all = new ArrayList<>();
        for (int bits : new int[] {2, 3, 4, 8}) {
            for (long group : new long[] {32, 64, 128, RtnConfig.PER_CHANNEL}) {
                for (boolean sym : new boolean[] {false, true}) all.add(Arguments.of(bits, group, sym));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "bits={0} group={1} sym={2}")
    @MethodSource("settings")
    void matchesPlainJavaReferenceExactly(int bits, long group, boolean sym) {
        RtnConfig config = new RtnConfig(bits, group, sym);
        SplittableRandom random = new SplittableRandom(31L * bits + group + (sym ? 7 : 0));
        for (int[] shape : new int[][] {{7, 128}, {1, 256}, {33, 384}}) {
            int rows = shape[0];
            int cols = shape[1];
            float[] w = randomWeights(random, rows * cols);
            plantTies(w, rows, cols, config);
            assertMatchesReference(w, rows, cols, config);
        }
    }

    @Test
    void groupLargerThanRowIsCappedToTheRow() {
        float[] w = randomWeights(new SplittableRandom(5), 3 * 64);
        RtnReference perChannel = new RtnReference(w, 3, 64, RtnConfig.asymmetric(4, RtnConfig.PER_CHANNEL));
        try (Tensor t = Tensor.of(w, TestDevice.get(), 3, 64); QuantizedWeight q = RtnQuantizer.quantize(t, RtnConfig.asymmetric(4, 128))) {
            assertArrayEquals(new long[] {3, 1}, q.scales().shape());
            assertArrayEquals(perChannel.scales, q.scales().toFloatArray());
        }
    }

    @Test
    void bf16InputIsQuantizedFromItsExactFloatValues() {
        float[] w = randomWeights(new SplittableRandom(11), 4 * 64);
        short[] bits = new short[w.length];
        for (int i = 0; i < w.length; i++) {
            bits[i] = (short) (Float.floatToRawIntBits(w[i]) >>> 16); // truncation: any bf16 value will do
            w[i] = Float.intBitsToFloat((bits[i] & 0xffff) << 16);
        }
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var data = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_SHORT, bits);
            try (Tensor t = Tensor.fromHost(data, DType.BF16, new long[] {4, 64}, TestDevice.get());
                 QuantizedWeight q = RtnQuantizer.quantize(t, RtnConfig.asymmetric(3, 32))) {
                RtnReference ref = new RtnReference(w, 4, 64, RtnConfig.asymmetric(3, 32));
                assertArrayEquals(ref.codes, q.codes().toByteArray());
                assertArrayEquals(ref.dequant, q.dequant().toFloatArray());
            }
        }
    }

    @Test
    void groupThatDoesNotDivideTheRowIsAnInvalidArgumentNamingIt() {
        try (Tensor t = Tensor.of(new float[4 * 128], TestDevice.get(), 4, 128)) {
            LowbitException e = assertThrows(LowbitException.class, () -> RtnQuantizer.quantize(t, RtnConfig.asymmetric(5, 48)));
            assertEquals(Status.INVALID_ARGUMENT, e.status());
            assertTrue(e.getMessage().contains("group_size"), e.getMessage());
        }
    }

    @Test
    void weightThatIsNotAMatrixIsAnInvalidArgumentNamingIt() {
        try (Tensor t = Tensor.of(new float[2 * 4 * 32], TestDevice.get(), 2, 4, 32)) {
            LowbitException e = assertThrows(LowbitException.class, () -> RtnQuantizer.quantize(t, RtnConfig.asymmetric(4, 32)));
            assertEquals(Status.INVALID_ARGUMENT, e.status());
            assertTrue(e.getMessage().contains("weight"), e.getMessage());
        }
    }

    @Test
    void bitsOutsideTwoToEightAreRejectedBeforeAnyNativeCall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RtnConfig.asymmetric(9, 32));
        assertTrue(e.getMessage().contains("bits"), e.getMessage());
    }

    private static void assertMatchesReference(float[] w, int rows, int cols, RtnConfig config) {
        RtnReference ref = new RtnReference(w, rows, cols, config);
        try (Tensor t = Tensor.of(w, TestDevice.get(), rows, cols); QuantizedWeight q = RtnQuantizer.quantize(t, config)) {
            assertEquals(DType.U8, q.codes().dtype());
            assertArrayEquals(ref.codes, q.codes().toByteArray(), config.label() + " codes");
            assertArrayEquals(ref.scales, q.scales().toFloatArray(), config.label() + " scales");
            assertArrayEquals(ref.zeros, q.zeros().toFloatArray(), config.label() + " zeros");
            assertArrayEquals(ref.dequant, q.dequant().toFloatArray(), config.label() + " dequant");
        }
    }

    private static float[] randomWeights(SplittableRandom random, int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) (random.nextGaussian() * 0.02);
        return w;
    }

    /**
     * Rewrites the first group of row 0 so that its scale is exactly 0.25 and several values sit exactly
     * on k + 0.5 steps: ties that round half to even must settle.
     */
    private static void plantTies(float[] w, int rows, int cols, RtnConfig config) {
        int group = config.groupSize() <= 0 || config.groupSize() > cols ? cols : (int) config.groupSize();
        float s = 0.25f;
        if (config.symmetric()) {
            int qmax = (1 << (config.bits() - 1)) - 1;
            for (int i = 0; i < group; i++) w[i] = (float) ((i % (2 * qmax)) - qmax + 0.5) * s;
            w[0] = qmax * s;
        } else {
            int maxq = (1 << config.bits()) - 1;
            float min = -1.0f;
            for (int i = 0; i < group; i++) w[i] = min + (float) ((i % maxq) + 0.5) * s;
            w[0] = min;
            w[1] = min + maxq * s;
        }
    }
}
