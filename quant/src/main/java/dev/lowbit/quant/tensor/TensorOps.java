package dev.lowbit.quant.tensor;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** Native layout utilities: zero-copy views of host memory, zero-filled tensors, row views, in-place copies, transposes. */
public final class TensorOps {
    private TensorOps() {}

    /**
     * A CPU tensor that reads {@code data} in place (no copy): for memory-mapped checkpoint tensors.
     * {@code data} must be native memory (mapped or allocated) that stays alive and unchanged until the
     * returned tensor is closed. Data not aligned to its element size is copied instead.
     */
    public static Tensor wrapHost(MemorySegment data, DType dtype, long[] shape) {
        if (!data.isNative()) {
            throw new IllegalArgumentException("wrapHost needs native memory (mapped or allocated), not a heap segment");
        }
        long expected = Math.multiplyExact(Tensor.numel(shape), dtype.byteSize());
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("data holds " + data.byteSize() + " bytes but " + dtype + Arrays.toString(shape)
                    + " needs " + expected);
        }
        if (data.address() % dtype.byteSize() != 0) {
            return Tensor.fromHost(data, dtype, shape, Device.CPU);
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment dims = call.allocateFrom(JAVA_LONG, shape);
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_tensor_wrap_host(data, dtype.code(), dims, shape.length, out), "lb_tensor_wrap_host");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    /** A new contiguous tensor: the transpose of a 2-D tensor, same dtype and device. */
    public static Tensor transpose(Tensor t) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_tensor_transpose(t.address(), out), "lb_tensor_transpose");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    /** A new zero-filled tensor on {@code device}. */
    public static Tensor zeros(DType dtype, long[] shape, Device device) {
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment dims = call.allocateFrom(JAVA_LONG, shape);
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_tensor_zeros(dtype.code(), dims, shape.length, device.typeCode(), device.index(), out),
                    "lb_tensor_zeros");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    /** A view of {@code t}'s [start, start + length) along {@code dim}: writes through it change {@code t}. Close it after use. */
    public static Tensor narrow(Tensor t, int dim, long start, long length) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_tensor_narrow(t.address(), dim, start, length, out), "lb_tensor_narrow");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    /** dst <- src in place: equal shapes, src converted to dst's dtype and device. */
    public static void copyInto(Tensor dst, Tensor src) {
        Native.check(lowbit_h.lb_tensor_copy_into(dst.address(), src.address()), "lb_tensor_copy_into");
    }
}
