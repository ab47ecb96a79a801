package dev.lowbit.quant.export;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.lowbit.quant.method.rtn.QuantizedWeight;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import dev.lowbit.quant.tensor.TensorOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Turns a group-quantized linear (codes U8 [out, in], scales and integer-valued zeros F32 [out, groups],
 * as {@link dev.lowbit.quant.method.rtn.RtnQuantizer} produces them) into the GPTQ tensors. Transposes
 * and packing run natively on the codes' device; the results are on that device too.
 */
public final class GptqPacker {
    private GptqPacker() {}

    public static GptqTensors pack(QuantizedWeight q, GptqConfig config, String module) {
        return pack(q.codes(), q.scales(), q.zeros(), config, module);
    }

    /** @param module the linear's name (e.g. model.layers.0.self_attn.q_proj), used in error messages */
    public static GptqTensors pack(Tensor codes, Tensor scales, Tensor zeros, GptqConfig config, String module) {
        long[] shape = codes.shape();
        if (shape.length != 2 || codes.dtype() != DType.U8) {
            throw new IllegalArgumentException(module + ": codes are " + codes.dtype() + Arrays.toString(shape) + " (expected U8 [out, in])");
        }
        long out = shape[0];
        long in = shape[1];
        long groups = config.groupsFor(in);
        long[] groupShape = {out, groups};
        requireShape(module, "scales", scales, groupShape, config, in);
        requireShape(module, "zeros", zeros, groupShape, config, in);
        requirePackable(module, "in", in, config.bits());
        requirePackable(module, "out", out, config.bits());

        Device device = codes.device();
        Tensor qweight = null;
        Tensor qzeros = null;
        Tensor packedScales = null;
        try {
            try (Tensor codesT = TensorOps.transpose(codes)) {
                qweight = BitPacking.pack(codesT, config.bits(), 0);
            }
            try (Tensor storedZeros = storedZeros(zeros, config, module)) {
                qzeros = BitPacking.pack(storedZeros, config.bits(), 1);
            }
            try (Tensor scalesT = TensorOps.transpose(scales)) {
                packedScales = scalesT.to(DType.F16, device);
            }
            return new GptqTensors(qweight, qzeros, packedScales, groupIndex((int) in, config, device));
        } catch (RuntimeException e) {
            for (Tensor t : new Tensor[] {qweight, qzeros, packedScales}) {
                if (t != null) t.close();
            }
            throw e;
        }
    }

    /**
     * Zero points as stored, I32 [groups, out]: z for v2; for v1 z - 1 wrapped to the bit width, which
     * is computed here on the host (one value per group, not per weight).
     */
    private static Tensor storedZeros(Tensor zeros, GptqConfig config, String module) {
        try (Tensor zerosT = TensorOps.transpose(zeros)) {
            if (config.format() == GptqFormat.V2) {
                return zerosT.to(DType.I32, zerosT.device());
            }
            float[] z = zerosT.toFloatArray();
            int levels = 1 << config.bits();
            int[] stored = new int[z.length];
            for (int k = 0; k < z.length; k++) {
                if (z[k] != Math.rint(z[k]) || z[k] < 0 || z[k] >= levels) {
                    throw new IllegalArgumentException(module + ": zero point " + z[k] + " is not an integer in 0.." + (levels - 1)
                            + " (bits=" + config.bits() + ")");
                }
                stored[k] = ((int) z[k] - 1 + levels) % levels;
            }
            try (Arena call = Arena.ofConfined()) {
                MemorySegment data = call.allocateFrom(JAVA_INT, stored);
                return Tensor.fromHost(data, DType.I32, zerosT.shape(), zerosT.device());
            }
        }
    }

    private static Tensor groupIndex(int in, GptqConfig config, Device device) {
        int[] g = new int[in];
        for (int i = 0; i < in; i++) g[i] = config.groupOf(i);
        try (Arena call = Arena.ofConfined()) {
            return Tensor.fromHost(call.allocateFrom(JAVA_INT, g), DType.I32, new long[] {in}, device);
        }
    }

    private static void requireShape(String module, String what, Tensor t, long[] expected, GptqConfig config, long in) {
        long[] actual = t.shape();
        if (!Arrays.equals(actual, expected)) {
            throw new IllegalArgumentException(module + ": " + what + " have shape " + Arrays.toString(actual) + ", expected "
                    + Arrays.toString(expected) + " (group_size " + config.groupSize() + " over in=" + in + ")");
        }
    }

    private static void requirePackable(String module, String dim, long size, int bits) {
        long multiple = bits == 3 ? 32 : 32 / bits;
        if (size % multiple != 0) {
            throw new IllegalArgumentException(module + ": " + dim + "=" + size + " is not a multiple of " + multiple
                    + ", which " + bits + "-bit GPTQ packing needs (" + (bits == 3 ? "32 values fill 3 words" : (32 / bits) + " values per word") + ")");
        }
    }
}
