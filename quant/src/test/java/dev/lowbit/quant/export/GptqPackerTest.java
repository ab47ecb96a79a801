package dev.lowbit.quant.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.method.rtn.QuantizedWeight;
import dev.lowbit.quant.method.rtn.RtnConfig;
import dev.lowbit.quant.method.rtn.RtnQuantizer;
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

class GptqPackerTest {

    static Stream<Arguments> settings() {
        List<Arguments> all = new ArrayList<>();
        for (int bits : new int[] {2, 3, 4, 8}) {
            for (GptqFormat format : GptqFormat.values()) {
                all.add(Arguments.of(RtnConfig.asymmetric(bits, 32), format));
                all.add(Arguments.of(RtnConfig.asymmetric(bits, RtnConfig.PER_CHANNEL), format));
                all.add(Arguments.of(RtnConfig.symmetricPerChannel(bits), format));
            }
        }
        return all.stream();
    }

    /** With scales that are powers of two (exact in f16), packing and dequantizing reproduces RTN's dequant bit for bit. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("settings")
    void packedLinearDequantizesToRtnExactly(RtnConfig rtn, GptqFormat format) {
        int out = 64;
        int in = 128;
        float[] w = weightsWithPowerOfTwoScales(out, in, rtn, new SplittableRandom(rtn.bits() * 7L + rtn.groupSize()));
        GptqConfig config = GptqConfig.of(rtn, format);
        try (Tensor weight = Tensor.of(w, TestDevice.get(), out, in);
             QuantizedWeight q = RtnQuantizer.quantize(weight, rtn);
             GptqTensors packed = GptqPacker.pack(q, config, "test.linear")) {
            long groups = config.groupsFor(in);
            assertArrayEquals(new long[] {in * rtn.bits() / 32, out}, packed.qweight().shape());
            assertArrayEquals(new long[] {groups, out * rtn.bits() / 32}, packed.qzeros().shape());
            assertArrayEquals(new long[] {groups, out}, packed.scales().shape());
            assertArrayEquals(new long[] {in}, packed.gIdx().shape());
            assertEquals(DType.I32, packed.qweight().dtype());
            assertEquals(DType.F16, packed.scales().dtype());
            try (Tensor back = BitPacking.dequantizeGptq(packed.qweight(), packed.qzeros(), packed.scales(), packed.gIdx(),
                    rtn.bits(), config.groupSize(), format)) {
                float[] expected = q.dequant().toFloatArray();
                float[] got = back.toFloatArray();
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(got[k]), "element " + k);
                }
            }
            // The wrong convention shifts every zero point: the weights differ.
            GptqFormat other = format == GptqFormat.V1 ? GptqFormat.V2 : GptqFormat.V1;
            try (Tensor wrong = BitPacking.dequantizeGptq(packed.qweight(), packed.qzeros(), packed.scales(), null,
                    rtn.bits(), config.groupSize(), other)) {
                assertTrue(!java.util.Arrays.equals(q.dequant().toFloatArray(), wrong.toFloatArray()));
            }
        }
    }

    @Test
    void threeBitsNeedInputsInMultiplesOf32AndTheErrorNamesTheLayer() {
        RtnConfig rtn = RtnConfig.asymmetric(3, 16);
        try (Tensor weight = Tensor.of(new float[32 * 48], TestDevice.get(), 32, 48);
             QuantizedWeight q = RtnQuantizer.quantize(weight, rtn)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GptqPacker.pack(q, GptqConfig.of(rtn, GptqFormat.V2), "model.layers.5.mlp.down_proj"));
            assertTrue(e.getMessage().contains("model.layers.5.mlp.down_proj"), e.getMessage());
            assertTrue(e.getMessage().contains("in=48 is not a multiple of 32"), e.getMessage());
        }
    }

    @Test
    void outputsMustPackIntoQzerosToo() {
        RtnConfig rtn = RtnConfig.asymmetric(4, 32);
        try (Tensor weight = Tensor.of(new float[12 * 64], TestDevice.get(), 12, 64);
             QuantizedWeight q = RtnQuantizer.quantize(weight, rtn)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GptqPacker.pack(q, GptqConfig.of(rtn, GptqFormat.V2), "model.layers.0.self_attn.k_proj"));
            assertTrue(e.getMessage().contains("model.layers.0.self_attn.k_proj: out=12 is not a multiple of 8"), e.getMessage());
        }
    }

    @Test
    void scalesThatDoNotMatchTheGroupSizeAreRejected() {
        try (Tensor weight = Tensor.of(new float[32 * 64], TestDevice.get(), 32, 64);
             QuantizedWeight q = RtnQuantizer.quantize(weight, RtnConfig.asymmetric(4, 32))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GptqPacker.pack(q, new GptqConfig(4, 16, false, GptqFormat.V2), "lin"));
            assertTrue(e.getMessage().contains("lin: scales have shape [32, 2], expected [32, 4]"), e.getMessage());
        }
    }

    @Test
    void bitWidthsGptqCannotPackAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GptqConfig.of(RtnConfig.asymmetric(5, 32), GptqFormat.V2));
        assertTrue(e.getMessage().contains("bits 2, 3, 4 and 8, got 5"), e.getMessage());
    }

    /**
     * Each group spans exactly qmax steps of a power-of-two step (asymmetric) or has max |w| of
     * (2^(bits-1) - 1) such steps (symmetric), so RTN's scale is that power of two.
     */
    static float[] weightsWithPowerOfTwoScales(int out, int in, RtnConfig rtn, SplittableRandom random) {
        int group = rtn.groupSize() <= 0 ? in : (int) rtn.groupSize();
        int qmax = (1 << rtn.bits()) - 1;
        float[] w = new float[out * in];
        for (int start = 0; start < w.length; start += group) {
            float step = (float) Math.scalb(1.0, -random.nextInt(4, 9));
            if (rtn.symmetric()) {
                float amax = ((1 << (rtn.bits() - 1)) - 1) * step;
                for (int k = 0; k < group; k++) w[start + k] = (float) (random.nextDouble(-1, 1) * amax);
                w[start] = random.nextBoolean() ? amax : -amax;
            } else {
                float min = -random.nextInt(0, qmax + 1) * step;
                float max = min + qmax * step;
                for (int k = 0; k < group; k++) w[start + k] = (float) (min + random.nextDouble() * (max - min));
                w[start] = min;
                w[start + 1] = max;
            }
        }
        return w;
    }
}
