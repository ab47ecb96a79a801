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

/**
 * {@snippet lang=c :
 * struct lb_runtime_info {
 *     int64_t struct_size;
 *     char torch_version[32];
 *     int32_t cuda_built;
 *     int32_t cuda_available;
 *     int32_t cuda_device_count;
 *     int32_t num_threads;
 * }
 * }
 */
public class lb_runtime_info {

    lb_runtime_info() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        lowbit_h.C_LONG.withName("struct_size"),
        MemoryLayout.sequenceLayout(32, lowbit_h.C_CHAR).withName("torch_version"),
        lowbit_h.C_INT.withName("cuda_built"),
        lowbit_h.C_INT.withName("cuda_available"),
        lowbit_h.C_INT.withName("cuda_device_count"),
        lowbit_h.C_INT.withName("num_threads")
    ).withName("lb_runtime_info");

    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final OfLong struct_size$LAYOUT = (OfLong)$LAYOUT.select(groupElement("struct_size"));

    public static final OfLong struct_size$layout() {
        return struct_size$LAYOUT;
    }

    private static final long struct_size$OFFSET = 0;

    public static final long struct_size$offset() {
        return struct_size$OFFSET;
    }

    public static long struct_size(MemorySegment struct) {
        return struct.get(struct_size$LAYOUT, struct_size$OFFSET);
    }

    public static void struct_size(MemorySegment struct, long fieldValue) {
        struct.set(struct_size$LAYOUT, struct_size$OFFSET, fieldValue);
    }

    private static final SequenceLayout torch_version$LAYOUT = (SequenceLayout)$LAYOUT.select(groupElement("torch_version"));

    public static final SequenceLayout torch_version$layout() {
        return torch_version$LAYOUT;
    }

    private static final long torch_version$OFFSET = 8;

    public static final long torch_version$offset() {
        return torch_version$OFFSET;
    }

    public static MemorySegment torch_version(MemorySegment struct) {
        return struct.asSlice(torch_version$OFFSET, torch_version$LAYOUT.byteSize());
    }

    public static void torch_version(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, torch_version$OFFSET, torch_version$LAYOUT.byteSize());
    }

    private static long[] torch_version$DIMS = { 32 };

    public static long[] torch_version$dimensions() {
        return torch_version$DIMS;
    }
    // jextract 22 passes 0L as the base here, which would index from the start of the struct, not the field.
    private static final VarHandle torch_version$ELEM_HANDLE = torch_version$LAYOUT.varHandle(sequenceElement());

    public static byte torch_version(MemorySegment struct, long index0) {
        return (byte)torch_version$ELEM_HANDLE.get(struct, torch_version$OFFSET, index0);
    }

    public static void torch_version(MemorySegment struct, long index0, byte fieldValue) {
        torch_version$ELEM_HANDLE.set(struct, torch_version$OFFSET, index0, fieldValue);
    }

    private static final OfInt cuda_built$LAYOUT = (OfInt)$LAYOUT.select(groupElement("cuda_built"));

    public static final OfInt cuda_built$layout() {
        return cuda_built$LAYOUT;
    }

    private static final long cuda_built$OFFSET = 40;

    public static final long cuda_built$offset() {
        return cuda_built$OFFSET;
    }

    public static int cuda_built(MemorySegment struct) {
        return struct.get(cuda_built$LAYOUT, cuda_built$OFFSET);
    }

    public static void cuda_built(MemorySegment struct, int fieldValue) {
        struct.set(cuda_built$LAYOUT, cuda_built$OFFSET, fieldValue);
    }

    private static final OfInt cuda_available$LAYOUT = (OfInt)$LAYOUT.select(groupElement("cuda_available"));

    public static final OfInt cuda_available$layout() {
        return cuda_available$LAYOUT;
    }

    private static final long cuda_available$OFFSET = 44;

    public static final long cuda_available$offset() {
        return cuda_available$OFFSET;
    }

    public static int cuda_available(MemorySegment struct) {
        return struct.get(cuda_available$LAYOUT, cuda_available$OFFSET);
    }

    public static void cuda_available(MemorySegment struct, int fieldValue) {
        struct.set(cuda_available$LAYOUT, cuda_available$OFFSET, fieldValue);
    }

    private static final OfInt cuda_device_count$LAYOUT = (OfInt)$LAYOUT.select(groupElement("cuda_device_count"));

    public static final OfInt cuda_device_count$layout() {
        return cuda_device_count$LAYOUT;
    }

    private static final long cuda_device_count$OFFSET = 48;

    public static final long cuda_device_count$offset() {
        return cuda_device_count$OFFSET;
    }

    public static int cuda_device_count(MemorySegment struct) {
        return struct.get(cuda_device_count$LAYOUT, cuda_device_count$OFFSET);
    }

    public static void cuda_device_count(MemorySegment struct, int fieldValue) {
        struct.set(cuda_device_count$LAYOUT, cuda_device_count$OFFSET, fieldValue);
    }

    private static final OfInt num_threads$LAYOUT = (OfInt)$LAYOUT.select(groupElement("num_threads"));

    public static final OfInt num_threads$layout() {
        return num_threads$LAYOUT;
    }

    private static final long num_threads$OFFSET = 52;

    public static final long num_threads$offset() {
        return num_threads$OFFSET;
    }

    public static int num_threads(MemorySegment struct) {
        return struct.get(num_threads$LAYOUT, num_threads$OFFSET);
    }

    public static void num_threads(MemorySegment struct, int fieldValue) {
        struct.set(num_threads$LAYOUT, num_threads$OFFSET, fieldValue);
    }

    /**
     * Obtains a slice of {@code arrayParam} which selects the array element at {@code index}.
     * The returned segment has address {@code arrayParam.address() + index * layout().byteSize()}
     */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(layout().byteSize() * index);
    }

    /**
     * The size (in bytes) of this struct
     */
    public static long sizeof() { return layout().byteSize(); }

    /**
     * Allocate a segment of size {@code layout().byteSize()} using {@code allocator}
     */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(layout());
    }

    /**
     * Allocate an array of size {@code elementCount} using {@code allocator}.
     * The returned segment has size {@code elementCount * layout().byteSize()}.
     */
    public static MemorySegment allocateArray(long elementCount, SegmentAllocator allocator) {
        return allocator.allocate(MemoryLayout.sequenceLayout(elementCount, layout()));
    }

    /**
     * Reinterprets {@code addr} using target {@code arena} and {@code cleanupAction} (if any).
     * The returned segment has size {@code layout().byteSize()}
     */
    public static MemorySegment reinterpret(MemorySegment addr, Arena arena, Consumer<MemorySegment> cleanup) {
        return reinterpret(addr, 1, arena, cleanup);
    }

    /**
     * Reinterprets {@code addr} using target {@code arena} and {@code cleanupAction} (if any).
     * The returned segment has size {@code elementCount * layout().byteSize()}
     */
    public static MemorySegment reinterpret(MemorySegment addr, long elementCount, Arena arena, Consumer<MemorySegment> cleanup) {
        return addr.reinterpret(layout().byteSize() * elementCount, arena, cleanup);
    }
}
