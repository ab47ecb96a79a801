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
 * struct lb_decoder_stats {
 *     int64_t struct_size;
 *     int64_t position;
 *     int64_t max_seq;
 *     int64_t layers_added;
 *     int64_t packed_linears;
 *     int64_t dequantized_linears;
 *     int32_t cuda_graph_active;
 *     int32_t fused_kernels;
 * }
 * }
 */
public class lb_decoder_stats {

    lb_decoder_stats() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        lowbit_h.C_LONG.withName("struct_size"),
        lowbit_h.C_LONG.withName("position"),
        lowbit_h.C_LONG.withName("max_seq"),
        lowbit_h.C_LONG.withName("layers_added"),
        lowbit_h.C_LONG.withName("packed_linears"),
        lowbit_h.C_LONG.withName("dequantized_linears"),
        lowbit_h.C_INT.withName("cuda_graph_active"),
        lowbit_h.C_INT.withName("fused_kernels")
    ).withName("lb_decoder_stats");

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

    private static final OfLong position$LAYOUT = (OfLong)$LAYOUT.select(groupElement("position"));

    public static final OfLong position$layout() {
        return position$LAYOUT;
    }

    private static final long position$OFFSET = 8;

    public static final long position$offset() {
        return position$OFFSET;
    }

    public static long position(MemorySegment struct) {
        return struct.get(position$LAYOUT, position$OFFSET);
    }

    public static void position(MemorySegment struct, long fieldValue) {
        struct.set(position$LAYOUT, position$OFFSET, fieldValue);
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

    private static final OfLong layers_added$LAYOUT = (OfLong)$LAYOUT.select(groupElement("layers_added"));

    public static final OfLong layers_added$layout() {
        return layers_added$LAYOUT;
    }

    private static final long layers_added$OFFSET = 24;

    public static final long layers_added$offset() {
        return layers_added$OFFSET;
    }

    public static long layers_added(MemorySegment struct) {
        return struct.get(layers_added$LAYOUT, layers_added$OFFSET);
    }

    public static void layers_added(MemorySegment struct, long fieldValue) {
        struct.set(layers_added$LAYOUT, layers_added$OFFSET, fieldValue);
    }

    private static final OfLong packed_linears$LAYOUT = (OfLong)$LAYOUT.select(groupElement("packed_linears"));

    public static final OfLong packed_linears$layout() {
        return packed_linears$LAYOUT;
    }

    private static final long packed_linears$OFFSET = 32;

    public static final long packed_linears$offset() {
        return packed_linears$OFFSET;
    }

    public static long packed_linears(MemorySegment struct) {
        return struct.get(packed_linears$LAYOUT, packed_linears$OFFSET);
    }

    public static void packed_linears(MemorySegment struct, long fieldValue) {
        struct.set(packed_linears$LAYOUT, packed_linears$OFFSET, fieldValue);
    }

    private static final OfLong dequantized_linears$LAYOUT = (OfLong)$LAYOUT.select(groupElement("dequantized_linears"));

    public static final OfLong dequantized_linears$layout() {
        return dequantized_linears$LAYOUT;
    }

    private static final long dequantized_linears$OFFSET = 40;

    public static final long dequantized_linears$offset() {
        return dequantized_linears$OFFSET;
    }

    public static long dequantized_linears(MemorySegment struct) {
        return struct.get(dequantized_linears$LAYOUT, dequantized_linears$OFFSET);
    }

    public static void dequantized_linears(MemorySegment struct, long fieldValue) {
        struct.set(dequantized_linears$LAYOUT, dequantized_linears$OFFSET, fieldValue);
    }

    private static final OfInt cuda_graph_active$LAYOUT = (OfInt)$LAYOUT.select(groupElement("cuda_graph_active"));

    public static final OfInt cuda_graph_active$layout() {
        return cuda_graph_active$LAYOUT;
    }

    private static final long cuda_graph_active$OFFSET = 48;

    public static final long cuda_graph_active$offset() {
        return cuda_graph_active$OFFSET;
    }

    public static int cuda_graph_active(MemorySegment struct) {
        return struct.get(cuda_graph_active$LAYOUT, cuda_graph_active$OFFSET);
    }

    public static void cuda_graph_active(MemorySegment struct, int fieldValue) {
        struct.set(cuda_graph_active$LAYOUT, cuda_graph_active$OFFSET, fieldValue);
    }

    private static final OfInt fused_kernels$LAYOUT = (OfInt)$LAYOUT.select(groupElement("fused_kernels"));

    public static final OfInt fused_kernels$layout() {
        return fused_kernels$LAYOUT;
    }

    private static final long fused_kernels$OFFSET = 52;

    public static final long fused_kernels$offset() {
        return fused_kernels$OFFSET;
    }

    public static int fused_kernels(MemorySegment struct) {
        return struct.get(fused_kernels$LAYOUT, fused_kernels$OFFSET);
    }

    public static void fused_kernels(MemorySegment struct, int fieldValue) {
        struct.set(fused_kernels$LAYOUT, fused_kernels$OFFSET, fieldValue);
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
