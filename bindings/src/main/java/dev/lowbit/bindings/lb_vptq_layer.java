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
 * struct lb_vptq_layer {
 *     int64_t struct_size;
 *     lb_tensor centroids;
 *     lb_tensor res_centroids;
 *     lb_tensor indices;
 *     lb_tensor res_indices;
 *     lb_tensor outlier_centroids;
 *     lb_tensor outlier_indices;
 *     lb_tensor perm;
 *     lb_tensor weight_scale;
 *     lb_tensor weight_bias;
 *     lb_tensor dequant;
 *     double proxy_error;
 *     double weight_error;
 * }
 * }
 */
public class lb_vptq_layer {

    lb_vptq_layer() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        lowbit_h.C_LONG.withName("struct_size"),
        lowbit_h.C_POINTER.withName("centroids"),
        lowbit_h.C_POINTER.withName("res_centroids"),
        lowbit_h.C_POINTER.withName("indices"),
        lowbit_h.C_POINTER.withName("res_indices"),
        lowbit_h.C_POINTER.withName("outlier_centroids"),
        lowbit_h.C_POINTER.withName("outlier_indices"),
        lowbit_h.C_POINTER.withName("perm"),
        lowbit_h.C_POINTER.withName("weight_scale"),
        lowbit_h.C_POINTER.withName("weight_bias"),
        lowbit_h.C_POINTER.withName("dequant"),
        lowbit_h.C_DOUBLE.withName("proxy_error"),
        lowbit_h.C_DOUBLE.withName("weight_error")
    ).withName("lb_vptq_layer");

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

    private static final AddressLayout centroids$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("centroids"));

    public static final AddressLayout centroids$layout() {
        return centroids$LAYOUT;
    }

    private static final long centroids$OFFSET = 8;

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

    private static final long res_centroids$OFFSET = 16;

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

    private static final long indices$OFFSET = 24;

    public static final long indices$offset() {
        return indices$OFFSET;
    }

    public static MemorySegment indices(MemorySegment struct) {
        return struct.get(indices$LAYOUT, indices$OFFSET);
    }

    public static void indices(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(indices$LAYOUT, indices$OFFSET, fieldValue);
    }

    private static final AddressLayout res_indices$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("res_indices"));

    public static final AddressLayout res_indices$layout() {
        return res_indices$LAYOUT;
    }

    private static final long res_indices$OFFSET = 32;

    public static final long res_indices$offset() {
        return res_indices$OFFSET;
    }

    public static MemorySegment res_indices(MemorySegment struct) {
        return struct.get(res_indices$LAYOUT, res_indices$OFFSET);
    }

    public static void res_indices(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(res_indices$LAYOUT, res_indices$OFFSET, fieldValue);
    }

    private static final AddressLayout outlier_centroids$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("outlier_centroids"));

    public static final AddressLayout outlier_centroids$layout() {
        return outlier_centroids$LAYOUT;
    }

    private static final long outlier_centroids$OFFSET = 40;

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

    private static final long outlier_indices$OFFSET = 48;

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

    private static final long perm$OFFSET = 56;

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

    private static final long weight_scale$OFFSET = 64;

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

    private static final long weight_bias$OFFSET = 72;

    public static final long weight_bias$offset() {
        return weight_bias$OFFSET;
    }

    public static MemorySegment weight_bias(MemorySegment struct) {
        return struct.get(weight_bias$LAYOUT, weight_bias$OFFSET);
    }

    public static void weight_bias(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(weight_bias$LAYOUT, weight_bias$OFFSET, fieldValue);
    }

    private static final AddressLayout dequant$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("dequant"));

    public static final AddressLayout dequant$layout() {
        return dequant$LAYOUT;
    }

    private static final long dequant$OFFSET = 80;

    public static final long dequant$offset() {
        return dequant$OFFSET;
    }

    public static MemorySegment dequant(MemorySegment struct) {
        return struct.get(dequant$LAYOUT, dequant$OFFSET);
    }

    public static void dequant(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(dequant$LAYOUT, dequant$OFFSET, fieldValue);
    }

    private static final OfDouble proxy_error$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("proxy_error"));

    public static final OfDouble proxy_error$layout() {
        return proxy_error$LAYOUT;
    }

    private static final long proxy_error$OFFSET = 88;

    public static final long proxy_error$offset() {
        return proxy_error$OFFSET;
    }

    public static double proxy_error(MemorySegment struct) {
        return struct.get(proxy_error$LAYOUT, proxy_error$OFFSET);
    }

    public static void proxy_error(MemorySegment struct, double fieldValue) {
        struct.set(proxy_error$LAYOUT, proxy_error$OFFSET, fieldValue);
    }

    private static final OfDouble weight_error$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("weight_error"));

    public static final OfDouble weight_error$layout() {
        return weight_error$LAYOUT;
    }

    private static final long weight_error$OFFSET = 96;

    public static final long weight_error$offset() {
        return weight_error$OFFSET;
    }

    public static double weight_error(MemorySegment struct) {
        return struct.get(weight_error$LAYOUT, weight_error$OFFSET);
    }

    public static void weight_error(MemorySegment struct, double fieldValue) {
        struct.set(weight_error$LAYOUT, weight_error$OFFSET, fieldValue);
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
