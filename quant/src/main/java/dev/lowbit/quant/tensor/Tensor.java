package dev.lowbit.quant.tensor;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A native tensor (an {@code lb_tensor} handle). Close it to free the native memory at once; a tensor
 * that is never closed is freed when the arena it was registered with closes (the default, an automatic
 * arena, frees it after it becomes unreachable). Using a closed tensor throws {@link IllegalStateException}.
 */
public final class Tensor implements AutoCloseable {
    private final NativeHandle handle;
    /** Keeps the owning arena reachable as long as this tensor is: an automatic arena frees it only after. */
    @SuppressWarnings("unused")
    private final MemorySegment lifetime;

    private Tensor(MemorySegment address, Arena owner) {
        NativeHandle h = new NativeHandle(address);
        this.handle = h;
        // the cleanup captures only the handle, never this Tensor, so an automatic arena can still collect it
        this.lifetime = MemorySegment.ofAddress(address.address()).reinterpret(owner, ignored -> h.free());
    }

    /** Takes ownership of a handle returned by a native call; it is freed with {@code owner} at the latest. */
    public static Tensor adopt(MemorySegment handle, Arena owner) {
        if (handle == null || handle.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException("native call returned a null tensor handle");
        }
        return new Tensor(handle, owner);
    }

    public static Tensor adopt(MemorySegment handle) {
        return adopt(handle, Arena.ofAuto());
    }

    /** Copies {@code data} (C-contiguous, {@code dtype}, {@code shape}) into a new tensor on {@code device}. */
    public static Tensor fromHost(MemorySegment data, DType dtype, long[] shape, Device device) {
        return fromHost(data, dtype, shape, device, Arena.ofAuto());
    }

    /** As {@link #fromHost(MemorySegment, DType, long[], Device)}, freed when {@code owner} closes at the latest. */
    public static Tensor fromHost(MemorySegment data, DType dtype, long[] shape, Device device, Arena owner) {
        long elements = numel(shape);
        if (data.byteSize() != elements * dtype.byteSize()) {
            throw new IllegalArgumentException("data holds " + data.byteSize() + " bytes but " + dtype + Arrays.toString(shape)
                    + " needs " + elements * dtype.byteSize());
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment dims = call.allocateFrom(JAVA_LONG, shape);
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_tensor_from_host(data, dtype.code(), dims, shape.length, device.typeCode(), device.index(), out),
                    "lb_tensor_from_host");
            return adopt(out.get(ADDRESS, 0), owner);
        }
    }

    public static Tensor of(float[] values, long... shape) {
        return of(values, Device.CPU, shape);
    }

    public static Tensor of(float[] values, Device device, long... shape) {
        try (Arena call = Arena.ofConfined()) {
            return fromHost(call.allocateFrom(JAVA_FLOAT, values), DType.F32, shape, device);
        }
    }

    public DType dtype() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(JAVA_INT);
            Native.check(lowbit_h.lb_tensor_dtype(address(), out), "lb_tensor_dtype");
            return DType.ofCode(out.get(JAVA_INT, 0));
        }
    }

    public long[] shape() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment ndim = call.allocate(JAVA_INT);
            Native.check(lowbit_h.lb_tensor_ndim(address(), ndim), "lb_tensor_ndim");
            int n = ndim.get(JAVA_INT, 0);
            MemorySegment dims = call.allocate(JAVA_LONG, Math.max(n, 1));
            Native.check(lowbit_h.lb_tensor_shape(address(), dims, n), "lb_tensor_shape");
            return n == 0 ? new long[0] : dims.toArray(JAVA_LONG);
        }
    }

    public Device device() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment type = call.allocate(JAVA_INT);
            MemorySegment index = call.allocate(JAVA_INT);
            Native.check(lowbit_h.lb_tensor_device(address(), type, index), "lb_tensor_device");
            return Device.of(type.get(JAVA_INT, 0), index.get(JAVA_INT, 0));
        }
    }

    public long byteSize() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(JAVA_LONG);
            Native.check(lowbit_h.lb_tensor_nbytes(address(), out), "lb_tensor_nbytes");
            return out.get(JAVA_LONG, 0);
        }
    }

    /** A new tensor with these values converted to {@code dtype} on {@code device}. */
    public Tensor to(DType dtype, Device device) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_tensor_to(address(), dtype.code(), device.typeCode(), device.index(), out), "lb_tensor_to");
            return adopt(out.get(ADDRESS, 0));
        }
    }

    /** Copies the raw bytes (this tensor's dtype, C order) into {@code dst}. */
    public void copyTo(MemorySegment dst) {
        Native.check(lowbit_h.lb_tensor_to_host(address(), dst, dst.byteSize()), "lb_tensor_to_host");
    }

    /** The values as floats (converted on the native side when the dtype is not F32). */
    public float[] toFloatArray() {
        if (dtype() != DType.F32) {
            try (Tensor f32 = to(DType.F32, Device.CPU)) {
                return f32.toFloatArray();
            }
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment dst = call.allocate(byteSize(), 8);
            copyTo(dst);
            return dst.toArray(JAVA_FLOAT);
        }
    }

    /** The raw bytes of this tensor (for U8/I8 tensors: the values). */
    public byte[] toByteArray() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment dst = call.allocate(byteSize(), 8);
            copyTo(dst);
            return dst.toArray(JAVA_BYTE);
        }
    }

    /** The {@code lb_tensor} handle, for native calls. */
    public MemorySegment address() {
        return handle.address();
    }

    public boolean isClosed() {
        return handle.isFreed();
    }

    @Override
    public void close() {
        handle.free();
    }

    @Override
    public String toString() {
        if (isClosed()) return "Tensor[closed]";
        return "Tensor[" + dtype() + Arrays.toString(shape()) + " on " + device() + "]";
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The native address and a once-only free, shared by close() and the arena cleanup. */
    private static final class NativeHandle {
        private final MemorySegment address;
        private final AtomicBoolean freed = new AtomicBoolean();

        NativeHandle(MemorySegment address) {
            this.address = address;
        }

        MemorySegment address() {
            if (freed.get()) throw new IllegalStateException("tensor was closed; it cannot be used any more");
            return address;
        }

        boolean isFreed() {
            return freed.get();
        }

        void free() {
            if (freed.compareAndSet(false, true)) lowbit_h.lb_tensor_free(address);
        }
    }
}
