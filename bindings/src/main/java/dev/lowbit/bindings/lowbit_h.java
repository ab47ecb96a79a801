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
}
