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
 * struct lb_decoder_options {
 *     int64_t struct_size;
 *     int64_t num_layers;
 *     int64_t max_seq;
 *     int32_t use_cuda_graph;
 *     int32_t reserved;
 * }
 * }
 */
public class lb_decoder_options {

    lb_decoder_options() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        lowbit_h.C_LONG.withName("struct_size"),
        lowbit_h.C_LONG.withName("num_layers"),
        lowbit_h.C_LONG.withName("max_seq"),
        lowbit_h.C_INT.withName("use_cuda_graph"),
        lowbit_h.C_INT.withName("reserved")
    ).withName("lb_decoder_options");

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

    private static final OfLong num_layers$LAYOUT = (OfLong)$LAYOUT.select(groupElement("num_layers"));

    public static final OfLong num_layers$layout() {
        return num_layers$LAYOUT;
    }

    private static final long num_layers$OFFSET = 8;

    public static final long num_layers$offset() {
        return num_layers$OFFSET;
    }

    public static long num_layers(MemorySegment struct) {
        return struct.get(num_layers$LAYOUT, num_layers$OFFSET);
    }

    public static void num_layers(MemorySegment struct, long fieldValue) {
        struct.set(num_layers$LAYOUT, num_layers$OFFSET, fieldValue);
    }

    private static final OfLong max_seq$LAYOUT = (OfLong)$LAYOUT.select(groupElement("max_seq"));

    public static final OfLong max_seq$layout() {
        return max_seq$LAYOUT;
    }

    private static final long max_seq$OFFSET = 16;

    public static final long max_seq$offset() {
        return max_seq$OFFSET;
    }

    public static long max_seq(MemorySegment struct) {
        return struct.get(max_seq$LAYOUT, max_seq$OFFSET);
    }

    public static void max_seq(MemorySegment struct, long fieldValue) {
        struct.set(max_seq$LAYOUT, max_seq$OFFSET, fieldValue);
    }

    private static final OfInt use_cuda_graph$LAYOUT = (OfInt)$LAYOUT.select(groupElement("use_cuda_graph"));

    public static final OfInt use_cuda_graph$layout() {
        return use_cuda_graph$LAYOUT;
    }

    private static final long use_cuda_graph$OFFSET = 24;

    public static final long use_cuda_graph$offset() {
        return use_cuda_graph$OFFSET;
    }

    public static int use_cuda_graph(MemorySegment struct) {
        return struct.get(use_cuda_graph$LAYOUT, use_cuda_graph$OFFSET);
    }

    public static void use_cuda_graph(MemorySegment struct, int fieldValue) {
        struct.set(use_cuda_graph$LAYOUT, use_cuda_graph$OFFSET, fieldValue);
    }

    private static final OfInt reserved$LAYOUT = (OfInt)$LAYOUT.select(groupElement("reserved"));

    public static final OfInt reserved$layout() {
        return reserved$LAYOUT;
    }

    private static final long reserved$OFFSET = 28;

    public static final long reserved$offset() {
        return reserved$OFFSET;
    }

    public static int reserved(MemorySegment struct) {
        return struct.get(reserved$LAYOUT, reserved$OFFSET);
    }

    public static void reserved(MemorySegment struct, int fieldValue) {
        struct.set(reserved$LAYOUT, reserved$OFFSET, fieldValue);
    }

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
