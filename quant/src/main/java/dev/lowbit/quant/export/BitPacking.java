package dev.lowbit.quant.export;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * GPTQ-style packing of small integers into int32 words (least significant bits first) and the
 * dequantization of packed linears, computed natively on the tensors' device.
 */
public final class BitPacking {
    private BitPacking() {}

    /** Values (U8 or I32, each in [0, 2^bits)) of a 2-D tensor packed along {@code dim} into I32 words. */
    public static Tensor pack(Tensor values, int bits, int dim) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_pack_bits(values.address(), bits, dim, out), "lb_pack_bits");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    /** The inverse of {@link #pack}: I32 words to U8 values. */
    public static Tensor unpack(Tensor packed, int bits, int dim) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_unpack_bits(packed.address(), bits, dim, out), "lb_unpack_bits");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    /**
     * F32 weight [out, in] of a packed linear: {@code W[o,i] = (q[i,o] - z[g[i],o]) * s[g[i],o]}.
     *
     * @param gIdx      I32 [in], or null for {@code i / groupSize} (every row in group 0 when groupSize &lt;= 0)
     * @param format    which zero-point convention qzeros uses
     */
    public static Tensor dequantizeGptq(Tensor qweight, Tensor qzeros, Tensor scales, Tensor gIdx, int bits, long groupSize,
                                        GptqFormat format) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            MemorySegment groups = gIdx == null ? MemorySegment.NULL : gIdx.address();
            Native.check(lowbit_h.lb_dequantize_gptq(qweight.address(), qzeros.address(), scales.address(), groups, bits,
                    groupSize, format.zeroOffset(), out), "lb_dequantize_gptq");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }
}
