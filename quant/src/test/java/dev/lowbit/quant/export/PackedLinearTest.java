package dev.lowbit.quant.export;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.method.rtn.QuantizedWeight;
import dev.lowbit.quant.method.rtn.RtnConfig;
import dev.lowbit.quant.method.rtn.RtnQuantizer;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * lb_packed_linear through the bindings on the test device (the CUDA kernel under -Dlowbit.test.device=cuda):
 * an RTN-quantized, GPTQ-packed weight against its dequantized copy and lb_linear in f32.
 */
class PackedLinearTest {

    @ParameterizedTest(name = "bits {0} group {1} m {2}")
    @CsvSource({"4, 128, 1", "4, 32, 16", "3, 128, 1", "3, 64, 7", "2, 64, 1", "2, 0, 33", "4, 0, 2"})
    void packedMatmulMatchesDequantizeThenLinear(int bits, long group, int m) {
        int out = 224; // a multiple of 32: qzeros packing for every bit width
        int in = 256;
        Device device = TestDevice.get();
        SplittableRandom random = new SplittableRandom(bits * 31L + group + m);
        float[] w = new float[out * in];
        for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * 0.02);
        float[] xs = new float[m * in];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) random.nextGaussian();
        RtnConfig rtn = RtnConfig.asymmetric(bits, group);
        GptqConfig config = GptqConfig.of(rtn, GptqFormat.V2);
        try (Tensor weight = Tensor.of(w, device, out, in);
             QuantizedWeight q = RtnQuantizer.quantize(weight, rtn);
             GptqTensors packed = GptqPacker.pack(q, config, "test.linear");
             Tensor x32 = Tensor.of(xs, device, m, in);
             Tensor x16 = x32.to(DType.F16, device);
             Tensor xRounded = x16.to(DType.F32, device);
             Tensor dense = BitPacking.dequantizeGptq(packed.qweight(), packed.qzeros(), packed.scales(), null, bits,
                     config.groupSize(), GptqFormat.V2);
             Tensor expected = call("lb_linear", xRounded, dense);
             Tensor got = packedLinear(x16, packed, bits, config.groupSize())) {
            assertArrayEquals(new long[] {m, out}, got.shape());
            assertTrue(got.device().equals(device), "y on " + got.device());
            float[] e = expected.toFloatArray();
            float[] g = got.toFloatArray();
            double err = 0;
            double ref = 0;
            for (int i = 0; i < e.length; i++) {
                err += (g[i] - (double) e[i]) * (g[i] - (double) e[i]);
                ref += e[i] * (double) e[i];
            }
            double rel = Math.sqrt(err / ref);
            // CUDA, m >= 5: the tensor-core kernel rounds each dequantized weight to 16 bits where a k-step spans
            // two groups (bits 3 with group 64 here; packed_mma_cuda.cuh), ~1.4e-4 measured on the H200 (issue 7's
            // bound is 1e-2). Everywhere else the products are exact in f32.
            double bound = device.kind() == Device.Kind.CUDA && m >= 5 ? 1e-3 : 1e-4;
            assertTrue(rel < bound, "relative error " + rel + " (bound " + bound + ")");
        }
    }

    private static Tensor packedLinear(Tensor x, GptqTensors p, int bits, long group) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment y = arena.allocate(ADDRESS);
            Native.check(lowbit_h.lb_packed_linear(x.address(), p.qweight().address(), p.qzeros().address(),
                    p.scales().address(), bits, group, GptqFormat.V2.zeroOffset(), y), "lb_packed_linear");
            return Tensor.adopt(y.get(ADDRESS, 0));
        }
    }

    private static Tensor call(String what, Tensor x, Tensor weight) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment y = arena.allocate(ADDRESS);
            Native.check(lowbit_h.lb_linear(x.address(), weight.address(), y), what);
            return Tensor.adopt(y.get(ADDRESS, 0));
        }
    }
}
