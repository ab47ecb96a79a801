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
 * struct lb_qat_options {
 *     int64_t struct_size;
 *     int32_t bits;
 *     int32_t plain_ops;
 *     int64_t group_size;
 *     double loss_scale;
 * }
 * }
 */
public class lb_qat_options {

    lb_qat_options() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        lowbit_h.C_LONG.withName("struct_size"),
        lowbit_h.C_INT.withName("bits"),
        lowbit_h.C_INT.withName("plain_ops"),
        lowbit_h.C_LONG.withName("group_size"),
        lowbit_h.C_DOUBLE.withName("loss_scale")
    ).withName("lb_qat_options");

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

    private static final OfInt plain_ops$LAYOUT = (OfInt)$LAYOUT.select(groupElement("plain_ops"));

    public static final OfInt plain_ops$layout() {
        return plain_ops$LAYOUT;
    }

    private static final long plain_ops$OFFSET = 12;

    public static final long plain_ops$offset() {
        return plain_ops$OFFSET;
    }

    public static int plain_ops(MemorySegment struct) {
        return struct.get(plain_ops$LAYOUT, plain_ops$OFFSET);
    }

    public static void plain_ops(MemorySegment struct, int fieldValue) {
        struct.set(plain_ops$LAYOUT, plain_ops$OFFSET, fieldValue);
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

    private static final OfDouble loss_scale$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("loss_scale"));

    public static final OfDouble loss_scale$layout() {
        return loss_scale$LAYOUT;
    }

    private static final long loss_scale$OFFSET = 24;

    public static final long loss_scale$offset() {
        return loss_scale$OFFSET;
    }

    public static double loss_scale(MemorySegment struct) {
        return struct.get(loss_scale$LAYOUT, loss_scale$OFFSET);
    }

    public static void loss_scale(MemorySegment struct, double fieldValue) {
        struct.set(loss_scale$LAYOUT, loss_scale$OFFSET, fieldValue);
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
