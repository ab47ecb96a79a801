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
 * struct lb_vptq_options {
 *     int64_t struct_size;
 *     int32_t vector_len;
 *     int32_t codebook_size;
 *     int32_t res_codebook_size;
 *     int32_t outlier_vector_len;
 *     int32_t outlier_codebook_size;
 *     int32_t groups;
 *     int64_t outlier_columns;
 *     int32_t enable_norm;
 *     int32_t enable_perm;
 *     int32_t block_size;
 *     int32_t error_feedback;
 *     int32_t kmeans_max_iter;
 *     int32_t kmeans_init;
 *     double kmeans_tol;
 *     double damp;
 *     uint64_t seed;
 *     int32_t finetune_steps;
 *     int32_t reserved;
 *     double finetune_lr;
 * }
 * }
 */
public class lb_vptq_options {

    lb_vptq_options() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        lowbit_h.C_LONG.withName("struct_size"),
        lowbit_h.C_INT.withName("vector_len"),
        lowbit_h.C_INT.withName("codebook_size"),
        lowbit_h.C_INT.withName("res_codebook_size"),
        lowbit_h.C_INT.withName("outlier_vector_len"),
        lowbit_h.C_INT.withName("outlier_codebook_size"),
        lowbit_h.C_INT.withName("groups"),
        lowbit_h.C_LONG.withName("outlier_columns"),
        lowbit_h.C_INT.withName("enable_norm"),
        lowbit_h.C_INT.withName("enable_perm"),
        lowbit_h.C_INT.withName("block_size"),
        lowbit_h.C_INT.withName("error_feedback"),
        lowbit_h.C_INT.withName("kmeans_max_iter"),
        lowbit_h.C_INT.withName("kmeans_init"),
        lowbit_h.C_DOUBLE.withName("kmeans_tol"),
        lowbit_h.C_DOUBLE.withName("damp"),
        lowbit_h.C_LONG.withName("seed"),
        lowbit_h.C_INT.withName("finetune_steps"),
        lowbit_h.C_INT.withName("reserved"),
        lowbit_h.C_DOUBLE.withName("finetune_lr")
    ).withName("lb_vptq_options");

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

    private static final OfInt vector_len$LAYOUT = (OfInt)$LAYOUT.select(groupElement("vector_len"));

    public static final OfInt vector_len$layout() {
        return vector_len$LAYOUT;
    }

    private static final long vector_len$OFFSET = 8;

    public static final long vector_len$offset() {
        return vector_len$OFFSET;
    }

    public static int vector_len(MemorySegment struct) {
        return struct.get(vector_len$LAYOUT, vector_len$OFFSET);
    }

    public static void vector_len(MemorySegment struct, int fieldValue) {
        struct.set(vector_len$LAYOUT, vector_len$OFFSET, fieldValue);
    }

    private static final OfInt codebook_size$LAYOUT = (OfInt)$LAYOUT.select(groupElement("codebook_size"));

    public static final OfInt codebook_size$layout() {
        return codebook_size$LAYOUT;
    }

    private static final long codebook_size$OFFSET = 12;

    public static final long codebook_size$offset() {
        return codebook_size$OFFSET;
    }

    public static int codebook_size(MemorySegment struct) {
        return struct.get(codebook_size$LAYOUT, codebook_size$OFFSET);
    }

    public static void codebook_size(MemorySegment struct, int fieldValue) {
        struct.set(codebook_size$LAYOUT, codebook_size$OFFSET, fieldValue);
    }

    private static final OfInt res_codebook_size$LAYOUT = (OfInt)$LAYOUT.select(groupElement("res_codebook_size"));

    public static final OfInt res_codebook_size$layout() {
        return res_codebook_size$LAYOUT;
    }

    private static final long res_codebook_size$OFFSET = 16;

    public static final long res_codebook_size$offset() {
        return res_codebook_size$OFFSET;
    }

    public static int res_codebook_size(MemorySegment struct) {
        return struct.get(res_codebook_size$LAYOUT, res_codebook_size$OFFSET);
    }

    public static void res_codebook_size(MemorySegment struct, int fieldValue) {
        struct.set(res_codebook_size$LAYOUT, res_codebook_size$OFFSET, fieldValue);
    }

    private static final OfInt outlier_vector_len$LAYOUT = (OfInt)$LAYOUT.select(groupElement("outlier_vector_len"));

    public static final OfInt outlier_vector_len$layout() {
        return outlier_vector_len$LAYOUT;
    }

    private static final long outlier_vector_len$OFFSET = 20;

    public static final long outlier_vector_len$offset() {
        return outlier_vector_len$OFFSET;
    }

    public static int outlier_vector_len(MemorySegment struct) {
        return struct.get(outlier_vector_len$LAYOUT, outlier_vector_len$OFFSET);
    }

    public static void outlier_vector_len(MemorySegment struct, int fieldValue) {
        struct.set(outlier_vector_len$LAYOUT, outlier_vector_len$OFFSET, fieldValue);
    }

    private static final OfInt outlier_codebook_size$LAYOUT = (OfInt)$LAYOUT.select(groupElement("outlier_codebook_size"));

    public static final OfInt outlier_codebook_size$layout() {
        return outlier_codebook_size$LAYOUT;
    }

    private static final long outlier_codebook_size$OFFSET = 24;

    public static final long outlier_codebook_size$offset() {
        return outlier_codebook_size$OFFSET;
    }

    public static int outlier_codebook_size(MemorySegment struct) {
        return struct.get(outlier_codebook_size$LAYOUT, outlier_codebook_size$OFFSET);
    }

    public static void outlier_codebook_size(MemorySegment struct, int fieldValue) {
        struct.set(outlier_codebook_size$LAYOUT, outlier_codebook_size$OFFSET, fieldValue);
    }

    private static final OfInt groups$LAYOUT = (OfInt)$LAYOUT.select(groupElement("groups"));

    public static final OfInt groups$layout() {
        return groups$LAYOUT;
    }

    private static final long groups$OFFSET = 28;

    public static final long groups$offset() {
        return groups$OFFSET;
    }

    public static int groups(MemorySegment struct) {
        return struct.get(groups$LAYOUT, groups$OFFSET);
    }

    public static void groups(MemorySegment struct, int fieldValue) {
        struct.set(groups$LAYOUT, groups$OFFSET, fieldValue);
    }

    private static final OfLong outlier_columns$LAYOUT = (OfLong)$LAYOUT.select(groupElement("outlier_columns"));

    public static final OfLong outlier_columns$layout() {
        return outlier_columns$LAYOUT;
    }

    private static final long outlier_columns$OFFSET = 32;

    public static final long outlier_columns$offset() {
        return outlier_columns$OFFSET;
    }

    public static long outlier_columns(MemorySegment struct) {
        return struct.get(outlier_columns$LAYOUT, outlier_columns$OFFSET);
    }

    public static void outlier_columns(MemorySegment struct, long fieldValue) {
        struct.set(outlier_columns$LAYOUT, outlier_columns$OFFSET, fieldValue);
    }

    private static final OfInt enable_norm$LAYOUT = (OfInt)$LAYOUT.select(groupElement("enable_norm"));

    public static final OfInt enable_norm$layout() {
        return enable_norm$LAYOUT;
    }

    private static final long enable_norm$OFFSET = 40;

    public static final long enable_norm$offset() {
        return enable_norm$OFFSET;
    }

    public static int enable_norm(MemorySegment struct) {
        return struct.get(enable_norm$LAYOUT, enable_norm$OFFSET);
    }

    public static void enable_norm(MemorySegment struct, int fieldValue) {
        struct.set(enable_norm$LAYOUT, enable_norm$OFFSET, fieldValue);
    }

    private static final OfInt enable_perm$LAYOUT = (OfInt)$LAYOUT.select(groupElement("enable_perm"));

    public static final OfInt enable_perm$layout() {
        return enable_perm$LAYOUT;
    }

    private static final long enable_perm$OFFSET = 44;

    public static final long enable_perm$offset() {
        return enable_perm$OFFSET;
    }

    public static int enable_perm(MemorySegment struct) {
        return struct.get(enable_perm$LAYOUT, enable_perm$OFFSET);
    }

    public static void enable_perm(MemorySegment struct, int fieldValue) {
        struct.set(enable_perm$LAYOUT, enable_perm$OFFSET, fieldValue);
    }

    private static final OfInt block_size$LAYOUT = (OfInt)$LAYOUT.select(groupElement("block_size"));

    public static final OfInt block_size$layout() {
        return block_size$LAYOUT;
    }

    private static final long block_size$OFFSET = 48;

    public static final long block_size$offset() {
        return block_size$OFFSET;
    }

    public static int block_size(MemorySegment struct) {
        return struct.get(block_size$LAYOUT, block_size$OFFSET);
    }

    public static void block_size(MemorySegment struct, int fieldValue) {
        struct.set(block_size$LAYOUT, block_size$OFFSET, fieldValue);
    }

    private static final OfInt error_feedback$LAYOUT = (OfInt)$LAYOUT.select(groupElement("error_feedback"));

    public static final OfInt error_feedback$layout() {
        return error_feedback$LAYOUT;
    }

    private static final long error_feedback$OFFSET = 52;

    public static final long error_feedback$offset() {
        return error_feedback$OFFSET;
    }

    public static int error_feedback(MemorySegment struct) {
        return struct.get(error_feedback$LAYOUT, error_feedback$OFFSET);
    }

    public static void error_feedback(MemorySegment struct, int fieldValue) {
        struct.set(error_feedback$LAYOUT, error_feedback$OFFSET, fieldValue);
    }

    private static final OfInt kmeans_max_iter$LAYOUT = (OfInt)$LAYOUT.select(groupElement("kmeans_max_iter"));

    public static final OfInt kmeans_max_iter$layout() {
        return kmeans_max_iter$LAYOUT;
    }

    private static final long kmeans_max_iter$OFFSET = 56;

    public static final long kmeans_max_iter$offset() {
        return kmeans_max_iter$OFFSET;
    }

    public static int kmeans_max_iter(MemorySegment struct) {
        return struct.get(kmeans_max_iter$LAYOUT, kmeans_max_iter$OFFSET);
    }

    public static void kmeans_max_iter(MemorySegment struct, int fieldValue) {
        struct.set(kmeans_max_iter$LAYOUT, kmeans_max_iter$OFFSET, fieldValue);
    }

    private static final OfInt kmeans_init$LAYOUT = (OfInt)$LAYOUT.select(groupElement("kmeans_init"));

    public static final OfInt kmeans_init$layout() {
        return kmeans_init$LAYOUT;
    }

    private static final long kmeans_init$OFFSET = 60;

    public static final long kmeans_init$offset() {
        return kmeans_init$OFFSET;
    }

    public static int kmeans_init(MemorySegment struct) {
        return struct.get(kmeans_init$LAYOUT, kmeans_init$OFFSET);
    }

    public static void kmeans_init(MemorySegment struct, int fieldValue) {
        struct.set(kmeans_init$LAYOUT, kmeans_init$OFFSET, fieldValue);
    }

    private static final OfDouble kmeans_tol$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("kmeans_tol"));

    public static final OfDouble kmeans_tol$layout() {
        return kmeans_tol$LAYOUT;
    }

    private static final long kmeans_tol$OFFSET = 64;

    public static final long kmeans_tol$offset() {
        return kmeans_tol$OFFSET;
    }

    public static double kmeans_tol(MemorySegment struct) {
        return struct.get(kmeans_tol$LAYOUT, kmeans_tol$OFFSET);
    }

    public static void kmeans_tol(MemorySegment struct, double fieldValue) {
        struct.set(kmeans_tol$LAYOUT, kmeans_tol$OFFSET, fieldValue);
    }

    private static final OfDouble damp$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("damp"));

    public static final OfDouble damp$layout() {
        return damp$LAYOUT;
    }

    private static final long damp$OFFSET = 72;

    public static final long damp$offset() {
        return damp$OFFSET;
    }

    public static double damp(MemorySegment struct) {
        return struct.get(damp$LAYOUT, damp$OFFSET);
    }

    public static void damp(MemorySegment struct, double fieldValue) {
        struct.set(damp$LAYOUT, damp$OFFSET, fieldValue);
    }

    private static final OfLong seed$LAYOUT = (OfLong)$LAYOUT.select(groupElement("seed"));

    public static final OfLong seed$layout() {
        return seed$LAYOUT;
    }

    private static final long seed$OFFSET = 80;

    public static final long seed$offset() {
        return seed$OFFSET;
    }

    public static long seed(MemorySegment struct) {
        return struct.get(seed$LAYOUT, seed$OFFSET);
    }

    public static void seed(MemorySegment struct, long fieldValue) {
        struct.set(seed$LAYOUT, seed$OFFSET, fieldValue);
    }

    private static final OfInt finetune_steps$LAYOUT = (OfInt)$LAYOUT.select(groupElement("finetune_steps"));

    public static final OfInt finetune_steps$layout() {
        return finetune_steps$LAYOUT;
    }

    private static final long finetune_steps$OFFSET = 88;

    public static final long finetune_steps$offset() {
        return finetune_steps$OFFSET;
    }

    public static int finetune_steps(MemorySegment struct) {
        return struct.get(finetune_steps$LAYOUT, finetune_steps$OFFSET);
    }

    public static void finetune_steps(MemorySegment struct, int fieldValue) {
        struct.set(finetune_steps$LAYOUT, finetune_steps$OFFSET, fieldValue);
    }

    private static final OfInt reserved$LAYOUT = (OfInt)$LAYOUT.select(groupElement("reserved"));

    public static final OfInt reserved$layout() {
        return reserved$LAYOUT;
    }

    private static final long reserved$OFFSET = 92;

    public static final long reserved$offset() {
        return reserved$OFFSET;
    }

    public static int reserved(MemorySegment struct) {
        return struct.get(reserved$LAYOUT, reserved$OFFSET);
    }

    public static void reserved(MemorySegment struct, int fieldValue) {
        struct.set(reserved$LAYOUT, reserved$OFFSET, fieldValue);
    }

    private static final OfDouble finetune_lr$LAYOUT = (OfDouble)$LAYOUT.select(groupElement("finetune_lr"));

    public static final OfDouble finetune_lr$layout() {
        return finetune_lr$LAYOUT;
    }

    private static final long finetune_lr$OFFSET = 96;

    public static final long finetune_lr$offset() {
        return finetune_lr$OFFSET;
    }

    public static double finetune_lr(MemorySegment struct) {
        return struct.get(finetune_lr$LAYOUT, finetune_lr$OFFSET);
    }

    public static void finetune_lr(MemorySegment struct, double fieldValue) {
        struct.set(finetune_lr$LAYOUT, finetune_lr$OFFSET, fieldValue);
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
