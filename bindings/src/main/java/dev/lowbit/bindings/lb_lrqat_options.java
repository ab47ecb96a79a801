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
 * struct lb_lrqat_options {
 *     int64_t struct_size;
 *     int32_t bits;
 *     int32_t symmetric;
 *     int64_t group_size;
 *     int64_t rank;
 *     double alpha;
 *     int32_t downcast;
 *     int32_t ab_dtype;
 *     int32_t full_qat;
 *     int32_t reserved;
 *     uint64_t seed;
 * }
 * }
 */
public class lb_lrqat_options {

    lb_lrqat_options() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        lowbit_h.C_LONG.withName("struct_size"),
        lowbit_h.C_INT.withName("bits"),
        lowbit_h.C_INT.withName("symmetric"),
        lowbit_h.C_LONG.withName("group_size"),
        lowbit_h.C_LONG.withName("rank"),
        lowbit_h.C_DOUBLE.withName("alpha"),
        lowbit_h.C_INT.withName("downcast"),
        lowbit_h.C_INT.withName("ab_dtype"),
        lowbit_h.C_INT.withName("full_qat"),
        lowbit_h.C_INT.withName("reserved"),
        lowbit_h.C_LONG.withName("seed")
    ).withName("lb_lrqat_options");

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

    private static final OfInt bits$LAYOUT = (OfInt)$LAYOUT.select(groupElement("bits"));

    public static final OfInt bits$layout() {
        return bits$LAYOUT;
    }

    private static final long bits$OFFSET = 8;

    public static final long bits$offset() {
        return bits$OFFSET;
    }

    public static int bits(MemorySegment struct) {
        return struct.get(bits$LAYOUT, bits$OFFSET);
    }

    public static void bits(MemorySegment struct, int fieldValue) {
        struct.set(bits$LAYOUT, bits$OFFSET, fieldValue);
    }

    private static final OfInt symmetric$LAYOUT = (OfInt)$LAYOUT.select(groupElement("symmetric"));

    public static final OfInt symmetric$layout() {
        return symmetric$LAYOUT;
    }

    private static final long symmetric$OFFSET = 12;

    public static final long symmetric$offset() {
        return symmetric$OFFSET;
    }

    public static int symmetric(MemorySegment struct) {
        return struct.get(symmetric$LAYOUT, symmetric$OFFSET);
    }

    public static void symmetric(MemorySegment struct, int fieldValue) {
        struct.set(symmetric$LAYOUT, symmetric$OFFSET, fieldValue);
    }

    private static final OfLong group_size$LAYOUT = (OfLong)$LAYOUT.select(groupElement("group_size"));

    public static final OfLong group_size$layout() {
        return group_size$LAYOUT;
    }

    private static final long group_size$OFFSET = 16;

    public static final long group_size$offset() {
        return group_size$OFFSET;
    }

    public static long group_size(MemorySegment struct) {
        return struct.get(group_size$LAYOUT, group_size$OFFSET);
    }

    public static void group_size(MemorySegment struct, long fieldValue) {
        struct.set(group_size$LAYOUT, group_size$OFFSET, fieldValue);
    }

    private static final OfLong rank$LAYOUT = (OfLong)$LAYOUT.select(groupElement("rank"));

    public static final OfLong rank$layout() {
        return rank$LAYOUT;
    }

    private static final long rank$OFFSET = 24;

    public static final long rank$offset() {
        return rank$OFFSET;
    }

    public static long rank(MemorySegment struct) {
        return struct.get(rank$LAYOUT, rank$OFFSET);
    }

    public static void rank(MemorySegment struct, long fieldValue) {
        struct.set(rank$LAYOUT, rank$OFFSET, fieldValue);
    }

    private static final OfDouble alpha$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("alpha"));

    public static final OfDouble alpha$layout() {
        return alpha$LAYOUT;
    }

    private static final long alpha$OFFSET = 32;

    public static final long alpha$offset() {
        return alpha$OFFSET;
    }

    public static double alpha(MemorySegment struct) {
        return struct.get(alpha$LAYOUT, alpha$OFFSET);
    }

    public static void alpha(MemorySegment struct, double fieldValue) {
        struct.set(alpha$LAYOUT, alpha$OFFSET, fieldValue);
    }

    private static final OfInt downcast$LAYOUT = (OfInt)$LAYOUT.select(groupElement("downcast"));

    public static final OfInt downcast$layout() {
        return downcast$LAYOUT;
    }

    private static final long downcast$OFFSET = 40;

    public static final long downcast$offset() {
        return downcast$OFFSET;
    }

    public static int downcast(MemorySegment struct) {
        return struct.get(downcast$LAYOUT, downcast$OFFSET);
    }

    public static void downcast(MemorySegment struct, int fieldValue) {
        struct.set(downcast$LAYOUT, downcast$OFFSET, fieldValue);
    }

    private static final OfInt ab_dtype$LAYOUT = (OfInt)$LAYOUT.select(groupElement("ab_dtype"));

    public static final OfInt ab_dtype$layout() {
        return ab_dtype$LAYOUT;
    }

    private static final long ab_dtype$OFFSET = 44;

    public static final long ab_dtype$offset() {
        return ab_dtype$OFFSET;
    }

    public static int ab_dtype(MemorySegment struct) {
        return struct.get(ab_dtype$LAYOUT, ab_dtype$OFFSET);
    }

    public static void ab_dtype(MemorySegment struct, int fieldValue) {
        struct.set(ab_dtype$LAYOUT, ab_dtype$OFFSET, fieldValue);
    }

    private static final OfInt full_qat$LAYOUT = (OfInt)$LAYOUT.select(groupElement("full_qat"));

    public static final OfInt full_qat$layout() {
        return full_qat$LAYOUT;
    }

    private static final long full_qat$OFFSET = 48;

    public static final long full_qat$offset() {
        return full_qat$OFFSET;
    }

    public static int full_qat(MemorySegment struct) {
        return struct.get(full_qat$LAYOUT, full_qat$OFFSET);
    }

    public static void full_qat(MemorySegment struct, int fieldValue) {
        struct.set(full_qat$LAYOUT, full_qat$OFFSET, fieldValue);
    }

    private static final OfInt reserved$LAYOUT = (OfInt)$LAYOUT.select(groupElement("reserved"));

    public static final OfInt reserved$layout() {
        return reserved$LAYOUT;
    }

    private static final long reserved$OFFSET = 52;

    public static final long reserved$offset() {
        return reserved$OFFSET;
    }

    public static int reserved(MemorySegment struct) {
        return struct.get(reserved$LAYOUT, reserved$OFFSET);
    }

    public static void reserved(MemorySegment struct, int fieldValue) {
        struct.set(reserved$LAYOUT, reserved$OFFSET, fieldValue);
    }

    private static final OfLong seed$LAYOUT = (OfLong)$LAYOUT.select(groupElement("seed"));

    public static final OfLong seed$layout() {
        return seed$LAYOUT;
    }

    private static final long seed$OFFSET = 56;

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
