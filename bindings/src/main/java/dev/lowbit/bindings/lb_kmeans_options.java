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
 * struct lb_kmeans_options {
 *     int64_t struct_size;
 *     int64_t k;
 *     int32_t max_iter;
 *     int32_t init;
 *     double tol;
 *     uint64_t seed;
 * }
 * }
 */
public class lb_kmeans_options {

    lb_kmeans_options() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        lowbit_h.C_LONG.withName("struct_size"),
        lowbit_h.C_LONG.withName("k"),
        lowbit_h.C_INT.withName("max_iter"),
        lowbit_h.C_INT.withName("init"),
        lowbit_h.C_DOUBLE.withName("tol"),
        lowbit_h.C_LONG.withName("seed")
    ).withName("lb_kmeans_options");

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

    private static final OfLong k$LAYOUT = (OfLong)$LAYOUT.select(groupElement("k"));

    public static final OfLong k$layout() {
        return k$LAYOUT;
    }

    private static final long k$OFFSET = 8;

    public static final long k$offset() {
        return k$OFFSET;
    }

    public static long k(MemorySegment struct) {
        return struct.get(k$LAYOUT, k$OFFSET);
    }

    public static void k(MemorySegment struct, long fieldValue) {
        struct.set(k$LAYOUT, k$OFFSET, fieldValue);
    }

    private static final OfInt max_iter$LAYOUT = (OfInt)$LAYOUT.select(groupElement("max_iter"));

    public static final OfInt max_iter$layout() {
        return max_iter$LAYOUT;
    }

    private static final long max_iter$OFFSET = 16;

    public static final long max_iter$offset() {
        return max_iter$OFFSET;
    }

    public static int max_iter(MemorySegment struct) {
        return struct.get(max_iter$LAYOUT, max_iter$OFFSET);
    }

    public static void max_iter(MemorySegment struct, int fieldValue) {
        struct.set(max_iter$LAYOUT, max_iter$OFFSET, fieldValue);
    }

    private static final OfInt init$LAYOUT = (OfInt)$LAYOUT.select(groupElement("init"));

    public static final OfInt init$layout() {
        return init$LAYOUT;
    }

    private static final long init$OFFSET = 20;

    public static final long init$offset() {
        return init$OFFSET;
    }

    public static int init(MemorySegment struct) {
        return struct.get(init$LAYOUT, init$OFFSET);
    }

    public static void init(MemorySegment struct, int fieldValue) {
        struct.set(init$LAYOUT, init$OFFSET, fieldValue);
    }

    private static final OfDouble tol$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("tol"));

    public static final OfDouble tol$layout() {
        return tol$LAYOUT;
    }

    private static final long tol$OFFSET = 24;

    public static final long tol$offset() {
        return tol$OFFSET;
    }

    public static double tol(MemorySegment struct) {
        return struct.get(tol$LAYOUT, tol$OFFSET);
    }

    public static void tol(MemorySegment struct, double fieldValue) {
        struct.set(tol$LAYOUT, tol$OFFSET, fieldValue);
    }

    private static final OfLong seed$LAYOUT = (OfLong)$LAYOUT.select(groupElement("seed"));

    public static final OfLong seed$layout() {
        return seed$LAYOUT;
    }

    private static final long seed$OFFSET = 32;

    public static final long seed$offset() {
        return seed$OFFSET;
    }

    public static long seed(MemorySegment struct) {
        return struct.get(seed$LAYOUT, seed$OFFSET);
    }

    public static void seed(MemorySegment struct, long fieldValue) {
        struct.set(seed$LAYOUT, seed$OFFSET, fieldValue);
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
