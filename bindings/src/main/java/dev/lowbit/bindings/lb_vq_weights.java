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
 * struct lb_vq_weights {
 *     int64_t struct_size;
 *     int64_t out_features;
 *     int64_t in_features;
 *     int32_t vector_len;
 *     int32_t num_centroids;
 *     int32_t num_res_centroids;
 *     int32_t outlier_vector_len;
 *     int32_t num_outlier_centroids;
 *     int32_t reserved;
 *     int64_t group_num;
 *     int64_t group_size;
 *     int64_t outlier_size;
 *     lb_tensor centroids;
 *     lb_tensor res_centroids;
 *     lb_tensor indices;
 *     lb_tensor outlier_centroids;
 *     lb_tensor outlier_indices;
 *     lb_tensor perm;
 *     lb_tensor weight_scale;
 *     lb_tensor weight_bias;
 *     lb_tensor bias;
 *     lb_tensor bank_indices;
 * }
 * }
 */
public class lb_vq_weights {

    lb_vq_weights() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        lowbit_h.C_LONG.withName("struct_size"),
        lowbit_h.C_LONG.withName("out_features"),
        lowbit_h.C_LONG.withName("in_features"),
        lowbit_h.C_INT.withName("vector_len"),
        lowbit_h.C_INT.withName("num_centroids"),
        lowbit_h.C_INT.withName("num_res_centroids"),
        lowbit_h.C_INT.withName("outlier_vector_len"),
        lowbit_h.C_INT.withName("num_outlier_centroids"),
        lowbit_h.C_INT.withName("reserved"),
        lowbit_h.C_LONG.withName("group_num"),
        lowbit_h.C_LONG.withName("group_size"),
        lowbit_h.C_LONG.withName("outlier_size"),
        lowbit_h.C_POINTER.withName("centroids"),
        lowbit_h.C_POINTER.withName("res_centroids"),
        lowbit_h.C_POINTER.withName("indices"),
        lowbit_h.C_POINTER.withName("outlier_centroids"),
        lowbit_h.C_POINTER.withName("outlier_indices"),
        lowbit_h.C_POINTER.withName("perm"),
        lowbit_h.C_POINTER.withName("weight_scale"),
        lowbit_h.C_POINTER.withName("weight_bias"),
        lowbit_h.C_POINTER.withName("bias"),
        lowbit_h.C_POINTER.withName("bank_indices")
    ).withName("lb_vq_weights");

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

    private static final OfLong out_features$LAYOUT = (OfLong)$LAYOUT.select(groupElement("out_features"));

    public static final OfLong out_features$layout() {
        return out_features$LAYOUT;
    }

    private static final long out_features$OFFSET = 8;

    public static final long out_features$offset() {
        return out_features$OFFSET;
    }

    public static long out_features(MemorySegment struct) {
        return struct.get(out_features$LAYOUT, out_features$OFFSET);
    }

    public static void out_features(MemorySegment struct, long fieldValue) {
        struct.set(out_features$LAYOUT, out_features$OFFSET, fieldValue);
    }

    private static final OfLong in_features$LAYOUT = (OfLong)$LAYOUT.select(groupElement("in_features"));

    public static final OfLong in_features$layout() {
        return in_features$LAYOUT;
    }

    private static final long in_features$OFFSET = 16;

    public static final long in_features$offset() {
        return in_features$OFFSET;
    }

    public static long in_features(MemorySegment struct) {
        return struct.get(in_features$LAYOUT, in_features$OFFSET);
    }

    public static void in_features(MemorySegment struct, long fieldValue) {
        struct.set(in_features$LAYOUT, in_features$OFFSET, fieldValue);
    }

    private static final OfInt vector_len$LAYOUT = (OfInt)$LAYOUT.select(groupElement("vector_len"));

    public static final OfInt vector_len$layout() {
        return vector_len$LAYOUT;
    }

    private static final long vector_len$OFFSET = 24;

    public static final long vector_len$offset() {
        return vector_len$OFFSET;
    }

    public static int vector_len(MemorySegment struct) {
        return struct.get(vector_len$LAYOUT, vector_len$OFFSET);
    }

    public static void vector_len(MemorySegment struct, int fieldValue) {
        struct.set(vector_len$LAYOUT, vector_len$OFFSET, fieldValue);
    }

    private static final OfInt num_centroids$LAYOUT = (OfInt)$LAYOUT.select(groupElement("num_centroids"));

    public static final OfInt num_centroids$layout() {
        return num_centroids$LAYOUT;
    }

    private static final long num_centroids$OFFSET = 28;

    public static final long num_centroids$offset() {
        return num_centroids$OFFSET;
    }

    public static int num_centroids(MemorySegment struct) {
        return struct.get(num_centroids$LAYOUT, num_centroids$OFFSET);
    }

    public static void num_centroids(MemorySegment struct, int fieldValue) {
        struct.set(num_centroids$LAYOUT, num_centroids$OFFSET, fieldValue);
    }

    private static final OfInt num_res_centroids$LAYOUT = (OfInt)$LAYOUT.select(groupElement("num_res_centroids"));

    public static final OfInt num_res_centroids$layout() {
        return num_res_centroids$LAYOUT;
    }

    private static final long num_res_centroids$OFFSET = 32;

    public static final long num_res_centroids$offset() {
        return num_res_centroids$OFFSET;
    }

    public static int num_res_centroids(MemorySegment struct) {
        return struct.get(num_res_centroids$LAYOUT, num_res_centroids$OFFSET);
    }

    public static void num_res_centroids(MemorySegment struct, int fieldValue) {
        struct.set(num_res_centroids$LAYOUT, num_res_centroids$OFFSET, fieldValue);
    }

    private static final OfInt outlier_vector_len$LAYOUT = (OfInt)$LAYOUT.select(groupElement("outlier_vector_len"));

    public static final OfInt outlier_vector_len$layout() {
        return outlier_vector_len$LAYOUT;
    }

    private static final long outlier_vector_len$OFFSET = 36;

    public static final long outlier_vector_len$offset() {
        return outlier_vector_len$OFFSET;
    }

    public static int outlier_vector_len(MemorySegment struct) {
        return struct.get(outlier_vector_len$LAYOUT, outlier_vector_len$OFFSET);
    }

    public static void outlier_vector_len(MemorySegment struct, int fieldValue) {
        struct.set(outlier_vector_len$LAYOUT, outlier_vector_len$OFFSET, fieldValue);
    }

    private static final OfInt num_outlier_centroids$LAYOUT = (OfInt)$LAYOUT.select(groupElement("num_outlier_centroids"));

    public static final OfInt num_outlier_centroids$layout() {
        return num_outlier_centroids$LAYOUT;
    }

    private static final long num_outlier_centroids$OFFSET = 40;

    public static final long num_outlier_centroids$offset() {
        return num_outlier_centroids$OFFSET;
    }

    public static int num_outlier_centroids(MemorySegment struct) {
        return struct.get(num_outlier_centroids$LAYOUT, num_outlier_centroids$OFFSET);
    }

    public static void num_outlier_centroids(MemorySegment struct, int fieldValue) {
        struct.set(num_outlier_centroids$LAYOUT, num_outlier_centroids$OFFSET, fieldValue);
    }

    private static final OfInt reserved$LAYOUT = (OfInt)$LAYOUT.select(groupElement("reserved"));

    public static final OfInt reserved$layout() {
        return reserved$LAYOUT;
    }

    private static final long reserved$OFFSET = 44;

    public static final long reserved$offset() {
        return reserved$OFFSET;
    }

    public static int reserved(MemorySegment struct) {
        return struct.get(reserved$LAYOUT, reserved$OFFSET);
    }

    public static void reserved(MemorySegment struct, int fieldValue) {
        struct.set(reserved$LAYOUT, reserved$OFFSET, fieldValue);
    }

    private static final OfLong group_num$LAYOUT = (OfLong)$LAYOUT.select(groupElement("group_num"));

    public static final OfLong group_num$layout() {
        return group_num$LAYOUT;
    }

    private static final long group_num$OFFSET = 48;

    public static final long group_num$offset() {
        return group_num$OFFSET;
    }

    public static long group_num(MemorySegment struct) {
        return struct.get(group_num$LAYOUT, group_num$OFFSET);
    }

    public static void group_num(MemorySegment struct, long fieldValue) {
        struct.set(group_num$LAYOUT, group_num$OFFSET, fieldValue);
    }

    private static final OfLong group_size$LAYOUT = (OfLong)$LAYOUT.select(groupElement("group_size"));

    public static final OfLong group_size$layout() {
        return group_size$LAYOUT;
    }

    private static final long group_size$OFFSET = 56;

    public static final long group_size$offset() {
        return group_size$OFFSET;
    }

    public static long group_size(MemorySegment struct) {
        return struct.get(group_size$LAYOUT, group_size$OFFSET);
    }

    public static void group_size(MemorySegment struct, long fieldValue) {
        struct.set(group_size$LAYOUT, group_size$OFFSET, fieldValue);
    }

    private static final OfLong outlier_size$LAYOUT = (OfLong)$LAYOUT.select(groupElement("outlier_size"));

    public static final OfLong outlier_size$layout() {
        return outlier_size$LAYOUT;
    }

    private static final long outlier_size$OFFSET = 64;

    public static final long outlier_size$offset() {
        return outlier_size$OFFSET;
    }

    public static long outlier_size(MemorySegment struct) {
        return struct.get(outlier_size$LAYOUT, outlier_size$OFFSET);
    }

    public static void outlier_size(MemorySegment struct, long fieldValue) {
        struct.set(outlier_size$LAYOUT, outlier_size$OFFSET, fieldValue);
    }

    private static final AddressLayout centroids$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("centroids"));

    public static final AddressLayout centroids$layout() {
        return centroids$LAYOUT;
    }

    private static final long centroids$OFFSET = 72;

    public static final long centroids$offset() {
        return centroids$OFFSET;
    }

    public static MemorySegment centroids(MemorySegment struct) {
        return struct.get(centroids$LAYOUT, centroids$OFFSET);
    }

    public static void centroids(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(centroids$LAYOUT, centroids$OFFSET, fieldValue);
    }

    private static final AddressLayout res_centroids$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("res_centroids"));

    public static final AddressLayout res_centroids$layout() {
        return res_centroids$LAYOUT;
    }

    private static final long res_centroids$OFFSET = 80;

    public static final long res_centroids$offset() {
        return res_centroids$OFFSET;
    }

    public static MemorySegment res_centroids(MemorySegment struct) {
        return struct.get(res_centroids$LAYOUT, res_centroids$OFFSET);
    }

    public static void res_centroids(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(res_centroids$LAYOUT, res_centroids$OFFSET, fieldValue);
    }

    private static final AddressLayout indices$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("indices"));

    public static final AddressLayout indices$layout() {
        return indices$LAYOUT;
    }

    private static final long indices$OFFSET = 88;

    public static final long indices$offset() {
        return indices$OFFSET;
    }

    public static MemorySegment indices(MemorySegment struct) {
        return struct.get(indices$LAYOUT, indices$OFFSET);
    }

    public static void indices(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(indices$LAYOUT, indices$OFFSET, fieldValue);
    }

    private static final AddressLayout outlier_centroids$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("outlier_centroids"));

    public static final AddressLayout outlier_centroids$layout() {
        return outlier_centroids$LAYOUT;
    }

    private static final long outlier_centroids$OFFSET = 96;

    public static final long outlier_centroids$offset() {
        return outlier_centroids$OFFSET;
    }

    public static MemorySegment outlier_centroids(MemorySegment struct) {
        return struct.get(outlier_centroids$LAYOUT, outlier_centroids$OFFSET);
    }

    public static void outlier_centroids(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(outlier_centroids$LAYOUT, outlier_centroids$OFFSET, fieldValue);
    }

    private static final AddressLayout outlier_indices$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("outlier_indices"));

    public static final AddressLayout outlier_indices$layout() {
        return outlier_indices$LAYOUT;
    }

    private static final long outlier_indices$OFFSET = 104;

    public static final long outlier_indices$offset() {
        return outlier_indices$OFFSET;
    }

    public static MemorySegment outlier_indices(MemorySegment struct) {
        return struct.get(outlier_indices$LAYOUT, outlier_indices$OFFSET);
    }

    public static void outlier_indices(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(outlier_indices$LAYOUT, outlier_indices$OFFSET, fieldValue);
    }

    private static final AddressLayout perm$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("perm"));

    public static final AddressLayout perm$layout() {
        return perm$LAYOUT;
    }

    private static final long perm$OFFSET = 112;

    public static final long perm$offset() {
        return perm$OFFSET;
    }

    public static MemorySegment perm(MemorySegment struct) {
        return struct.get(perm$LAYOUT, perm$OFFSET);
    }

    public static void perm(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(perm$LAYOUT, perm$OFFSET, fieldValue);
    }

    private static final AddressLayout weight_scale$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("weight_scale"));

    public static final AddressLayout weight_scale$layout() {
        return weight_scale$LAYOUT;
    }

    private static final long weight_scale$OFFSET = 120;

    public static final long weight_scale$offset() {
        return weight_scale$OFFSET;
    }

    public static MemorySegment weight_scale(MemorySegment struct) {
        return struct.get(weight_scale$LAYOUT, weight_scale$OFFSET);
    }

    public static void weight_scale(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(weight_scale$LAYOUT, weight_scale$OFFSET, fieldValue);
    }

    private static final AddressLayout weight_bias$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("weight_bias"));

    public static final AddressLayout weight_bias$layout() {
        return weight_bias$LAYOUT;
    }

    private static final long weight_bias$OFFSET = 128;

    public static final long weight_bias$offset() {
        return weight_bias$OFFSET;
    }

    public static MemorySegment weight_bias(MemorySegment struct) {
        return struct.get(weight_bias$LAYOUT, weight_bias$OFFSET);
    }

    public static void weight_bias(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(weight_bias$LAYOUT, weight_bias$OFFSET, fieldValue);
    }

    private static final AddressLayout bias$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("bias"));

    public static final AddressLayout bias$layout() {
        return bias$LAYOUT;
    }

    private static final long bias$OFFSET = 136;

    public static final long bias$offset() {
        return bias$OFFSET;
    }

    public static MemorySegment bias(MemorySegment struct) {
        return struct.get(bias$LAYOUT, bias$OFFSET);
    }

    public static void bias(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(bias$LAYOUT, bias$OFFSET, fieldValue);
    }

    private static final AddressLayout bank_indices$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("bank_indices"));

    public static final AddressLayout bank_indices$layout() {
        return bank_indices$LAYOUT;
    }

    private static final long bank_indices$OFFSET = 144;

    public static final long bank_indices$offset() {
        return bank_indices$OFFSET;
    }

    public static MemorySegment bank_indices(MemorySegment struct) {
        return struct.get(bank_indices$LAYOUT, bank_indices$OFFSET);
    }

    public static void bank_indices(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(bank_indices$LAYOUT, bank_indices$OFFSET, fieldValue);
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
