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
 * struct lb_decoder_linear {
 *     int64_t struct_size;
 *     lb_tensor weight;
 *     lb_tensor qweight;
 *     lb_tensor qzeros;
 *     lb_tensor scales;
 *     lb_tensor bias;
 *     int64_t group_size;
 *     int32_t bits;
 *     int32_t zero_offset;
 * }
 * }
 */
public class lb_decoder_linear {

    lb_decoder_linear() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        lowbit_h.C_LONG.withName("struct_size"),
        lowbit_h.C_POINTER.withName("weight"),
        lowbit_h.C_POINTER.withName("qweight"),
        lowbit_h.C_POINTER.withName("qzeros"),
        lowbit_h.C_POINTER.withName("scales"),
        lowbit_h.C_POINTER.withName("bias"),
        lowbit_h.C_LONG.withName("group_size"),
        lowbit_h.C_INT.withName("bits"),
        lowbit_h.C_INT.withName("zero_offset")
    ).withName("lb_decoder_linear");

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

    private static final AddressLayout weight$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("weight"));

    public static final AddressLayout weight$layout() {
        return weight$LAYOUT;
    }

    private static final long weight$OFFSET = 8;

    public static final long weight$offset() {
        return weight$OFFSET;
    }

    public static MemorySegment weight(MemorySegment struct) {
        return struct.get(weight$LAYOUT, weight$OFFSET);
    }

    public static void weight(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(weight$LAYOUT, weight$OFFSET, fieldValue);
    }

    private static final AddressLayout qweight$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("qweight"));

    public static final AddressLayout qweight$layout() {
        return qweight$LAYOUT;
    }

    private static final long qweight$OFFSET = 16;

    public static final long qweight$offset() {
        return qweight$OFFSET;
    }

    public static MemorySegment qweight(MemorySegment struct) {
        return struct.get(qweight$LAYOUT, qweight$OFFSET);
    }

    public static void qweight(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(qweight$LAYOUT, qweight$OFFSET, fieldValue);
    }

    private static final AddressLayout qzeros$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("qzeros"));

    public static final AddressLayout qzeros$layout() {
        return qzeros$LAYOUT;
    }

    private static final long qzeros$OFFSET = 24;

    public static final long qzeros$offset() {
        return qzeros$OFFSET;
    }

    public static MemorySegment qzeros(MemorySegment struct) {
        return struct.get(qzeros$LAYOUT, qzeros$OFFSET);
    }

    public static void qzeros(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(qzeros$LAYOUT, qzeros$OFFSET, fieldValue);
    }

    private static final AddressLayout scales$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("scales"));

    public static final AddressLayout scales$layout() {
        return scales$LAYOUT;
    }

    private static final long scales$OFFSET = 32;

    public static final long scales$offset() {
        return scales$OFFSET;
    }

    public static MemorySegment scales(MemorySegment struct) {
        return struct.get(scales$LAYOUT, scales$OFFSET);
    }

    public static void scales(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(scales$LAYOUT, scales$OFFSET, fieldValue);
    }

    private static final AddressLayout bias$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("bias"));

    public static final AddressLayout bias$layout() {
        return bias$LAYOUT;
    }

    private static final long bias$OFFSET = 40;

    public static final long bias$offset() {
        return bias$OFFSET;
    }

    public static MemorySegment bias(MemorySegment struct) {
        return struct.get(bias$LAYOUT, bias$OFFSET);
    }

    public static void bias(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(bias$LAYOUT, bias$OFFSET, fieldValue);
    }

    private static final OfLong group_size$LAYOUT = (OfLong)$LAYOUT.select(groupElement("group_size"));

    public static final OfLong group_size$layout() {
        return group_size$LAYOUT;
    }

    private static final long group_size$OFFSET = 48;

    public static final long group_size$offset() {
        return group_size$OFFSET;
    }

    public static long group_size(MemorySegment struct) {
        return struct.get(group_size$LAYOUT, group_size$OFFSET);
    }

    public static void group_size(MemorySegment struct, long fieldValue) {
        struct.set(group_size$LAYOUT, group_size$OFFSET, fieldValue);
    }

    private static final OfInt bits$LAYOUT = (OfInt)$LAYOUT.select(groupElement("bits"));

    public static final OfInt bits$layout() {
        return bits$LAYOUT;
    }

    private static final long bits$OFFSET = 56;

    public static final long bits$offset() {
        return bits$OFFSET;
    }

    public static int bits(MemorySegment struct) {
        return struct.get(bits$LAYOUT, bits$OFFSET);
    }

    public static void bits(MemorySegment struct, int fieldValue) {
        struct.set(bits$LAYOUT, bits$OFFSET, fieldValue);
    }

    private static final OfInt zero_offset$LAYOUT = (OfInt)$LAYOUT.select(groupElement("zero_offset"));

    public static final OfInt zero_offset$layout() {
        return zero_offset$LAYOUT;
    }

    private static final long zero_offset$OFFSET = 60;

    public static final long zero_offset$offset() {
        return zero_offset$OFFSET;
    }

    public static int zero_offset(MemorySegment struct) {
        return struct.get(zero_offset$LAYOUT, zero_offset$OFFSET);
    }

    public static void zero_offset(MemorySegment struct, int fieldValue) {
        struct.set(zero_offset$LAYOUT, zero_offset$OFFSET, fieldValue);
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
