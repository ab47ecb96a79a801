// lowbit bindings in jextract 22's layout; bindings/jextract.sh regenerates this file from native/include/lowbit.h.

package dev.lowbit.bindings;

import java.lang.invoke.*;
import java.lang.foreign.*;
import java.nio.ByteOrder;
import java.util.*;
import java.util.function.*;
import java.util.stream.*;

import static java.lang.foreign.ValueLayout.*;
import static java.lang.foreign.MemoryLayout.PathElement.*;

public class lowbit_h {

    lowbit_h() {
        // Should not be called directly
    }

    static final Arena LIBRARY_ARENA = Arena.ofAuto();
    static final boolean TRACE_DOWNCALLS = Boolean.getBoolean("jextract.trace.downcalls");

    static void traceDowncall(String name, Object... args) {
         String traceArgs = Arrays.stream(args)
                       .map(Object::toString)
                       .collect(Collectors.joining(", "));
         System.out.printf("%s(%s)\n", name, traceArgs);
    }

    static MemorySegment findOrThrow(String symbol) {
        return SYMBOL_LOOKUP.find(symbol)
            .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol));
    }

    static MethodHandle upcallHandle(Class<?> fi, String name, FunctionDescriptor fdesc) {
        try {
            return MethodHandles.lookup().findVirtual(fi, name, fdesc.toMethodType());
        } catch (ReflectiveOperationException ex) {
            throw new AssertionError(ex);
        }
    }

    static MemoryLayout align(MemoryLayout layout, long align) {
        return switch (layout) {
            case PaddingLayout p -> p;
            case ValueLayout v -> v.withByteAlignment(align);
            case GroupLayout g -> {
                MemoryLayout[] alignedMembers = g.memberLayouts().stream()
                        .map(m -> align(m, align)).toArray(MemoryLayout[]::new);
                yield g instanceof StructLayout ?
                        MemoryLayout.structLayout(alignedMembers) : MemoryLayout.unionLayout(alignedMembers);
            }
            case SequenceLayout s -> MemoryLayout.sequenceLayout(s.elementCount(), align(s.elementLayout(), align));
        };
    }

    // Two changes to plain jextract output (jextract.sh re-applies them): the lookup loads liblowbit.so
    // (NativeLibrary.load) before its first search, and each function's DESC lives in its own
    // name$descriptor holder, so descriptors and constants are usable without the native library.
    static final SymbolLookup SYMBOL_LOOKUP = NativeLibrary.loadingFirst(SymbolLookup.loaderLookup())
            .or(Linker.nativeLinker().defaultLookup());

    public static final ValueLayout.OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(java.lang.Long.MAX_VALUE, JAVA_BYTE));
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;

    private static final int LB_OK = (int)0L;

    public static int LB_OK() {
        return LB_OK;
    }

    private static final int LB_ERR_INVALID_ARGUMENT = (int)1L;

    public static int LB_ERR_INVALID_ARGUMENT() {
        return LB_ERR_INVALID_ARGUMENT;
    }

    private static final int LB_ERR_UNSUPPORTED = (int)2L;

    public static int LB_ERR_UNSUPPORTED() {
        return LB_ERR_UNSUPPORTED;
    }

    private static final int LB_ERR_OUT_OF_MEMORY = (int)3L;

    public static int LB_ERR_OUT_OF_MEMORY() {
        return LB_ERR_OUT_OF_MEMORY;
    }

    private static final int LB_ERR_CUDA = (int)4L;

    public static int LB_ERR_CUDA() {
        return LB_ERR_CUDA;
    }

    private static final int LB_ERR_INTERNAL = (int)5L;

    public static int LB_ERR_INTERNAL() {
        return LB_ERR_INTERNAL;
    }

    private static final int LB_DTYPE_F32 = (int)0L;

    public static int LB_DTYPE_F32() {
        return LB_DTYPE_F32;
    }

    private static final int LB_DTYPE_F16 = (int)1L;

    public static int LB_DTYPE_F16() {
        return LB_DTYPE_F16;
    }

    private static final int LB_DTYPE_BF16 = (int)2L;

    public static int LB_DTYPE_BF16() {
        return LB_DTYPE_BF16;
    }

    private static final int LB_DTYPE_I8 = (int)3L;

    public static int LB_DTYPE_I8() {
        return LB_DTYPE_I8;
    }

    private static final int LB_DTYPE_U8 = (int)4L;

    public static int LB_DTYPE_U8() {
        return LB_DTYPE_U8;
    }

    private static final int LB_DTYPE_I16 = (int)5L;

    public static int LB_DTYPE_I16() {
        return LB_DTYPE_I16;
    }

    private static final int LB_DTYPE_I32 = (int)6L;

    public static int LB_DTYPE_I32() {
        return LB_DTYPE_I32;
    }

    private static final int LB_DTYPE_I64 = (int)7L;

    public static int LB_DTYPE_I64() {
        return LB_DTYPE_I64;
    }

    private static final int LB_DEVICE_CPU = (int)0L;

    public static int LB_DEVICE_CPU() {
        return LB_DEVICE_CPU;
    }

    private static final int LB_DEVICE_CUDA = (int)1L;

    public static int LB_DEVICE_CUDA() {
        return LB_DEVICE_CUDA;
    }

    private static final int LB_VERSION_MAJOR = (int)0L;

    public static int LB_VERSION_MAJOR() {
        return LB_VERSION_MAJOR;
    }

    private static final int LB_VERSION_MINOR = (int)1L;

    public static int LB_VERSION_MINOR() {
        return LB_VERSION_MINOR;
    }

    private static final int LB_VERSION_PATCH = (int)0L;

    public static int LB_VERSION_PATCH() {
        return LB_VERSION_PATCH;
    }

    /**
     * {@snippet lang=c :
     * typedef struct lb_tensor_s *lb_tensor
     * }
     */
    public static final AddressLayout lb_tensor = lowbit_h.C_POINTER;
    /**
     * {@snippet lang=c :
     * typedef struct lb_block_s *lb_block
     * }
     */
    public static final AddressLayout lb_block = lowbit_h.C_POINTER;

    private static class lb_last_error$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_POINTER
        );
    }

    private static class lb_last_error {
        public static final FunctionDescriptor DESC = lb_last_error$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_last_error");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_last_error$descriptor() {
        return lb_last_error$descriptor.DESC;
    }

    public static MethodHandle lb_last_error$handle() {
        return lb_last_error.HANDLE;
    }

    public static MemorySegment lb_last_error$address() {
        return lb_last_error.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *lb_last_error()
     * }
     */
    public static MemorySegment lb_last_error() {
        var mh$ = lb_last_error.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_last_error");
            }
            return (MemorySegment)mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_version$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_version {
        public static final FunctionDescriptor DESC = lb_version$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_version$descriptor() {
        return lb_version$descriptor.DESC;
    }

    public static MethodHandle lb_version$handle() {
        return lb_version.HANDLE;
    }

    public static MemorySegment lb_version$address() {
        return lb_version.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_version(int32_t *major, int32_t *minor, int32_t *patch)
     * }
     */
    public static int lb_version(MemorySegment major, MemorySegment minor, MemorySegment patch) {
        var mh$ = lb_version.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_version", major, minor, patch);
            }
            return (int)mh$.invokeExact(major, minor, patch);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_runtime_info_get$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_runtime_info_get {
        public static final FunctionDescriptor DESC = lb_runtime_info_get$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_runtime_info_get");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_runtime_info_get$descriptor() {
        return lb_runtime_info_get$descriptor.DESC;
    }

    public static MethodHandle lb_runtime_info_get$handle() {
        return lb_runtime_info_get.HANDLE;
    }

    public static MemorySegment lb_runtime_info_get$address() {
        return lb_runtime_info_get.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_runtime_info_get(lb_runtime_info *info)
     * }
     */
    public static int lb_runtime_info_get(MemorySegment info) {
        var mh$ = lb_runtime_info_get.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_runtime_info_get", info);
            }
            return (int)mh$.invokeExact(info);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_cuda_device_name$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG
        );
    }

    private static class lb_cuda_device_name {
        public static final FunctionDescriptor DESC = lb_cuda_device_name$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_cuda_device_name");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_cuda_device_name$descriptor() {
        return lb_cuda_device_name$descriptor.DESC;
    }

    public static MethodHandle lb_cuda_device_name$handle() {
        return lb_cuda_device_name.HANDLE;
    }

    public static MemorySegment lb_cuda_device_name$address() {
        return lb_cuda_device_name.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_cuda_device_name(int32_t index, char *buf, int64_t capacity)
     * }
     */
    public static int lb_cuda_device_name(int index, MemorySegment buf, long capacity) {
        var mh$ = lb_cuda_device_name.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_cuda_device_name", index, buf, capacity);
            }
            return (int)mh$.invokeExact(index, buf, capacity);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_set_num_threads$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_INT
        );
    }

    private static class lb_set_num_threads {
        public static final FunctionDescriptor DESC = lb_set_num_threads$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_set_num_threads");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_set_num_threads$descriptor() {
        return lb_set_num_threads$descriptor.DESC;
    }

    public static MethodHandle lb_set_num_threads$handle() {
        return lb_set_num_threads.HANDLE;
    }

    public static MemorySegment lb_set_num_threads$address() {
        return lb_set_num_threads.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_set_num_threads(int32_t threads)
     * }
     */
    public static int lb_set_num_threads(int threads) {
        var mh$ = lb_set_num_threads.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_set_num_threads", threads);
            }
            return (int)mh$.invokeExact(threads);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_manual_seed$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_LONG
        );
    }

    private static class lb_manual_seed {
        public static final FunctionDescriptor DESC = lb_manual_seed$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_manual_seed");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_manual_seed$descriptor() {
        return lb_manual_seed$descriptor.DESC;
    }

    public static MethodHandle lb_manual_seed$handle() {
        return lb_manual_seed.HANDLE;
    }

    public static MemorySegment lb_manual_seed$address() {
        return lb_manual_seed.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_manual_seed(uint64_t seed)
     * }
     */
    public static int lb_manual_seed(long seed) {
        var mh$ = lb_manual_seed.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_manual_seed", seed);
            }
            return (int)mh$.invokeExact(seed);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_from_host$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_from_host {
        public static final FunctionDescriptor DESC = lb_tensor_from_host$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_from_host");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_from_host$descriptor() {
        return lb_tensor_from_host$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_from_host$handle() {
        return lb_tensor_from_host.HANDLE;
    }

    public static MemorySegment lb_tensor_from_host$address() {
        return lb_tensor_from_host.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_from_host(const void *data, int32_t dtype, const int64_t *shape, int32_t ndim, int32_t device_type, int32_t device_index, lb_tensor *out)
     * }
     */
    public static int lb_tensor_from_host(MemorySegment data, int dtype, MemorySegment shape, int ndim, int device_type, int device_index, MemorySegment out) {
        var mh$ = lb_tensor_from_host.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_from_host", data, dtype, shape, ndim, device_type, device_index, out);
            }
            return (int)mh$.invokeExact(data, dtype, shape, ndim, device_type, device_index, out);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_to_host$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG
        );
    }

    private static class lb_tensor_to_host {
        public static final FunctionDescriptor DESC = lb_tensor_to_host$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_to_host");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_to_host$descriptor() {
        return lb_tensor_to_host$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_to_host$handle() {
        return lb_tensor_to_host.HANDLE;
    }

    public static MemorySegment lb_tensor_to_host$address() {
        return lb_tensor_to_host.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_to_host(lb_tensor t, void *dst, int64_t capacity_bytes)
     * }
     */
    public static int lb_tensor_to_host(MemorySegment t, MemorySegment dst, long capacity_bytes) {
        var mh$ = lb_tensor_to_host.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_to_host", t, dst, capacity_bytes);
            }
            return (int)mh$.invokeExact(t, dst, capacity_bytes);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_dtype$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_dtype {
        public static final FunctionDescriptor DESC = lb_tensor_dtype$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_dtype");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_dtype$descriptor() {
        return lb_tensor_dtype$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_dtype$handle() {
        return lb_tensor_dtype.HANDLE;
    }

    public static MemorySegment lb_tensor_dtype$address() {
        return lb_tensor_dtype.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_dtype(lb_tensor t, int32_t *dtype)
     * }
     */
    public static int lb_tensor_dtype(MemorySegment t, MemorySegment dtype) {
        var mh$ = lb_tensor_dtype.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_dtype", t, dtype);
            }
            return (int)mh$.invokeExact(t, dtype);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_ndim$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_ndim {
        public static final FunctionDescriptor DESC = lb_tensor_ndim$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_ndim");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_ndim$descriptor() {
        return lb_tensor_ndim$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_ndim$handle() {
        return lb_tensor_ndim.HANDLE;
    }

    public static MemorySegment lb_tensor_ndim$address() {
        return lb_tensor_ndim.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_ndim(lb_tensor t, int32_t *ndim)
     * }
     */
    public static int lb_tensor_ndim(MemorySegment t, MemorySegment ndim) {
        var mh$ = lb_tensor_ndim.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_ndim", t, ndim);
            }
            return (int)mh$.invokeExact(t, ndim);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_shape$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT
        );
    }

    private static class lb_tensor_shape {
        public static final FunctionDescriptor DESC = lb_tensor_shape$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_shape");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_shape$descriptor() {
        return lb_tensor_shape$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_shape$handle() {
        return lb_tensor_shape.HANDLE;
    }

    public static MemorySegment lb_tensor_shape$address() {
        return lb_tensor_shape.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_shape(lb_tensor t, int64_t *shape, int32_t capacity)
     * }
     */
    public static int lb_tensor_shape(MemorySegment t, MemorySegment shape, int capacity) {
        var mh$ = lb_tensor_shape.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_shape", t, shape, capacity);
            }
            return (int)mh$.invokeExact(t, shape, capacity);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_device$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_device {
        public static final FunctionDescriptor DESC = lb_tensor_device$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_device");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_device$descriptor() {
        return lb_tensor_device$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_device$handle() {
        return lb_tensor_device.HANDLE;
    }

    public static MemorySegment lb_tensor_device$address() {
        return lb_tensor_device.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_device(lb_tensor t, int32_t *device_type, int32_t *device_index)
     * }
     */
    public static int lb_tensor_device(MemorySegment t, MemorySegment device_type, MemorySegment device_index) {
        var mh$ = lb_tensor_device.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_device", t, device_type, device_index);
            }
            return (int)mh$.invokeExact(t, device_type, device_index);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_nbytes$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_nbytes {
        public static final FunctionDescriptor DESC = lb_tensor_nbytes$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_nbytes");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_nbytes$descriptor() {
        return lb_tensor_nbytes$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_nbytes$handle() {
        return lb_tensor_nbytes.HANDLE;
    }

    public static MemorySegment lb_tensor_nbytes$address() {
        return lb_tensor_nbytes.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_nbytes(lb_tensor t, int64_t *nbytes)
     * }
     */
    public static int lb_tensor_nbytes(MemorySegment t, MemorySegment nbytes) {
        var mh$ = lb_tensor_nbytes.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_nbytes", t, nbytes);
            }
            return (int)mh$.invokeExact(t, nbytes);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_to$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_to {
        public static final FunctionDescriptor DESC = lb_tensor_to$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_to");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_to$descriptor() {
        return lb_tensor_to$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_to$handle() {
        return lb_tensor_to.HANDLE;
    }

    public static MemorySegment lb_tensor_to$address() {
        return lb_tensor_to.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_to(lb_tensor t, int32_t dtype, int32_t device_type, int32_t device_index, lb_tensor *out)
     * }
     */
    public static int lb_tensor_to(MemorySegment t, int dtype, int device_type, int device_index, MemorySegment out) {
        var mh$ = lb_tensor_to.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_to", t, dtype, device_type, device_index, out);
            }
            return (int)mh$.invokeExact(t, dtype, device_type, device_index, out);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_free$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_free {
        public static final FunctionDescriptor DESC = lb_tensor_free$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_free$descriptor() {
        return lb_tensor_free$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_free$handle() {
        return lb_tensor_free.HANDLE;
    }

    public static MemorySegment lb_tensor_free$address() {
        return lb_tensor_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void lb_tensor_free(lb_tensor t)
     * }
     */
    public static void lb_tensor_free(MemorySegment t) {
        var mh$ = lb_tensor_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_free", t);
            }
            mh$.invokeExact(t);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_quantize_rtn$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_quantize_rtn {
        public static final FunctionDescriptor DESC = lb_quantize_rtn$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_quantize_rtn");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_quantize_rtn$descriptor() {
        return lb_quantize_rtn$descriptor.DESC;
    }

    public static MethodHandle lb_quantize_rtn$handle() {
        return lb_quantize_rtn.HANDLE;
    }

    public static MemorySegment lb_quantize_rtn$address() {
        return lb_quantize_rtn.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_quantize_rtn(lb_tensor weight, const lb_rtn_options *options, lb_tensor *codes, lb_tensor *scales, lb_tensor *zeros, lb_tensor *dequant)
     * }
     */
    public static int lb_quantize_rtn(MemorySegment weight, MemorySegment options, MemorySegment codes, MemorySegment scales, MemorySegment zeros, MemorySegment dequant) {
        var mh$ = lb_quantize_rtn.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_quantize_rtn", weight, options, codes, scales, zeros, dequant);
            }
            return (int)mh$.invokeExact(weight, options, codes, scales, zeros, dequant);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_wrap_host$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_wrap_host {
        public static final FunctionDescriptor DESC = lb_tensor_wrap_host$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_wrap_host");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_wrap_host$descriptor() {
        return lb_tensor_wrap_host$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_wrap_host$handle() {
        return lb_tensor_wrap_host.HANDLE;
    }

    public static MemorySegment lb_tensor_wrap_host$address() {
        return lb_tensor_wrap_host.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_wrap_host(void *data, int32_t dtype, const int64_t *shape, int32_t ndim, lb_tensor *out)
     * }
     */
    public static int lb_tensor_wrap_host(MemorySegment data, int dtype, MemorySegment shape, int ndim, MemorySegment out) {
        var mh$ = lb_tensor_wrap_host.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_wrap_host", data, dtype, shape, ndim, out);
            }
            return (int)mh$.invokeExact(data, dtype, shape, ndim, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_transpose$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_transpose {
        public static final FunctionDescriptor DESC = lb_tensor_transpose$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_transpose");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_transpose$descriptor() {
        return lb_tensor_transpose$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_transpose$handle() {
        return lb_tensor_transpose.HANDLE;
    }

    public static MemorySegment lb_tensor_transpose$address() {
        return lb_tensor_transpose.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_transpose(lb_tensor t, lb_tensor *out)
     * }
     */
    public static int lb_tensor_transpose(MemorySegment t, MemorySegment out) {
        var mh$ = lb_tensor_transpose.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_transpose", t, out);
            }
            return (int)mh$.invokeExact(t, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_zeros$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_zeros {
        public static final FunctionDescriptor DESC = lb_tensor_zeros$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_zeros");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_zeros$descriptor() {
        return lb_tensor_zeros$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_zeros$handle() {
        return lb_tensor_zeros.HANDLE;
    }

    public static MemorySegment lb_tensor_zeros$address() {
        return lb_tensor_zeros.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_zeros(int32_t dtype, const int64_t *shape, int32_t ndim, int32_t device_type, int32_t device_index, lb_tensor *out)
     * }
     */
    public static int lb_tensor_zeros(int dtype, MemorySegment shape, int ndim, int device_type, int device_index, MemorySegment out) {
        var mh$ = lb_tensor_zeros.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_zeros", dtype, shape, ndim, device_type, device_index, out);
            }
            return (int)mh$.invokeExact(dtype, shape, ndim, device_type, device_index, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_narrow$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_LONG,
            lowbit_h.C_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_narrow {
        public static final FunctionDescriptor DESC = lb_tensor_narrow$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_narrow");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_narrow$descriptor() {
        return lb_tensor_narrow$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_narrow$handle() {
        return lb_tensor_narrow.HANDLE;
    }

    public static MemorySegment lb_tensor_narrow$address() {
        return lb_tensor_narrow.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_narrow(lb_tensor t, int32_t dim, int64_t start, int64_t length, lb_tensor *out)
     * }
     */
    public static int lb_tensor_narrow(MemorySegment t, int dim, long start, long length, MemorySegment out) {
        var mh$ = lb_tensor_narrow.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_narrow", t, dim, start, length, out);
            }
            return (int)mh$.invokeExact(t, dim, start, length, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_copy_into$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_copy_into {
        public static final FunctionDescriptor DESC = lb_tensor_copy_into$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_copy_into");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_copy_into$descriptor() {
        return lb_tensor_copy_into$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_copy_into$handle() {
        return lb_tensor_copy_into.HANDLE;
    }

    public static MemorySegment lb_tensor_copy_into$address() {
        return lb_tensor_copy_into.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_copy_into(lb_tensor dst, lb_tensor src)
     * }
     */
    public static int lb_tensor_copy_into(MemorySegment dst, MemorySegment src) {
        var mh$ = lb_tensor_copy_into.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_copy_into", dst, src);
            }
            return (int)mh$.invokeExact(dst, src);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_tensor_sq_error$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_tensor_sq_error {
        public static final FunctionDescriptor DESC = lb_tensor_sq_error$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_tensor_sq_error");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_tensor_sq_error$descriptor() {
        return lb_tensor_sq_error$descriptor.DESC;
    }

    public static MethodHandle lb_tensor_sq_error$handle() {
        return lb_tensor_sq_error.HANDLE;
    }

    public static MemorySegment lb_tensor_sq_error$address() {
        return lb_tensor_sq_error.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_tensor_sq_error(lb_tensor reference, lb_tensor approx, double *sum_sq_error, double *sum_sq_reference)
     * }
     */
    public static int lb_tensor_sq_error(MemorySegment reference, MemorySegment approx, MemorySegment sum_sq_error, MemorySegment sum_sq_reference) {
        var mh$ = lb_tensor_sq_error.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_tensor_sq_error", reference, approx, sum_sq_error, sum_sq_reference);
            }
            return (int)mh$.invokeExact(reference, approx, sum_sq_error, sum_sq_reference);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_pack_bits$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_pack_bits {
        public static final FunctionDescriptor DESC = lb_pack_bits$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_pack_bits");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_pack_bits$descriptor() {
        return lb_pack_bits$descriptor.DESC;
    }

    public static MethodHandle lb_pack_bits$handle() {
        return lb_pack_bits.HANDLE;
    }

    public static MemorySegment lb_pack_bits$address() {
        return lb_pack_bits.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_pack_bits(lb_tensor values, int32_t bits, int32_t dim, lb_tensor *packed)
     * }
     */
    public static int lb_pack_bits(MemorySegment values, int bits, int dim, MemorySegment packed) {
        var mh$ = lb_pack_bits.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_pack_bits", values, bits, dim, packed);
            }
            return (int)mh$.invokeExact(values, bits, dim, packed);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_unpack_bits$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_unpack_bits {
        public static final FunctionDescriptor DESC = lb_unpack_bits$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_unpack_bits");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_unpack_bits$descriptor() {
        return lb_unpack_bits$descriptor.DESC;
    }

    public static MethodHandle lb_unpack_bits$handle() {
        return lb_unpack_bits.HANDLE;
    }

    public static MemorySegment lb_unpack_bits$address() {
        return lb_unpack_bits.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_unpack_bits(lb_tensor packed, int32_t bits, int32_t dim, lb_tensor *values)
     * }
     */
    public static int lb_unpack_bits(MemorySegment packed, int bits, int dim, MemorySegment values) {
        var mh$ = lb_unpack_bits.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_unpack_bits", packed, bits, dim, values);
            }
            return (int)mh$.invokeExact(packed, bits, dim, values);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_dequantize_gptq$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_LONG,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_dequantize_gptq {
        public static final FunctionDescriptor DESC = lb_dequantize_gptq$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_dequantize_gptq");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_dequantize_gptq$descriptor() {
        return lb_dequantize_gptq$descriptor.DESC;
    }

    public static MethodHandle lb_dequantize_gptq$handle() {
        return lb_dequantize_gptq.HANDLE;
    }

    public static MemorySegment lb_dequantize_gptq$address() {
        return lb_dequantize_gptq.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_dequantize_gptq(lb_tensor qweight, lb_tensor qzeros, lb_tensor scales, lb_tensor g_idx, int32_t bits, int64_t group_size, int32_t zero_offset, lb_tensor *weight)
     * }
     */
    public static int lb_dequantize_gptq(MemorySegment qweight, MemorySegment qzeros, MemorySegment scales, MemorySegment g_idx, int bits, long group_size, int zero_offset, MemorySegment weight) {
        var mh$ = lb_dequantize_gptq.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_dequantize_gptq", qweight, qzeros, scales, g_idx, bits, group_size, zero_offset, weight);
            }
            return (int)mh$.invokeExact(qweight, qzeros, scales, g_idx, bits, group_size, zero_offset, weight);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_llama_block_create$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_llama_block_create {
        public static final FunctionDescriptor DESC = lb_llama_block_create$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_llama_block_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_llama_block_create$descriptor() {
        return lb_llama_block_create$descriptor.DESC;
    }

    public static MethodHandle lb_llama_block_create$handle() {
        return lb_llama_block_create.HANDLE;
    }

    public static MemorySegment lb_llama_block_create$address() {
        return lb_llama_block_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_llama_block_create(const lb_llama_config *config, const lb_llama_block_weights *weights, int32_t device_type, int32_t device_index, lb_block *out)
     * }
     */
    public static int lb_llama_block_create(MemorySegment config, MemorySegment weights, int device_type, int device_index, MemorySegment out) {
        var mh$ = lb_llama_block_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_llama_block_create", config, weights, device_type, device_index, out);
            }
            return (int)mh$.invokeExact(config, weights, device_type, device_index, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_llama_block_free$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            lowbit_h.C_POINTER
        );
    }

    private static class lb_llama_block_free {
        public static final FunctionDescriptor DESC = lb_llama_block_free$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_llama_block_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_llama_block_free$descriptor() {
        return lb_llama_block_free$descriptor.DESC;
    }

    public static MethodHandle lb_llama_block_free$handle() {
        return lb_llama_block_free.HANDLE;
    }

    public static MemorySegment lb_llama_block_free$address() {
        return lb_llama_block_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void lb_llama_block_free(lb_block block)
     * }
     */
    public static void lb_llama_block_free(MemorySegment block) {
        var mh$ = lb_llama_block_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_llama_block_free", block);
            }
            mh$.invokeExact(block);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_llama_block_forward$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_llama_block_forward {
        public static final FunctionDescriptor DESC = lb_llama_block_forward$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_llama_block_forward");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_llama_block_forward$descriptor() {
        return lb_llama_block_forward$descriptor.DESC;
    }

    public static MethodHandle lb_llama_block_forward$handle() {
        return lb_llama_block_forward.HANDLE;
    }

    public static MemorySegment lb_llama_block_forward$address() {
        return lb_llama_block_forward.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_llama_block_forward(lb_block block, lb_tensor hidden, lb_tensor *out)
     * }
     */
    public static int lb_llama_block_forward(MemorySegment block, MemorySegment hidden, MemorySegment out) {
        var mh$ = lb_llama_block_forward.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_llama_block_forward", block, hidden, out);
            }
            return (int)mh$.invokeExact(block, hidden, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_embedding$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_embedding {
        public static final FunctionDescriptor DESC = lb_embedding$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_embedding");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_embedding$descriptor() {
        return lb_embedding$descriptor.DESC;
    }

    public static MethodHandle lb_embedding$handle() {
        return lb_embedding.HANDLE;
    }

    public static MemorySegment lb_embedding$address() {
        return lb_embedding.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_embedding(lb_tensor table, lb_tensor ids, int32_t dtype, int32_t device_type, int32_t device_index, lb_tensor *out)
     * }
     */
    public static int lb_embedding(MemorySegment table, MemorySegment ids, int dtype, int device_type, int device_index, MemorySegment out) {
        var mh$ = lb_embedding.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_embedding", table, ids, dtype, device_type, device_index, out);
            }
            return (int)mh$.invokeExact(table, ids, dtype, device_type, device_index, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_llama_head$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_llama_head {
        public static final FunctionDescriptor DESC = lb_llama_head$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_llama_head");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_llama_head$descriptor() {
        return lb_llama_head$descriptor.DESC;
    }

    public static MethodHandle lb_llama_head$handle() {
        return lb_llama_head.HANDLE;
    }

    public static MemorySegment lb_llama_head$address() {
        return lb_llama_head.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_llama_head(lb_tensor hidden, lb_tensor norm_weight, lb_tensor lm_head, double rms_norm_eps, lb_tensor ids, lb_tensor *nll, lb_tensor *logits)
     * }
     */
    public static int lb_llama_head(MemorySegment hidden, MemorySegment norm_weight, MemorySegment lm_head, double rms_norm_eps, MemorySegment ids, MemorySegment nll, MemorySegment logits) {
        var mh$ = lb_llama_head.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_llama_head", hidden, norm_weight, lm_head, rms_norm_eps, ids, nll, logits);
            }
            return (int)mh$.invokeExact(hidden, norm_weight, lm_head, rms_norm_eps, ids, nll, logits);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_synchronize$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_INT
        );
    }

    private static class lb_synchronize {
        public static final FunctionDescriptor DESC = lb_synchronize$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_synchronize");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_synchronize$descriptor() {
        return lb_synchronize$descriptor.DESC;
    }

    public static MethodHandle lb_synchronize$handle() {
        return lb_synchronize.HANDLE;
    }

    public static MemorySegment lb_synchronize$address() {
        return lb_synchronize.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_synchronize(int32_t device_type, int32_t device_index)
     * }
     */
    public static int lb_synchronize(int device_type, int device_index) {
        var mh$ = lb_synchronize.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_synchronize", device_type, device_index);
            }
            return (int)mh$.invokeExact(device_type, device_index);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_fake_quant_forward$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_fake_quant_forward {
        public static final FunctionDescriptor DESC = lb_fake_quant_forward$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_fake_quant_forward");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_fake_quant_forward$descriptor() {
        return lb_fake_quant_forward$descriptor.DESC;
    }

    public static MethodHandle lb_fake_quant_forward$handle() {
        return lb_fake_quant_forward.HANDLE;
    }

    public static MemorySegment lb_fake_quant_forward$address() {
        return lb_fake_quant_forward.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_fake_quant_forward(lb_tensor w, lb_tensor scales, lb_tensor zeros, int32_t bits, int64_t group_size, lb_tensor *w_hat)
     * }
     */
    public static int lb_fake_quant_forward(MemorySegment w, MemorySegment scales, MemorySegment zeros, int bits, long group_size, MemorySegment w_hat) {
        var mh$ = lb_fake_quant_forward.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_fake_quant_forward", w, scales, zeros, bits, group_size, w_hat);
            }
            return (int)mh$.invokeExact(w, scales, zeros, bits, group_size, w_hat);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_fake_quant_backward$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_LONG,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_fake_quant_backward {
        public static final FunctionDescriptor DESC = lb_fake_quant_backward$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_fake_quant_backward");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_fake_quant_backward$descriptor() {
        return lb_fake_quant_backward$descriptor.DESC;
    }

    public static MethodHandle lb_fake_quant_backward$handle() {
        return lb_fake_quant_backward.HANDLE;
    }

    public static MemorySegment lb_fake_quant_backward$address() {
        return lb_fake_quant_backward.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_fake_quant_backward(lb_tensor w, lb_tensor scales, lb_tensor zeros, int32_t bits, int64_t group_size, lb_tensor grad_w_hat, lb_tensor *grad_w, lb_tensor *grad_scales, lb_tensor *grad_zeros)
     * }
     */
    public static int lb_fake_quant_backward(MemorySegment w, MemorySegment scales, MemorySegment zeros, int bits, long group_size, MemorySegment grad_w_hat, MemorySegment grad_w, MemorySegment grad_scales, MemorySegment grad_zeros) {
        var mh$ = lb_fake_quant_backward.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_fake_quant_backward", w, scales, zeros, bits, group_size, grad_w_hat, grad_w, grad_scales, grad_zeros);
            }
            return (int)mh$.invokeExact(w, scales, zeros, bits, group_size, grad_w_hat, grad_w, grad_scales, grad_zeros);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_recon_loss$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_recon_loss {
        public static final FunctionDescriptor DESC = lb_recon_loss$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_recon_loss");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_recon_loss$descriptor() {
        return lb_recon_loss$descriptor.DESC;
    }

    public static MethodHandle lb_recon_loss$handle() {
        return lb_recon_loss.HANDLE;
    }

    public static MemorySegment lb_recon_loss$address() {
        return lb_recon_loss.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_recon_loss(lb_tensor a, lb_tensor b, double *loss, lb_tensor *grad_a)
     * }
     */
    public static int lb_recon_loss(MemorySegment a, MemorySegment b, MemorySegment loss, MemorySegment grad_a) {
        var mh$ = lb_recon_loss.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_recon_loss", a, b, loss, grad_a);
            }
            return (int)mh$.invokeExact(a, b, loss, grad_a);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_packed_linear$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_LONG,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_packed_linear {
        public static final FunctionDescriptor DESC = lb_packed_linear$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_packed_linear");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_packed_linear$descriptor() {
        return lb_packed_linear$descriptor.DESC;
    }

    public static MethodHandle lb_packed_linear$handle() {
        return lb_packed_linear.HANDLE;
    }

    public static MemorySegment lb_packed_linear$address() {
        return lb_packed_linear.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_packed_linear(lb_tensor x, lb_tensor qweight, lb_tensor qzeros, lb_tensor scales, int32_t bits, int64_t group_size, int32_t zero_offset, lb_tensor *y)
     * }
     */
    public static int lb_packed_linear(MemorySegment x, MemorySegment qweight, MemorySegment qzeros, MemorySegment scales, int bits, long group_size, int zero_offset, MemorySegment y) {
        var mh$ = lb_packed_linear.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_packed_linear", x, qweight, qzeros, scales, bits, group_size, zero_offset, y);
            }
            return (int)mh$.invokeExact(x, qweight, qzeros, scales, bits, group_size, zero_offset, y);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_linear$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_linear {
        public static final FunctionDescriptor DESC = lb_linear$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_linear");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_linear$descriptor() {
        return lb_linear$descriptor.DESC;
    }

    public static MethodHandle lb_linear$handle() {
        return lb_linear.HANDLE;
    }

    public static MemorySegment lb_linear$address() {
        return lb_linear.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_linear(lb_tensor x, lb_tensor weight, lb_tensor *y)
     * }
     */
    public static int lb_linear(MemorySegment x, MemorySegment weight, MemorySegment y) {
        var mh$ = lb_linear.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_linear", x, weight, y);
            }
            return (int)mh$.invokeExact(x, weight, y);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- whole-model inference decoder ----
    /**
     * {@snippet lang=c :
     * typedef struct lb_decoder_s *lb_decoder
     * }
     */
    public static final AddressLayout lb_decoder = lowbit_h.C_POINTER;

    private static class lb_decoder_create$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_decoder_create {
        public static final FunctionDescriptor DESC = lb_decoder_create$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_decoder_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_decoder_create$descriptor() {
        return lb_decoder_create$descriptor.DESC;
    }

    public static MethodHandle lb_decoder_create$handle() {
        return lb_decoder_create.HANDLE;
    }

    public static MemorySegment lb_decoder_create$address() {
        return lb_decoder_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_decoder_create(const lb_llama_config *config, lb_tensor embed, lb_tensor final_norm, lb_tensor lm_head, const lb_decoder_options *options, int32_t device_type, int32_t device_index, lb_decoder *out)
     * }
     */
    public static int lb_decoder_create(MemorySegment config, MemorySegment embed, MemorySegment final_norm, MemorySegment lm_head, MemorySegment options, int device_type, int device_index, MemorySegment out) {
        var mh$ = lb_decoder_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_decoder_create", config, embed, final_norm, lm_head, options, device_type, device_index, out);
            }
            return (int)mh$.invokeExact(config, embed, final_norm, lm_head, options, device_type, device_index, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_decoder_add_layer$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT
        );
    }

    private static class lb_decoder_add_layer {
        public static final FunctionDescriptor DESC = lb_decoder_add_layer$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_decoder_add_layer");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_decoder_add_layer$descriptor() {
        return lb_decoder_add_layer$descriptor.DESC;
    }

    public static MethodHandle lb_decoder_add_layer$handle() {
        return lb_decoder_add_layer.HANDLE;
    }

    public static MemorySegment lb_decoder_add_layer$address() {
        return lb_decoder_add_layer.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_decoder_add_layer(lb_decoder decoder, lb_tensor input_norm, lb_tensor post_attention_norm, const lb_decoder_linear *linears, int32_t count)
     * }
     */
    public static int lb_decoder_add_layer(MemorySegment decoder, MemorySegment input_norm, MemorySegment post_attention_norm, MemorySegment linears, int count) {
        var mh$ = lb_decoder_add_layer.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_decoder_add_layer", decoder, input_norm, post_attention_norm, linears, count);
            }
            return (int)mh$.invokeExact(decoder, input_norm, post_attention_norm, linears, count);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_decoder_free$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            lowbit_h.C_POINTER
        );
    }

    private static class lb_decoder_free {
        public static final FunctionDescriptor DESC = lb_decoder_free$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_decoder_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_decoder_free$descriptor() {
        return lb_decoder_free$descriptor.DESC;
    }

    public static MethodHandle lb_decoder_free$handle() {
        return lb_decoder_free.HANDLE;
    }

    public static MemorySegment lb_decoder_free$address() {
        return lb_decoder_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void lb_decoder_free(lb_decoder decoder)
     * }
     */
    public static void lb_decoder_free(MemorySegment decoder) {
        var mh$ = lb_decoder_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_decoder_free", decoder);
            }
            mh$.invokeExact(decoder);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_decoder_reset$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_decoder_reset {
        public static final FunctionDescriptor DESC = lb_decoder_reset$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_decoder_reset");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_decoder_reset$descriptor() {
        return lb_decoder_reset$descriptor.DESC;
    }

    public static MethodHandle lb_decoder_reset$handle() {
        return lb_decoder_reset.HANDLE;
    }

    public static MemorySegment lb_decoder_reset$address() {
        return lb_decoder_reset.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_decoder_reset(lb_decoder decoder)
     * }
     */
    public static int lb_decoder_reset(MemorySegment decoder) {
        var mh$ = lb_decoder_reset.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_decoder_reset", decoder);
            }
            return (int)mh$.invokeExact(decoder);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_decoder_prefill$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_decoder_prefill {
        public static final FunctionDescriptor DESC = lb_decoder_prefill$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_decoder_prefill");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_decoder_prefill$descriptor() {
        return lb_decoder_prefill$descriptor.DESC;
    }

    public static MethodHandle lb_decoder_prefill$handle() {
        return lb_decoder_prefill.HANDLE;
    }

    public static MemorySegment lb_decoder_prefill$address() {
        return lb_decoder_prefill.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_decoder_prefill(lb_decoder decoder, const int64_t *ids, int64_t n, lb_tensor *logits)
     * }
     */
    public static int lb_decoder_prefill(MemorySegment decoder, MemorySegment ids, long n, MemorySegment logits) {
        var mh$ = lb_decoder_prefill.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_decoder_prefill", decoder, ids, n, logits);
            }
            return (int)mh$.invokeExact(decoder, ids, n, logits);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_decoder_decode$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_decoder_decode {
        public static final FunctionDescriptor DESC = lb_decoder_decode$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_decoder_decode");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_decoder_decode$descriptor() {
        return lb_decoder_decode$descriptor.DESC;
    }

    public static MethodHandle lb_decoder_decode$handle() {
        return lb_decoder_decode.HANDLE;
    }

    public static MemorySegment lb_decoder_decode$address() {
        return lb_decoder_decode.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_decoder_decode(lb_decoder decoder, int64_t token, lb_tensor *logits)
     * }
     */
    public static int lb_decoder_decode(MemorySegment decoder, long token, MemorySegment logits) {
        var mh$ = lb_decoder_decode.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_decoder_decode", decoder, token, logits);
            }
            return (int)mh$.invokeExact(decoder, token, logits);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_decoder_set_sampling$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_decoder_set_sampling {
        public static final FunctionDescriptor DESC = lb_decoder_set_sampling$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_decoder_set_sampling");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_decoder_set_sampling$descriptor() {
        return lb_decoder_set_sampling$descriptor.DESC;
    }

    public static MethodHandle lb_decoder_set_sampling$handle() {
        return lb_decoder_set_sampling.HANDLE;
    }

    public static MemorySegment lb_decoder_set_sampling$address() {
        return lb_decoder_set_sampling.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_decoder_set_sampling(lb_decoder decoder, const lb_sampling_options *options)
     * }
     */
    public static int lb_decoder_set_sampling(MemorySegment decoder, MemorySegment options) {
        var mh$ = lb_decoder_set_sampling.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_decoder_set_sampling", decoder, options);
            }
            return (int)mh$.invokeExact(decoder, options);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_decoder_prefill_next$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_decoder_prefill_next {
        public static final FunctionDescriptor DESC = lb_decoder_prefill_next$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_decoder_prefill_next");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_decoder_prefill_next$descriptor() {
        return lb_decoder_prefill_next$descriptor.DESC;
    }

    public static MethodHandle lb_decoder_prefill_next$handle() {
        return lb_decoder_prefill_next.HANDLE;
    }

    public static MemorySegment lb_decoder_prefill_next$address() {
        return lb_decoder_prefill_next.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_decoder_prefill_next(lb_decoder decoder, const int64_t *ids, int64_t n, int64_t *next_token)
     * }
     */
    public static int lb_decoder_prefill_next(MemorySegment decoder, MemorySegment ids, long n, MemorySegment next_token) {
        var mh$ = lb_decoder_prefill_next.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_decoder_prefill_next", decoder, ids, n, next_token);
            }
            return (int)mh$.invokeExact(decoder, ids, n, next_token);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_decoder_decode_next$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_decoder_decode_next {
        public static final FunctionDescriptor DESC = lb_decoder_decode_next$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_decoder_decode_next");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_decoder_decode_next$descriptor() {
        return lb_decoder_decode_next$descriptor.DESC;
    }

    public static MethodHandle lb_decoder_decode_next$handle() {
        return lb_decoder_decode_next.HANDLE;
    }

    public static MemorySegment lb_decoder_decode_next$address() {
        return lb_decoder_decode_next.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_decoder_decode_next(lb_decoder decoder, int64_t token, int64_t *next_token)
     * }
     */
    public static int lb_decoder_decode_next(MemorySegment decoder, long token, MemorySegment next_token) {
        var mh$ = lb_decoder_decode_next.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_decoder_decode_next", decoder, token, next_token);
            }
            return (int)mh$.invokeExact(decoder, token, next_token);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_decoder_get_stats$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_decoder_get_stats {
        public static final FunctionDescriptor DESC = lb_decoder_get_stats$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_decoder_get_stats");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_decoder_get_stats$descriptor() {
        return lb_decoder_get_stats$descriptor.DESC;
    }

    public static MethodHandle lb_decoder_get_stats$handle() {
        return lb_decoder_get_stats.HANDLE;
    }

    public static MemorySegment lb_decoder_get_stats$address() {
        return lb_decoder_get_stats.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_decoder_get_stats(lb_decoder decoder, lb_decoder_stats *stats)
     * }
     */
    public static int lb_decoder_get_stats(MemorySegment decoder, MemorySegment stats) {
        var mh$ = lb_decoder_get_stats.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_decoder_get_stats", decoder, stats);
            }
            return (int)mh$.invokeExact(decoder, stats);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_vq_dequantize$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_vq_dequantize {
        public static final FunctionDescriptor DESC = lb_vq_dequantize$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_vq_dequantize");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_vq_dequantize$descriptor() {
        return lb_vq_dequantize$descriptor.DESC;
    }

    public static MethodHandle lb_vq_dequantize$handle() {
        return lb_vq_dequantize.HANDLE;
    }

    public static MemorySegment lb_vq_dequantize$address() {
        return lb_vq_dequantize.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_vq_dequantize(const lb_vq_weights *w, lb_tensor *weight)
     * }
     */
    public static int lb_vq_dequantize(MemorySegment w, MemorySegment weight) {
        var mh$ = lb_vq_dequantize.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_vq_dequantize", w, weight);
            }
            return (int)mh$.invokeExact(w, weight);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_vq_linear$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_vq_linear {
        public static final FunctionDescriptor DESC = lb_vq_linear$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_vq_linear");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_vq_linear$descriptor() {
        return lb_vq_linear$descriptor.DESC;
    }

    public static MethodHandle lb_vq_linear$handle() {
        return lb_vq_linear.HANDLE;
    }

    public static MemorySegment lb_vq_linear$address() {
        return lb_vq_linear.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_vq_linear(lb_tensor x, const lb_vq_weights *w, lb_tensor *y)
     * }
     */
    public static int lb_vq_linear(MemorySegment x, MemorySegment w, MemorySegment y) {
        var mh$ = lb_vq_linear.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_vq_linear", x, w, y);
            }
            return (int)mh$.invokeExact(x, w, y);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_vq_bank_indices$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_vq_bank_indices {
        public static final FunctionDescriptor DESC = lb_vq_bank_indices$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_vq_bank_indices");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_vq_bank_indices$descriptor() {
        return lb_vq_bank_indices$descriptor.DESC;
    }

    public static MethodHandle lb_vq_bank_indices$handle() {
        return lb_vq_bank_indices.HANDLE;
    }

    public static MemorySegment lb_vq_bank_indices$address() {
        return lb_vq_bank_indices.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_vq_bank_indices(const lb_vq_weights *w, lb_tensor *slots)
     * }
     */
    public static int lb_vq_bank_indices(MemorySegment w, MemorySegment slots) {
        var mh$ = lb_vq_bank_indices.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_vq_bank_indices", w, slots);
            }
            return (int)mh$.invokeExact(w, slots);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- LR-QAT ----
    /**
     * {@snippet lang=c :
     * typedef struct lb_lrqat_model_s *lb_lrqat_model
     * }
     */
    public static final AddressLayout lb_lrqat_model = lowbit_h.C_POINTER;
    private static final int LB_LRQAT_DOWNCAST_Q8 = (int)0L;
    /**
     * {@snippet lang=c :
     * #define LB_LRQAT_DOWNCAST_Q8 0
     * }
     */
    public static int LB_LRQAT_DOWNCAST_Q8() {
        return LB_LRQAT_DOWNCAST_Q8;
    }
    private static final int LB_LRQAT_DOWNCAST_INT4 = (int)1L;
    /**
     * {@snippet lang=c :
     * #define LB_LRQAT_DOWNCAST_INT4 1
     * }
     */
    public static int LB_LRQAT_DOWNCAST_INT4() {
        return LB_LRQAT_DOWNCAST_INT4;
    }
    private static final int LB_LRQAT_DOWNCAST_BF16 = (int)2L;
    /**
     * {@snippet lang=c :
     * #define LB_LRQAT_DOWNCAST_BF16 2
     * }
     */
    public static int LB_LRQAT_DOWNCAST_BF16() {
        return LB_LRQAT_DOWNCAST_BF16;
    }

    private static class lb_lrqat_scale_init$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_scale_init {
        public static final FunctionDescriptor DESC = lb_lrqat_scale_init$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_scale_init");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_scale_init$descriptor() {
        return lb_lrqat_scale_init$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_scale_init$handle() {
        return lb_lrqat_scale_init.HANDLE;
    }

    public static MemorySegment lb_lrqat_scale_init$address() {
        return lb_lrqat_scale_init.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_scale_init(lb_tensor weight, const lb_lrqat_options *options, lb_tensor *scales, lb_tensor *zeros)
     * }
     */
    public static int lb_lrqat_scale_init(MemorySegment weight, MemorySegment options, MemorySegment scales, MemorySegment zeros) {
        var mh$ = lb_lrqat_scale_init.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_scale_init", weight, options, scales, zeros);
            }
            return (int)mh$.invokeExact(weight, options, scales, zeros);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_downcast$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_downcast {
        public static final FunctionDescriptor DESC = lb_lrqat_downcast$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_downcast");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_downcast$descriptor() {
        return lb_lrqat_downcast$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_downcast$handle() {
        return lb_lrqat_downcast.HANDLE;
    }

    public static MemorySegment lb_lrqat_downcast$address() {
        return lb_lrqat_downcast.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_downcast(lb_tensor weight, lb_tensor scales, lb_tensor zeros, const lb_lrqat_options *options, lb_tensor *phi0)
     * }
     */
    public static int lb_lrqat_downcast(MemorySegment weight, MemorySegment scales, MemorySegment zeros, MemorySegment options, MemorySegment phi0) {
        var mh$ = lb_lrqat_downcast.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_downcast", weight, scales, zeros, options, phi0);
            }
            return (int)mh$.invokeExact(weight, scales, zeros, options, phi0);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_upcast$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_upcast {
        public static final FunctionDescriptor DESC = lb_lrqat_upcast$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_upcast");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_upcast$descriptor() {
        return lb_lrqat_upcast$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_upcast$handle() {
        return lb_lrqat_upcast.HANDLE;
    }

    public static MemorySegment lb_lrqat_upcast$address() {
        return lb_lrqat_upcast.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_upcast(lb_tensor phi0, const lb_lrqat_options *options, lb_tensor *grid)
     * }
     */
    public static int lb_lrqat_upcast(MemorySegment phi0, MemorySegment options, MemorySegment grid) {
        var mh$ = lb_lrqat_upcast.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_upcast", phi0, options, grid);
            }
            return (int)mh$.invokeExact(phi0, options, grid);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_linear$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_linear {
        public static final FunctionDescriptor DESC = lb_lrqat_linear$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_linear");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_linear$descriptor() {
        return lb_lrqat_linear$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_linear$handle() {
        return lb_lrqat_linear.HANDLE;
    }

    public static MemorySegment lb_lrqat_linear$address() {
        return lb_lrqat_linear.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_linear(lb_tensor x, lb_tensor phi0, lb_tensor a, lb_tensor b, lb_tensor scales, lb_tensor zeros, const lb_lrqat_options *options, lb_tensor grad_y, lb_tensor *y, lb_tensor *grad_x, lb_tensor *grad_a, lb_tensor *grad_b, lb_tensor *grad_scales)
     * }
     */
    public static int lb_lrqat_linear(MemorySegment x, MemorySegment phi0, MemorySegment a, MemorySegment b, MemorySegment scales, MemorySegment zeros, MemorySegment options, MemorySegment grad_y, MemorySegment y, MemorySegment grad_x, MemorySegment grad_a, MemorySegment grad_b, MemorySegment grad_scales) {
        var mh$ = lb_lrqat_linear.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_linear", x, phi0, a, b, scales, zeros, options, grad_y, y, grad_x, grad_a, grad_b, grad_scales);
            }
            return (int)mh$.invokeExact(x, phi0, a, b, scales, zeros, options, grad_y, y, grad_x, grad_a, grad_b, grad_scales);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_create$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_model_create {
        public static final FunctionDescriptor DESC = lb_lrqat_model_create$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_create$descriptor() {
        return lb_lrqat_model_create$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_create$handle() {
        return lb_lrqat_model_create.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_create$address() {
        return lb_lrqat_model_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_create(const lb_llama_config *config, const lb_lrqat_options *options, int64_t num_layers, lb_tensor embed, lb_tensor final_norm, lb_tensor lm_head, int32_t device_type, int32_t device_index, lb_lrqat_model *out)
     * }
     */
    public static int lb_lrqat_model_create(MemorySegment config, MemorySegment options, long num_layers, MemorySegment embed, MemorySegment final_norm, MemorySegment lm_head, int device_type, int device_index, MemorySegment out) {
        var mh$ = lb_lrqat_model_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_create", config, options, num_layers, embed, final_norm, lm_head, device_type, device_index, out);
            }
            return (int)mh$.invokeExact(config, options, num_layers, embed, final_norm, lm_head, device_type, device_index, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_free$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_model_free {
        public static final FunctionDescriptor DESC = lb_lrqat_model_free$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_free$descriptor() {
        return lb_lrqat_model_free$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_free$handle() {
        return lb_lrqat_model_free.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_free$address() {
        return lb_lrqat_model_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void lb_lrqat_model_free(lb_lrqat_model model)
     * }
     */
    public static void lb_lrqat_model_free(MemorySegment model) {
        var mh$ = lb_lrqat_model_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_free", model);
            }
            mh$.invokeExact(model);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_add_layer$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_model_add_layer {
        public static final FunctionDescriptor DESC = lb_lrqat_model_add_layer$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_add_layer");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_add_layer$descriptor() {
        return lb_lrqat_model_add_layer$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_add_layer$handle() {
        return lb_lrqat_model_add_layer.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_add_layer$address() {
        return lb_lrqat_model_add_layer.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_add_layer(lb_lrqat_model model, const lb_llama_block_weights *weights, double *sq_error, double *sq_reference)
     * }
     */
    public static int lb_lrqat_model_add_layer(MemorySegment model, MemorySegment weights, MemorySegment sq_error, MemorySegment sq_reference) {
        var mh$ = lb_lrqat_model_add_layer.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_add_layer", model, weights, sq_error, sq_reference);
            }
            return (int)mh$.invokeExact(model, weights, sq_error, sq_reference);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_train_step$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_model_train_step {
        public static final FunctionDescriptor DESC = lb_lrqat_model_train_step$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_train_step");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_train_step$descriptor() {
        return lb_lrqat_model_train_step$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_train_step$handle() {
        return lb_lrqat_model_train_step.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_train_step$address() {
        return lb_lrqat_model_train_step.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_train_step(lb_lrqat_model model, lb_tensor ids, double lr_ab, double lr_s, double clip, double *loss, double *grad_norm)
     * }
     */
    public static int lb_lrqat_model_train_step(MemorySegment model, MemorySegment ids, double lr_ab, double lr_s, double clip, MemorySegment loss, MemorySegment grad_norm) {
        var mh$ = lb_lrqat_model_train_step.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_train_step", model, ids, lr_ab, lr_s, clip, loss, grad_norm);
            }
            return (int)mh$.invokeExact(model, ids, lr_ab, lr_s, clip, loss, grad_norm);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_nll$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_model_nll {
        public static final FunctionDescriptor DESC = lb_lrqat_model_nll$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_nll");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_nll$descriptor() {
        return lb_lrqat_model_nll$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_nll$handle() {
        return lb_lrqat_model_nll.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_nll$address() {
        return lb_lrqat_model_nll.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_nll(lb_lrqat_model model, lb_tensor ids, lb_tensor *nll)
     * }
     */
    public static int lb_lrqat_model_nll(MemorySegment model, MemorySegment ids, MemorySegment nll) {
        var mh$ = lb_lrqat_model_nll.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_nll", model, ids, nll);
            }
            return (int)mh$.invokeExact(model, ids, nll);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_merge$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_model_merge {
        public static final FunctionDescriptor DESC = lb_lrqat_model_merge$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_merge");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_merge$descriptor() {
        return lb_lrqat_model_merge$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_merge$handle() {
        return lb_lrqat_model_merge.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_merge$address() {
        return lb_lrqat_model_merge.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_merge(lb_lrqat_model model, int64_t layer, int32_t projection, lb_tensor *codes, lb_tensor *scales, lb_tensor *zeros)
     * }
     */
    public static int lb_lrqat_model_merge(MemorySegment model, long layer, int projection, MemorySegment codes, MemorySegment scales, MemorySegment zeros) {
        var mh$ = lb_lrqat_model_merge.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_merge", model, layer, projection, codes, scales, zeros);
            }
            return (int)mh$.invokeExact(model, layer, projection, codes, scales, zeros);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_dequantized$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_model_dequantized {
        public static final FunctionDescriptor DESC = lb_lrqat_model_dequantized$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_dequantized");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_dequantized$descriptor() {
        return lb_lrqat_model_dequantized$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_dequantized$handle() {
        return lb_lrqat_model_dequantized.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_dequantized$address() {
        return lb_lrqat_model_dequantized.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_dequantized(lb_lrqat_model model, int64_t layer, int32_t projection, lb_tensor *weight)
     * }
     */
    public static int lb_lrqat_model_dequantized(MemorySegment model, long layer, int projection, MemorySegment weight) {
        var mh$ = lb_lrqat_model_dequantized.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_dequantized", model, layer, projection, weight);
            }
            return (int)mh$.invokeExact(model, layer, projection, weight);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_state_count$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_model_state_count {
        public static final FunctionDescriptor DESC = lb_lrqat_model_state_count$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_state_count");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_state_count$descriptor() {
        return lb_lrqat_model_state_count$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_state_count$handle() {
        return lb_lrqat_model_state_count.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_state_count$address() {
        return lb_lrqat_model_state_count.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_state_count(lb_lrqat_model model, int64_t *count)
     * }
     */
    public static int lb_lrqat_model_state_count(MemorySegment model, MemorySegment count) {
        var mh$ = lb_lrqat_model_state_count.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_state_count", model, count);
            }
            return (int)mh$.invokeExact(model, count);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_state_name$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG
        );
    }

    private static class lb_lrqat_model_state_name {
        public static final FunctionDescriptor DESC = lb_lrqat_model_state_name$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_state_name");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_state_name$descriptor() {
        return lb_lrqat_model_state_name$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_state_name$handle() {
        return lb_lrqat_model_state_name.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_state_name$address() {
        return lb_lrqat_model_state_name.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_state_name(lb_lrqat_model model, int64_t index, char *buf, int64_t capacity)
     * }
     */
    public static int lb_lrqat_model_state_name(MemorySegment model, long index, MemorySegment buf, long capacity) {
        var mh$ = lb_lrqat_model_state_name.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_state_name", model, index, buf, capacity);
            }
            return (int)mh$.invokeExact(model, index, buf, capacity);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_state_get$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_model_state_get {
        public static final FunctionDescriptor DESC = lb_lrqat_model_state_get$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_state_get");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_state_get$descriptor() {
        return lb_lrqat_model_state_get$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_state_get$handle() {
        return lb_lrqat_model_state_get.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_state_get$address() {
        return lb_lrqat_model_state_get.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_state_get(lb_lrqat_model model, int64_t index, lb_tensor *out)
     * }
     */
    public static int lb_lrqat_model_state_get(MemorySegment model, long index, MemorySegment out) {
        var mh$ = lb_lrqat_model_state_get.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_state_get", model, index, out);
            }
            return (int)mh$.invokeExact(model, index, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_state_set$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_model_state_set {
        public static final FunctionDescriptor DESC = lb_lrqat_model_state_set$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_state_set");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_state_set$descriptor() {
        return lb_lrqat_model_state_set$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_state_set$handle() {
        return lb_lrqat_model_state_set.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_state_set$address() {
        return lb_lrqat_model_state_set.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_state_set(lb_lrqat_model model, int64_t index, lb_tensor value)
     * }
     */
    public static int lb_lrqat_model_state_set(MemorySegment model, long index, MemorySegment value) {
        var mh$ = lb_lrqat_model_state_set.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_state_set", model, index, value);
            }
            return (int)mh$.invokeExact(model, index, value);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_step$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_model_step {
        public static final FunctionDescriptor DESC = lb_lrqat_model_step$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_step");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_step$descriptor() {
        return lb_lrqat_model_step$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_step$handle() {
        return lb_lrqat_model_step.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_step$address() {
        return lb_lrqat_model_step.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_step(lb_lrqat_model model, int64_t *step)
     * }
     */
    public static int lb_lrqat_model_step(MemorySegment model, MemorySegment step) {
        var mh$ = lb_lrqat_model_step.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_step", model, step);
            }
            return (int)mh$.invokeExact(model, step);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_set_step$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG
        );
    }

    private static class lb_lrqat_model_set_step {
        public static final FunctionDescriptor DESC = lb_lrqat_model_set_step$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_set_step");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_set_step$descriptor() {
        return lb_lrqat_model_set_step$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_set_step$handle() {
        return lb_lrqat_model_set_step.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_set_step$address() {
        return lb_lrqat_model_set_step.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_set_step(lb_lrqat_model model, int64_t step)
     * }
     */
    public static int lb_lrqat_model_set_step(MemorySegment model, long step) {
        var mh$ = lb_lrqat_model_set_step.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_set_step", model, step);
            }
            return (int)mh$.invokeExact(model, step);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- VPTQ: weighted k-means ----

    private static final int LB_KMEANS_INIT_RANDOM = (int)0L;

    public static int LB_KMEANS_INIT_RANDOM() {
        return LB_KMEANS_INIT_RANDOM;
    }

    private static final int LB_KMEANS_INIT_PLUSPLUS = (int)1L;

    public static int LB_KMEANS_INIT_PLUSPLUS() {
        return LB_KMEANS_INIT_PLUSPLUS;
    }

    private static class lb_kmeans_assign$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_kmeans_assign {
        public static final FunctionDescriptor DESC = lb_kmeans_assign$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_kmeans_assign");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_kmeans_assign$descriptor() {
        return lb_kmeans_assign$descriptor.DESC;
    }

    public static MethodHandle lb_kmeans_assign$handle() {
        return lb_kmeans_assign.HANDLE;
    }

    public static MemorySegment lb_kmeans_assign$address() {
        return lb_kmeans_assign.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_kmeans_assign(lb_tensor points, lb_tensor centroids, lb_tensor *labels, lb_tensor *min_dist)
     * }
     */
    public static int lb_kmeans_assign(MemorySegment points, MemorySegment centroids, MemorySegment labels, MemorySegment min_dist) {
        var mh$ = lb_kmeans_assign.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_kmeans_assign", points, centroids, labels, min_dist);
            }
            return (int)mh$.invokeExact(points, centroids, labels, min_dist);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_kmeans_fit$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_kmeans_fit {
        public static final FunctionDescriptor DESC = lb_kmeans_fit$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_kmeans_fit");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_kmeans_fit$descriptor() {
        return lb_kmeans_fit$descriptor.DESC;
    }

    public static MethodHandle lb_kmeans_fit$handle() {
        return lb_kmeans_fit.HANDLE;
    }

    public static MemorySegment lb_kmeans_fit$address() {
        return lb_kmeans_fit.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_kmeans_fit(lb_tensor points, lb_tensor weights, lb_tensor init_centroids, const lb_kmeans_options *options, lb_tensor *centroids, lb_tensor *labels, double *objective, int32_t *iterations, int64_t *empty_splits)
     * }
     */
    public static int lb_kmeans_fit(MemorySegment points, MemorySegment weights, MemorySegment init_centroids, MemorySegment options, MemorySegment centroids, MemorySegment labels, MemorySegment objective, MemorySegment iterations, MemorySegment empty_splits) {
        var mh$ = lb_kmeans_fit.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_kmeans_fit", points, weights, init_centroids, options, centroids, labels, objective, iterations, empty_splits);
            }
            return (int)mh$.invokeExact(points, weights, init_centroids, options, centroids, labels, objective, iterations, empty_splits);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- VPTQ: one linear layer ----

    private static class lb_vptq_quantize_layer$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_vptq_quantize_layer {
        public static final FunctionDescriptor DESC = lb_vptq_quantize_layer$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_vptq_quantize_layer");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_vptq_quantize_layer$descriptor() {
        return lb_vptq_quantize_layer$descriptor.DESC;
    }

    public static MethodHandle lb_vptq_quantize_layer$handle() {
        return lb_vptq_quantize_layer.HANDLE;
    }

    public static MemorySegment lb_vptq_quantize_layer$address() {
        return lb_vptq_quantize_layer.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_vptq_quantize_layer(lb_tensor weight, lb_tensor hessian, const lb_vptq_options *options, lb_vptq_layer *out)
     * }
     */
    public static int lb_vptq_quantize_layer(MemorySegment weight, MemorySegment hessian, MemorySegment options, MemorySegment out) {
        var mh$ = lb_vptq_quantize_layer.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_vptq_quantize_layer", weight, hessian, options, out);
            }
            return (int)mh$.invokeExact(weight, hessian, options, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- VPTQ: Hessians of the linear inputs of a Llama block ----
    /**
     * {@snippet lang=c :
     * typedef struct lb_hessians_s *lb_hessians
     * }
     */
    public static final AddressLayout lb_hessians = lowbit_h.C_POINTER;

    private static class lb_hessians_create$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_hessians_create {
        public static final FunctionDescriptor DESC = lb_hessians_create$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_hessians_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_hessians_create$descriptor() {
        return lb_hessians_create$descriptor.DESC;
    }

    public static MethodHandle lb_hessians_create$handle() {
        return lb_hessians_create.HANDLE;
    }

    public static MemorySegment lb_hessians_create$address() {
        return lb_hessians_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_hessians_create(lb_hessians *out)
     * }
     */
    public static int lb_hessians_create(MemorySegment out) {
        var mh$ = lb_hessians_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_hessians_create", out);
            }
            return (int)mh$.invokeExact(out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_llama_block_forward_hessians$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_llama_block_forward_hessians {
        public static final FunctionDescriptor DESC = lb_llama_block_forward_hessians$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_llama_block_forward_hessians");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_llama_block_forward_hessians$descriptor() {
        return lb_llama_block_forward_hessians$descriptor.DESC;
    }

    public static MethodHandle lb_llama_block_forward_hessians$handle() {
        return lb_llama_block_forward_hessians.HANDLE;
    }

    public static MemorySegment lb_llama_block_forward_hessians$address() {
        return lb_llama_block_forward_hessians.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_llama_block_forward_hessians(lb_block block, lb_hessians hessians, lb_tensor hidden, lb_tensor *out)
     * }
     */
    public static int lb_llama_block_forward_hessians(MemorySegment block, MemorySegment hessians, MemorySegment hidden, MemorySegment out) {
        var mh$ = lb_llama_block_forward_hessians.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_llama_block_forward_hessians", block, hessians, hidden, out);
            }
            return (int)mh$.invokeExact(block, hessians, hidden, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_hessians_get$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_hessians_get {
        public static final FunctionDescriptor DESC = lb_hessians_get$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_hessians_get");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_hessians_get$descriptor() {
        return lb_hessians_get$descriptor.DESC;
    }

    public static MethodHandle lb_hessians_get$handle() {
        return lb_hessians_get.HANDLE;
    }

    public static MemorySegment lb_hessians_get$address() {
        return lb_hessians_get.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_hessians_get(lb_hessians hessians, int32_t index, lb_tensor *hessian, int64_t *tokens)
     * }
     */
    public static int lb_hessians_get(MemorySegment hessians, int index, MemorySegment hessian, MemorySegment tokens) {
        var mh$ = lb_hessians_get.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_hessians_get", hessians, index, hessian, tokens);
            }
            return (int)mh$.invokeExact(hessians, index, hessian, tokens);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_hessians_free$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            lowbit_h.C_POINTER
        );
    }

    private static class lb_hessians_free {
        public static final FunctionDescriptor DESC = lb_hessians_free$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_hessians_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_hessians_free$descriptor() {
        return lb_hessians_free$descriptor.DESC;
    }

    public static MethodHandle lb_hessians_free$handle() {
        return lb_hessians_free.HANDLE;
    }

    public static MemorySegment lb_hessians_free$address() {
        return lb_hessians_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void lb_hessians_free(lb_hessians hessians)
     * }
     */
    public static void lb_hessians_free(MemorySegment hessians) {
        var mh$ = lb_hessians_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_hessians_free", hessians);
            }
            mh$.invokeExact(hessians);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    // ---- EfficientQAT Block-AP training ----
    /**
     * {@snippet lang=c :
     * typedef struct lb_qat_block_s *lb_qat_block
     * }
     */
    public static final AddressLayout lb_qat_block = lowbit_h.C_POINTER;

    private static class lb_qat_block_create$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_qat_block_create {
        public static final FunctionDescriptor DESC = lb_qat_block_create$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_qat_block_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_qat_block_create$descriptor() {
        return lb_qat_block_create$descriptor.DESC;
    }

    public static MethodHandle lb_qat_block_create$handle() {
        return lb_qat_block_create.HANDLE;
    }

    public static MemorySegment lb_qat_block_create$address() {
        return lb_qat_block_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_qat_block_create(const lb_llama_config *config, const lb_llama_block_weights *weights, const lb_qat_options *options, int32_t device_type, int32_t device_index, lb_qat_block *out)
     * }
     */
    public static int lb_qat_block_create(MemorySegment config, MemorySegment weights, MemorySegment options, int device_type, int device_index, MemorySegment out) {
        var mh$ = lb_qat_block_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_qat_block_create", config, weights, options, device_type, device_index, out);
            }
            return (int)mh$.invokeExact(config, weights, options, device_type, device_index, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_qat_block_free$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            lowbit_h.C_POINTER
        );
    }

    private static class lb_qat_block_free {
        public static final FunctionDescriptor DESC = lb_qat_block_free$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_qat_block_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_qat_block_free$descriptor() {
        return lb_qat_block_free$descriptor.DESC;
    }

    public static MethodHandle lb_qat_block_free$handle() {
        return lb_qat_block_free.HANDLE;
    }

    public static MemorySegment lb_qat_block_free$address() {
        return lb_qat_block_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void lb_qat_block_free(lb_qat_block block)
     * }
     */
    public static void lb_qat_block_free(MemorySegment block) {
        var mh$ = lb_qat_block_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_qat_block_free", block);
            }
            mh$.invokeExact(block);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_qat_block_train_step$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_DOUBLE
        );
    }

    private static class lb_qat_block_train_step {
        public static final FunctionDescriptor DESC = lb_qat_block_train_step$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_qat_block_train_step");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_qat_block_train_step$descriptor() {
        return lb_qat_block_train_step$descriptor.DESC;
    }

    public static MethodHandle lb_qat_block_train_step$handle() {
        return lb_qat_block_train_step.HANDLE;
    }

    public static MemorySegment lb_qat_block_train_step$address() {
        return lb_qat_block_train_step.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_qat_block_train_step(lb_qat_block block, lb_tensor inputs, lb_tensor targets, int64_t first_row, int64_t rows, double lr_w, double lr_q)
     * }
     */
    public static int lb_qat_block_train_step(MemorySegment block, MemorySegment inputs, MemorySegment targets, long first_row, long rows, double lr_w, double lr_q) {
        var mh$ = lb_qat_block_train_step.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_qat_block_train_step", block, inputs, targets, first_row, rows, lr_w, lr_q);
            }
            return (int)mh$.invokeExact(block, inputs, targets, first_row, rows, lr_w, lr_q);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_qat_block_take_losses$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_qat_block_take_losses {
        public static final FunctionDescriptor DESC = lb_qat_block_take_losses$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_qat_block_take_losses");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_qat_block_take_losses$descriptor() {
        return lb_qat_block_take_losses$descriptor.DESC;
    }

    public static MethodHandle lb_qat_block_take_losses$handle() {
        return lb_qat_block_take_losses.HANDLE;
    }

    public static MemorySegment lb_qat_block_take_losses$address() {
        return lb_qat_block_take_losses.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_qat_block_take_losses(lb_qat_block block, double *losses, int64_t capacity, int64_t *count)
     * }
     */
    public static int lb_qat_block_take_losses(MemorySegment block, MemorySegment losses, long capacity, MemorySegment count) {
        var mh$ = lb_qat_block_take_losses.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_qat_block_take_losses", block, losses, capacity, count);
            }
            return (int)mh$.invokeExact(block, losses, capacity, count);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_qat_block_eval_loss$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_qat_block_eval_loss {
        public static final FunctionDescriptor DESC = lb_qat_block_eval_loss$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_qat_block_eval_loss");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_qat_block_eval_loss$descriptor() {
        return lb_qat_block_eval_loss$descriptor.DESC;
    }

    public static MethodHandle lb_qat_block_eval_loss$handle() {
        return lb_qat_block_eval_loss.HANDLE;
    }

    public static MemorySegment lb_qat_block_eval_loss$address() {
        return lb_qat_block_eval_loss.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_qat_block_eval_loss(lb_qat_block block, lb_tensor inputs, lb_tensor targets, int64_t first_row, int64_t rows, double *loss)
     * }
     */
    public static int lb_qat_block_eval_loss(MemorySegment block, MemorySegment inputs, MemorySegment targets, long first_row, long rows, MemorySegment loss) {
        var mh$ = lb_qat_block_eval_loss.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_qat_block_eval_loss", block, inputs, targets, first_row, rows, loss);
            }
            return (int)mh$.invokeExact(block, inputs, targets, first_row, rows, loss);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_qat_block_forward$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_qat_block_forward {
        public static final FunctionDescriptor DESC = lb_qat_block_forward$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_qat_block_forward");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_qat_block_forward$descriptor() {
        return lb_qat_block_forward$descriptor.DESC;
    }

    public static MethodHandle lb_qat_block_forward$handle() {
        return lb_qat_block_forward.HANDLE;
    }

    public static MemorySegment lb_qat_block_forward$address() {
        return lb_qat_block_forward.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_qat_block_forward(lb_qat_block block, lb_tensor inputs, int64_t first_row, int64_t rows, lb_tensor *out)
     * }
     */
    public static int lb_qat_block_forward(MemorySegment block, MemorySegment inputs, long first_row, long rows, MemorySegment out) {
        var mh$ = lb_qat_block_forward.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_qat_block_forward", block, inputs, first_row, rows, out);
            }
            return (int)mh$.invokeExact(block, inputs, first_row, rows, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_qat_block_export_linear$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_qat_block_export_linear {
        public static final FunctionDescriptor DESC = lb_qat_block_export_linear$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_qat_block_export_linear");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_qat_block_export_linear$descriptor() {
        return lb_qat_block_export_linear$descriptor.DESC;
    }

    public static MethodHandle lb_qat_block_export_linear$handle() {
        return lb_qat_block_export_linear.HANDLE;
    }

    public static MemorySegment lb_qat_block_export_linear$address() {
        return lb_qat_block_export_linear.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_qat_block_export_linear(lb_qat_block block, int32_t linear, lb_tensor *codes, lb_tensor *scales, lb_tensor *zeros)
     * }
     */
    public static int lb_qat_block_export_linear(MemorySegment block, int linear, MemorySegment codes, MemorySegment scales, MemorySegment zeros) {
        var mh$ = lb_qat_block_export_linear.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_qat_block_export_linear", block, linear, codes, scales, zeros);
            }
            return (int)mh$.invokeExact(block, linear, codes, scales, zeros);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_qat_block_load_linear$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_qat_block_load_linear {
        public static final FunctionDescriptor DESC = lb_qat_block_load_linear$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_qat_block_load_linear");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_qat_block_load_linear$descriptor() {
        return lb_qat_block_load_linear$descriptor.DESC;
    }

    public static MethodHandle lb_qat_block_load_linear$handle() {
        return lb_qat_block_load_linear.HANDLE;
    }

    public static MemorySegment lb_qat_block_load_linear$address() {
        return lb_qat_block_load_linear.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_qat_block_load_linear(lb_qat_block block, int32_t linear, lb_tensor weight, lb_tensor scales, lb_tensor zeros)
     * }
     */
    public static int lb_qat_block_load_linear(MemorySegment block, int linear, MemorySegment weight, MemorySegment scales, MemorySegment zeros) {
        var mh$ = lb_qat_block_load_linear.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_qat_block_load_linear", block, linear, weight, scales, zeros);
            }
            return (int)mh$.invokeExact(block, linear, weight, scales, zeros);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_qat_block_norms$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_qat_block_norms {
        public static final FunctionDescriptor DESC = lb_qat_block_norms$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_qat_block_norms");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_qat_block_norms$descriptor() {
        return lb_qat_block_norms$descriptor.DESC;
    }

    public static MethodHandle lb_qat_block_norms$handle() {
        return lb_qat_block_norms.HANDLE;
    }

    public static MemorySegment lb_qat_block_norms$address() {
        return lb_qat_block_norms.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_qat_block_norms(lb_qat_block block, lb_tensor *input_norm, lb_tensor *post_attention_norm)
     * }
     */
    public static int lb_qat_block_norms(MemorySegment block, MemorySegment input_norm, MemorySegment post_attention_norm) {
        var mh$ = lb_qat_block_norms.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_qat_block_norms", block, input_norm, post_attention_norm);
            }
            return (int)mh$.invokeExact(block, input_norm, post_attention_norm);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_scale_grad_packed$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_scale_grad_packed {
        public static final FunctionDescriptor DESC = lb_scale_grad_packed$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_scale_grad_packed");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_scale_grad_packed$descriptor() {
        return lb_scale_grad_packed$descriptor.DESC;
    }

    public static MethodHandle lb_scale_grad_packed$handle() {
        return lb_scale_grad_packed.HANDLE;
    }

    public static MemorySegment lb_scale_grad_packed$address() {
        return lb_scale_grad_packed.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_scale_grad_packed(lb_tensor x, lb_tensor grad_y, lb_tensor qweight, lb_tensor zeros, int32_t bits, int64_t group_size, lb_tensor *grad_scales)
     * }
     */
    public static int lb_scale_grad_packed(MemorySegment x, MemorySegment grad_y, MemorySegment qweight, MemorySegment zeros, int bits, long group_size, MemorySegment grad_scales) {
        var mh$ = lb_scale_grad_packed.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_scale_grad_packed", x, grad_y, qweight, zeros, bits, group_size, grad_scales);
            }
            return (int)mh$.invokeExact(x, grad_y, qweight, zeros, bits, group_size, grad_scales);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
    // ---- EfficientQAT E2E-QP ----
    /**
     * {@snippet lang=c :
     * typedef struct lb_e2e_model_s *lb_e2e_model
     * }
     */
    public static final AddressLayout lb_e2e_model = lowbit_h.C_POINTER;

    private static class lb_e2e_model_create$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_INT,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_e2e_model_create {
        public static final FunctionDescriptor DESC = lb_e2e_model_create$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_e2e_model_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_e2e_model_create$descriptor() {
        return lb_e2e_model_create$descriptor.DESC;
    }

    public static MethodHandle lb_e2e_model_create$handle() {
        return lb_e2e_model_create.HANDLE;
    }

    public static MemorySegment lb_e2e_model_create$address() {
        return lb_e2e_model_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_e2e_model_create(const lb_llama_config *config, lb_tensor embed_tokens, lb_tensor final_norm, lb_tensor lm_head, int32_t bits, int64_t group_size, int32_t device_type, int32_t device_index, lb_e2e_model *out)
     * }
     */
    public static int lb_e2e_model_create(MemorySegment config, MemorySegment embed_tokens, MemorySegment final_norm, MemorySegment lm_head, int bits, long group_size, int device_type, int device_index, MemorySegment out) {
        var mh$ = lb_e2e_model_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_e2e_model_create", config, embed_tokens, final_norm, lm_head, bits, group_size, device_type, device_index, out);
            }
            return (int)mh$.invokeExact(config, embed_tokens, final_norm, lm_head, bits, group_size, device_type, device_index, out);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_e2e_model_free$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            lowbit_h.C_POINTER
        );
    }

    private static class lb_e2e_model_free {
        public static final FunctionDescriptor DESC = lb_e2e_model_free$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_e2e_model_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_e2e_model_free$descriptor() {
        return lb_e2e_model_free$descriptor.DESC;
    }

    public static MethodHandle lb_e2e_model_free$handle() {
        return lb_e2e_model_free.HANDLE;
    }

    public static MemorySegment lb_e2e_model_free$address() {
        return lb_e2e_model_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void lb_e2e_model_free(lb_e2e_model model)
     * }
     */
    public static void lb_e2e_model_free(MemorySegment model) {
        var mh$ = lb_e2e_model_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_e2e_model_free", model);
            }
            mh$.invokeExact(model);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_e2e_model_add_block$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_e2e_model_add_block {
        public static final FunctionDescriptor DESC = lb_e2e_model_add_block$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_e2e_model_add_block");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_e2e_model_add_block$descriptor() {
        return lb_e2e_model_add_block$descriptor.DESC;
    }

    public static MethodHandle lb_e2e_model_add_block$handle() {
        return lb_e2e_model_add_block.HANDLE;
    }

    public static MemorySegment lb_e2e_model_add_block$address() {
        return lb_e2e_model_add_block.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_e2e_model_add_block(lb_e2e_model model, lb_tensor input_norm, lb_tensor post_attention_norm, const lb_tensor *codes, const lb_tensor *scales, const lb_tensor *zeros)
     * }
     */
    public static int lb_e2e_model_add_block(MemorySegment model, MemorySegment input_norm, MemorySegment post_attention_norm, MemorySegment codes, MemorySegment scales, MemorySegment zeros) {
        var mh$ = lb_e2e_model_add_block.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_e2e_model_add_block", model, input_norm, post_attention_norm, codes, scales, zeros);
            }
            return (int)mh$.invokeExact(model, input_norm, post_attention_norm, codes, scales, zeros);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_e2e_model_train_step$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_DOUBLE
        );
    }

    private static class lb_e2e_model_train_step {
        public static final FunctionDescriptor DESC = lb_e2e_model_train_step$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_e2e_model_train_step");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_e2e_model_train_step$descriptor() {
        return lb_e2e_model_train_step$descriptor.DESC;
    }

    public static MethodHandle lb_e2e_model_train_step$handle() {
        return lb_e2e_model_train_step.HANDLE;
    }

    public static MemorySegment lb_e2e_model_train_step$address() {
        return lb_e2e_model_train_step.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_e2e_model_train_step(lb_e2e_model model, lb_tensor ids, double lr, double max_grad_norm)
     * }
     */
    public static int lb_e2e_model_train_step(MemorySegment model, MemorySegment ids, double lr, double max_grad_norm) {
        var mh$ = lb_e2e_model_train_step.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_e2e_model_train_step", model, ids, lr, max_grad_norm);
            }
            return (int)mh$.invokeExact(model, ids, lr, max_grad_norm);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_e2e_model_take_losses$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_e2e_model_take_losses {
        public static final FunctionDescriptor DESC = lb_e2e_model_take_losses$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_e2e_model_take_losses");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_e2e_model_take_losses$descriptor() {
        return lb_e2e_model_take_losses$descriptor.DESC;
    }

    public static MethodHandle lb_e2e_model_take_losses$handle() {
        return lb_e2e_model_take_losses.HANDLE;
    }

    public static MemorySegment lb_e2e_model_take_losses$address() {
        return lb_e2e_model_take_losses.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_e2e_model_take_losses(lb_e2e_model model, double *losses, int64_t capacity, int64_t *count)
     * }
     */
    public static int lb_e2e_model_take_losses(MemorySegment model, MemorySegment losses, long capacity, MemorySegment count) {
        var mh$ = lb_e2e_model_take_losses.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_e2e_model_take_losses", model, losses, capacity, count);
            }
            return (int)mh$.invokeExact(model, losses, capacity, count);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_e2e_model_eval_loss$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_e2e_model_eval_loss {
        public static final FunctionDescriptor DESC = lb_e2e_model_eval_loss$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_e2e_model_eval_loss");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_e2e_model_eval_loss$descriptor() {
        return lb_e2e_model_eval_loss$descriptor.DESC;
    }

    public static MethodHandle lb_e2e_model_eval_loss$handle() {
        return lb_e2e_model_eval_loss.HANDLE;
    }

    public static MemorySegment lb_e2e_model_eval_loss$address() {
        return lb_e2e_model_eval_loss.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_e2e_model_eval_loss(lb_e2e_model model, lb_tensor ids, double *loss)
     * }
     */
    public static int lb_e2e_model_eval_loss(MemorySegment model, MemorySegment ids, MemorySegment loss) {
        var mh$ = lb_e2e_model_eval_loss.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_e2e_model_eval_loss", model, ids, loss);
            }
            return (int)mh$.invokeExact(model, ids, loss);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_e2e_model_scales$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_e2e_model_scales {
        public static final FunctionDescriptor DESC = lb_e2e_model_scales$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_e2e_model_scales");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_e2e_model_scales$descriptor() {
        return lb_e2e_model_scales$descriptor.DESC;
    }

    public static MethodHandle lb_e2e_model_scales$handle() {
        return lb_e2e_model_scales.HANDLE;
    }

    public static MemorySegment lb_e2e_model_scales$address() {
        return lb_e2e_model_scales.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_e2e_model_scales(lb_e2e_model model, int64_t layer, int32_t linear, lb_tensor *scales)
     * }
     */
    public static int lb_e2e_model_scales(MemorySegment model, long layer, int linear, MemorySegment scales) {
        var mh$ = lb_e2e_model_scales.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_e2e_model_scales", model, layer, linear, scales);
            }
            return (int)mh$.invokeExact(model, layer, linear, scales);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- EfficientQAT E2E-QP: knowledge distillation ----

    private static class lb_logits_topk$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_logits_topk {
        public static final FunctionDescriptor DESC = lb_logits_topk$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_logits_topk");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_logits_topk$descriptor() {
        return lb_logits_topk$descriptor.DESC;
    }

    public static MethodHandle lb_logits_topk$handle() {
        return lb_logits_topk.HANDLE;
    }

    public static MemorySegment lb_logits_topk$address() {
        return lb_logits_topk.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_logits_topk(lb_tensor logits, int32_t k, lb_tensor *ids, lb_tensor *logprobs)
     * }
     */
    public static int lb_logits_topk(MemorySegment logits, int k, MemorySegment ids, MemorySegment logprobs) {
        var mh$ = lb_logits_topk.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_logits_topk", logits, k, ids, logprobs);
            }
            return (int)mh$.invokeExact(logits, k, ids, logprobs);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_e2e_model_train_step_kd$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_DOUBLE
        );
    }

    private static class lb_e2e_model_train_step_kd {
        public static final FunctionDescriptor DESC = lb_e2e_model_train_step_kd$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_e2e_model_train_step_kd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_e2e_model_train_step_kd$descriptor() {
        return lb_e2e_model_train_step_kd$descriptor.DESC;
    }

    public static MethodHandle lb_e2e_model_train_step_kd$handle() {
        return lb_e2e_model_train_step_kd.HANDLE;
    }

    public static MemorySegment lb_e2e_model_train_step_kd$address() {
        return lb_e2e_model_train_step_kd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_e2e_model_train_step_kd(lb_e2e_model model, lb_tensor ids, lb_tensor teacher_ids, lb_tensor teacher_logprobs, double hard_weight, double lr, double max_grad_norm)
     * }
     */
    public static int lb_e2e_model_train_step_kd(MemorySegment model, MemorySegment ids, MemorySegment teacher_ids, MemorySegment teacher_logprobs, double hard_weight, double lr, double max_grad_norm) {
        var mh$ = lb_e2e_model_train_step_kd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_e2e_model_train_step_kd", model, ids, teacher_ids, teacher_logprobs, hard_weight, lr, max_grad_norm);
            }
            return (int)mh$.invokeExact(model, ids, teacher_ids, teacher_logprobs, hard_weight, lr, max_grad_norm);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_set_teacher$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG
        );
    }

    private static class lb_lrqat_model_set_teacher {
        public static final FunctionDescriptor DESC = lb_lrqat_model_set_teacher$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_set_teacher");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_set_teacher$descriptor() {
        return lb_lrqat_model_set_teacher$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_set_teacher$handle() {
        return lb_lrqat_model_set_teacher.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_set_teacher$address() {
        return lb_lrqat_model_set_teacher.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_set_teacher(lb_lrqat_model model, lb_tensor pool_ids, int64_t top_k)
     * }
     */
    public static int lb_lrqat_model_set_teacher(MemorySegment model, MemorySegment pool_ids, long top_k) {
        var mh$ = lb_lrqat_model_set_teacher.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_set_teacher", model, pool_ids, top_k);
            }
            return (int)mh$.invokeExact(model, pool_ids, top_k);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_model_train_step_kd$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_model_train_step_kd {
        public static final FunctionDescriptor DESC = lb_lrqat_model_train_step_kd$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_model_train_step_kd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_model_train_step_kd$descriptor() {
        return lb_lrqat_model_train_step_kd$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_model_train_step_kd$handle() {
        return lb_lrqat_model_train_step_kd.HANDLE;
    }

    public static MemorySegment lb_lrqat_model_train_step_kd$address() {
        return lb_lrqat_model_train_step_kd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_model_train_step_kd(lb_lrqat_model model, lb_tensor rows, double kd_weight, double lr_ab, double lr_s, double clip, double *loss, double *grad_norm)
     * }
     */
    public static int lb_lrqat_model_train_step_kd(MemorySegment model, MemorySegment rows, double kd_weight, double lr_ab, double lr_s, double clip, MemorySegment loss, MemorySegment grad_norm) {
        var mh$ = lb_lrqat_model_train_step_kd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_model_train_step_kd", model, rows, kd_weight, lr_ab, lr_s, clip, loss, grad_norm);
            }
            return (int)mh$.invokeExact(model, rows, kd_weight, lr_ab, lr_s, clip, loss, grad_norm);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_lrqat_distillation_loss$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_DOUBLE,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_lrqat_distillation_loss {
        public static final FunctionDescriptor DESC = lb_lrqat_distillation_loss$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_lrqat_distillation_loss");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_lrqat_distillation_loss$descriptor() {
        return lb_lrqat_distillation_loss$descriptor.DESC;
    }

    public static MethodHandle lb_lrqat_distillation_loss$handle() {
        return lb_lrqat_distillation_loss.HANDLE;
    }

    public static MemorySegment lb_lrqat_distillation_loss$address() {
        return lb_lrqat_distillation_loss.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_lrqat_distillation_loss(lb_tensor logits, lb_tensor teacher_ids, lb_tensor teacher_log_probs, lb_tensor targets, double kd_weight, lb_tensor *loss, lb_tensor *grad_logits)
     * }
     */
    public static int lb_lrqat_distillation_loss(MemorySegment logits, MemorySegment teacher_ids, MemorySegment teacher_log_probs, MemorySegment targets, double kd_weight, MemorySegment loss, MemorySegment grad_logits) {
        var mh$ = lb_lrqat_distillation_loss.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_lrqat_distillation_loss", logits, teacher_ids, teacher_log_probs, targets, kd_weight, loss, grad_logits);
            }
            return (int)mh$.invokeExact(logits, teacher_ids, teacher_log_probs, targets, kd_weight, loss, grad_logits);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- EfficientQAT E2E-QP: training state for checkpoints ----

    private static class lb_e2e_model_state_size$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_e2e_model_state_size {
        public static final FunctionDescriptor DESC = lb_e2e_model_state_size$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_e2e_model_state_size");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_e2e_model_state_size$descriptor() {
        return lb_e2e_model_state_size$descriptor.DESC;
    }

    public static MethodHandle lb_e2e_model_state_size$handle() {
        return lb_e2e_model_state_size.HANDLE;
    }

    public static MemorySegment lb_e2e_model_state_size$address() {
        return lb_e2e_model_state_size.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_e2e_model_state_size(lb_e2e_model model, int64_t *count, int64_t *step)
     * }
     */
    public static int lb_e2e_model_state_size(MemorySegment model, MemorySegment count, MemorySegment step) {
        var mh$ = lb_e2e_model_state_size.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_e2e_model_state_size", model, count, step);
            }
            return (int)mh$.invokeExact(model, count, step);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_e2e_model_get_state$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_e2e_model_get_state {
        public static final FunctionDescriptor DESC = lb_e2e_model_get_state$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_e2e_model_get_state");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_e2e_model_get_state$descriptor() {
        return lb_e2e_model_get_state$descriptor.DESC;
    }

    public static MethodHandle lb_e2e_model_get_state$handle() {
        return lb_e2e_model_get_state.HANDLE;
    }

    public static MemorySegment lb_e2e_model_get_state$address() {
        return lb_e2e_model_get_state.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_e2e_model_get_state(lb_e2e_model model, int64_t index, lb_tensor *scales, lb_tensor *exp_avg, lb_tensor *exp_avg_sq)
     * }
     */
    public static int lb_e2e_model_get_state(MemorySegment model, long index, MemorySegment scales, MemorySegment exp_avg, MemorySegment exp_avg_sq) {
        var mh$ = lb_e2e_model_get_state.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_e2e_model_get_state", model, index, scales, exp_avg, exp_avg_sq);
            }
            return (int)mh$.invokeExact(model, index, scales, exp_avg, exp_avg_sq);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_e2e_model_set_state$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG_LONG,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER,
            lowbit_h.C_POINTER
        );
    }

    private static class lb_e2e_model_set_state {
        public static final FunctionDescriptor DESC = lb_e2e_model_set_state$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_e2e_model_set_state");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_e2e_model_set_state$descriptor() {
        return lb_e2e_model_set_state$descriptor.DESC;
    }

    public static MethodHandle lb_e2e_model_set_state$handle() {
        return lb_e2e_model_set_state.HANDLE;
    }

    public static MemorySegment lb_e2e_model_set_state$address() {
        return lb_e2e_model_set_state.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_e2e_model_set_state(lb_e2e_model model, int64_t index, lb_tensor scales, lb_tensor exp_avg, lb_tensor exp_avg_sq)
     * }
     */
    public static int lb_e2e_model_set_state(MemorySegment model, long index, MemorySegment scales, MemorySegment exp_avg, MemorySegment exp_avg_sq) {
        var mh$ = lb_e2e_model_set_state.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_e2e_model_set_state", model, index, scales, exp_avg, exp_avg_sq);
            }
            return (int)mh$.invokeExact(model, index, scales, exp_avg, exp_avg_sq);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class lb_e2e_model_set_step$descriptor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            lowbit_h.C_INT,
            lowbit_h.C_POINTER,
            lowbit_h.C_LONG_LONG
        );
    }

    private static class lb_e2e_model_set_step {
        public static final FunctionDescriptor DESC = lb_e2e_model_set_step$descriptor.DESC;

        public static final MemorySegment ADDR = lowbit_h.findOrThrow("lb_e2e_model_set_step");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lb_e2e_model_set_step$descriptor() {
        return lb_e2e_model_set_step$descriptor.DESC;
    }

    public static MethodHandle lb_e2e_model_set_step$handle() {
        return lb_e2e_model_set_step.HANDLE;
    }

    public static MemorySegment lb_e2e_model_set_step$address() {
        return lb_e2e_model_set_step.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lb_e2e_model_set_step(lb_e2e_model model, int64_t step)
     * }
     */
    public static int lb_e2e_model_set_step(MemorySegment model, long step) {
        var mh$ = lb_e2e_model_set_step.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("lb_e2e_model_set_step", model, step);
            }
            return (int)mh$.invokeExact(model, step);
        } catch (Throwable ex$) {
           throw new AssertionError("should not reach here", ex$);
        }
    }
}
