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
 * struct lb_llama_config {
 *     int64_t struct_size;
 *     int64_t hidden_size;
 *     int64_t intermediate_size;
 *     int64_t num_heads;
 *     int64_t num_kv_heads;
 *     int64_t head_dim;
 *     double rope_theta;
 *     double rms_norm_eps;
 *     int32_t compute_dtype;
 *     int32_t reserved;
 * }
 * }
 */
public class lb_llama_config {

    lb_llama_config() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        lowbit_h.C_LONG.withName("struct_size"),
        lowbit_h.C_LONG.withName("hidden_size"),
        lowbit_h.C_LONG.withName("intermediate_size"),
        lowbit_h.C_LONG.withName("num_heads"),
        lowbit_h.C_LONG.withName("num_kv_heads"),
        lowbit_h.C_LONG.withName("head_dim"),
        lowbit_h.C_DOUBLE.withName("rope_theta"),
        lowbit_h.C_DOUBLE.withName("rms_norm_eps"),
        lowbit_h.C_INT.withName("compute_dtype"),
        lowbit_h.C_INT.withName("reserved")
    ).withName("lb_llama_config");

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

    private static final OfLong hidden_size$LAYOUT = (OfLong)$LAYOUT.select(groupElement("hidden_size"));

    public static final OfLong hidden_size$layout() {
        return hidden_size$LAYOUT;
    }

    private static final long hidden_size$OFFSET = 8;

    public static final long hidden_size$offset() {
        return hidden_size$OFFSET;
    }

    public static long hidden_size(MemorySegment struct) {
        return struct.get(hidden_size$LAYOUT, hidden_size$OFFSET);
    }

    public static void hidden_size(MemorySegment struct, long fieldValue) {
        struct.set(hidden_size$LAYOUT, hidden_size$OFFSET, fieldValue);
    }

    private static final OfLong intermediate_size$LAYOUT = (OfLong)$LAYOUT.select(groupElement("intermediate_size"));

    public static final OfLong intermediate_size$layout() {
        return intermediate_size$LAYOUT;
    }

    private static final long intermediate_size$OFFSET = 16;

    public static final long intermediate_size$offset() {
        return intermediate_size$OFFSET;
    }

    public static long intermediate_size(MemorySegment struct) {
        return struct.get(intermediate_size$LAYOUT, intermediate_size$OFFSET);
    }

    public static void intermediate_size(MemorySegment struct, long fieldValue) {
        struct.set(intermediate_size$LAYOUT, intermediate_size$OFFSET, fieldValue);
    }

    private static final OfLong num_heads$LAYOUT = (OfLong)$LAYOUT.select(groupElement("num_heads"));

    public static final OfLong num_heads$layout() {
        return num_heads$LAYOUT;
    }

    private static final long num_heads$OFFSET = 24;

    public static final long num_heads$offset() {
        return num_heads$OFFSET;
    }

    public static long num_heads(MemorySegment struct) {
        return struct.get(num_heads$LAYOUT, num_heads$OFFSET);
    }

    public static void num_heads(MemorySegment struct, long fieldValue) {
        struct.set(num_heads$LAYOUT, num_heads$OFFSET, fieldValue);
    }

    private static final OfLong num_kv_heads$LAYOUT = (OfLong)$LAYOUT.select(groupElement("num_kv_heads"));

    public static final OfLong num_kv_heads$layout() {
        return num_kv_heads$LAYOUT;
    }

    private static final long num_kv_heads$OFFSET = 32;

    public static final long num_kv_heads$offset() {
        return num_kv_heads$OFFSET;
    }

    public static long num_kv_heads(MemorySegment struct) {
        return struct.get(num_kv_heads$LAYOUT, num_kv_heads$OFFSET);
    }

    public static void num_kv_heads(MemorySegment struct, long fieldValue) {
        struct.set(num_kv_heads$LAYOUT, num_kv_heads$OFFSET, fieldValue);
    }

    private static final OfLong head_dim$LAYOUT = (OfLong)$LAYOUT.select(groupElement("head_dim"));

    public static final OfLong head_dim$layout() {
        return head_dim$LAYOUT;
    }

    private static final long head_dim$OFFSET = 40;

    public static final long head_dim$offset() {
        return head_dim$OFFSET;
    }

    public static long head_dim(MemorySegment struct) {
        return struct.get(head_dim$LAYOUT, head_dim$OFFSET);
    }

    public static void head_dim(MemorySegment struct, long fieldValue) {
        struct.set(head_dim$LAYOUT, head_dim$OFFSET, fieldValue);
    }

    private static final OfDouble rope_theta$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("rope_theta"));

    public static final OfDouble rope_theta$layout() {
        return rope_theta$LAYOUT;
    }

    private static final long rope_theta$OFFSET = 48;

    public static final long rope_theta$offset() {
        return rope_theta$OFFSET;
    }

    public static double rope_theta(MemorySegment struct) {
        return struct.get(rope_theta$LAYOUT, rope_theta$OFFSET);
    }

    public static void rope_theta(MemorySegment struct, double fieldValue) {
        struct.set(rope_theta$LAYOUT, rope_theta$OFFSET, fieldValue);
    }

    private static final OfDouble rms_norm_eps$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("rms_norm_eps"));

    public static final OfDouble rms_norm_eps$layout() {
        return rms_norm_eps$LAYOUT;
    }

    private static final long rms_norm_eps$OFFSET = 56;

    public static final long rms_norm_eps$offset() {
        return rms_norm_eps$OFFSET;
    }

    public static double rms_norm_eps(MemorySegment struct) {
        return struct.get(rms_norm_eps$LAYOUT, rms_norm_eps$OFFSET);
    }

    public static void rms_norm_eps(MemorySegment struct, double fieldValue) {
        struct.set(rms_norm_eps$LAYOUT, rms_norm_eps$OFFSET, fieldValue);
    }

    private static final OfInt compute_dtype$LAYOUT = (OfInt)$LAYOUT.select(groupElement("compute_dtype"));

    public static final OfInt compute_dtype$layout() {
        return compute_dtype$LAYOUT;
    }

    private static final long compute_dtype$OFFSET = 64;

    public static final long compute_dtype$offset() {
        return compute_dtype$OFFSET;
    }

    public static int compute_dtype(MemorySegment struct) {
        return struct.get(compute_dtype$LAYOUT, compute_dtype$OFFSET);
    }

    public static void compute_dtype(MemorySegment struct, int fieldValue) {
        struct.set(compute_dtype$LAYOUT, compute_dtype$OFFSET, fieldValue);
    }

    private static final OfInt reserved$LAYOUT = (OfInt)$LAYOUT.select(groupElement("reserved"));

    public static final OfInt reserved$layout() {
        return reserved$LAYOUT;
    }

    private static final long reserved$OFFSET = 68;

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
