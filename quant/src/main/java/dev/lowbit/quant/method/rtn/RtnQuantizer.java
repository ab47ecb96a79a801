package dev.lowbit.quant.method.rtn;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.lowbit.bindings.lb_rtn_options;
import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Group-wise round-to-nearest quantization of one weight matrix, on the weight's device. */
public final class RtnQuantizer {
    private RtnQuantizer() {}

    public static QuantizedWeight quantize(Tensor weight, RtnConfig config) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment options = lb_rtn_options.allocate(call);
            lb_rtn_options.struct_size(options, lb_rtn_options.sizeof());
            lb_rtn_options.bits(options, config.bits());
            lb_rtn_options.symmetric(options, config.symmetric() ? 1 : 0);
            lb_rtn_options.group_size(options, config.groupSize());
            MemorySegment out = call.allocate(ADDRESS, 4);
            Native.check(lowbit_h.lb_quantize_rtn(weight.address(), options, out, out.asSlice(8), out.asSlice(16), out.asSlice(24)),
                    "lb_quantize_rtn");
            return new QuantizedWeight(Tensor.adopt(out.getAtIndex(ADDRESS, 0)), Tensor.adopt(out.getAtIndex(ADDRESS, 1)),
                    Tensor.adopt(out.getAtIndex(ADDRESS, 2)), Tensor.adopt(out.getAtIndex(ADDRESS, 3)));
        }
    }
}
