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
 * struct lb_llama_block_weights {
 *     int64_t struct_size;
 *     lb_tensor input_norm;
 *     lb_tensor q_proj;
 *     lb_tensor k_proj;
 *     lb_tensor v_proj;
 *     lb_tensor o_proj;
 *     lb_tensor q_bias;
 *     lb_tensor k_bias;
 *     lb_tensor v_bias;
 *     lb_tensor o_bias;
 *     lb_tensor post_attention_norm;
 *     lb_tensor gate_proj;
 *     lb_tensor up_proj;
 *     lb_tensor down_proj;
 * }
 * }
 */
public class lb_llama_block_weights {

    lb_llama_block_weights() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        lowbit_h.C_LONG.withName("struct_size"),
        lowbit_h.C_POINTER.withName("input_norm"),
        lowbit_h.C_POINTER.withName("q_proj"),
        lowbit_h.C_POINTER.withName("k_proj"),
        lowbit_h.C_POINTER.withName("v_proj"),
        lowbit_h.C_POINTER.withName("o_proj"),
        lowbit_h.C_POINTER.withName("q_bias"),
        lowbit_h.C_POINTER.withName("k_bias"),
        lowbit_h.C_POINTER.withName("v_bias"),
        lowbit_h.C_POINTER.withName("o_bias"),
        lowbit_h.C_POINTER.withName("post_attention_norm"),
        lowbit_h.C_POINTER.withName("gate_proj"),
        lowbit_h.C_POINTER.withName("up_proj"),
        lowbit_h.C_POINTER.withName("down_proj")
    ).withName("lb_llama_block_weights");

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

    private static final AddressLayout input_norm$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("input_norm"));

    public static final AddressLayout input_norm$layout() {
        return input_norm$LAYOUT;
    }

    private static final long input_norm$OFFSET = 8;

    public static final long input_norm$offset() {
        return input_norm$OFFSET;
    }

    public static MemorySegment input_norm(MemorySegment struct) {
        return struct.get(input_norm$LAYOUT, input_norm$OFFSET);
    }

    public static void input_norm(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(input_norm$LAYOUT, input_norm$OFFSET, fieldValue);
    }

    private static final AddressLayout q_proj$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("q_proj"));

    public static final AddressLayout q_proj$layout() {
        return q_proj$LAYOUT;
    }

    private static final long q_proj$OFFSET = 16;

    public static final long q_proj$offset() {
        return q_proj$OFFSET;
    }

    public static MemorySegment q_proj(MemorySegment struct) {
        return struct.get(q_proj$LAYOUT, q_proj$OFFSET);
    }

    public static void q_proj(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(q_proj$LAYOUT, q_proj$OFFSET, fieldValue);
    }

    private static final AddressLayout k_proj$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("k_proj"));

    public static final AddressLayout k_proj$layout() {
        return k_proj$LAYOUT;
    }

    private static final long k_proj$OFFSET = 24;

    public static final long k_proj$offset() {
        return k_proj$OFFSET;
    }

    public static MemorySegment k_proj(MemorySegment struct) {
        return struct.get(k_proj$LAYOUT, k_proj$OFFSET);
    }

    public static void k_proj(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(k_proj$LAYOUT, k_proj$OFFSET, fieldValue);
    }

    private static final AddressLayout v_proj$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("v_proj"));

    public static final AddressLayout v_proj$layout() {
        return v_proj$LAYOUT;
    }

    private static final long v_proj$OFFSET = 32;

    public static final long v_proj$offset() {
        return v_proj$OFFSET;
    }

    public static MemorySegment v_proj(MemorySegment struct) {
        return struct.get(v_proj$LAYOUT, v_proj$OFFSET);
    }

    public static void v_proj(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(v_proj$LAYOUT, v_proj$OFFSET, fieldValue);
    }

    private static final AddressLayout o_proj$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("o_proj"));

    public static final AddressLayout o_proj$layout() {
        return o_proj$LAYOUT;
    }

    private static final long o_proj$OFFSET = 40;

    public static final long o_proj$offset() {
        return o_proj$OFFSET;
    }

    public static MemorySegment o_proj(MemorySegment struct) {
        return struct.get(o_proj$LAYOUT, o_proj$OFFSET);
    }

    public static void o_proj(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(o_proj$LAYOUT, o_proj$OFFSET, fieldValue);
    }

    private static final AddressLayout q_bias$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("q_bias"));

    public static final AddressLayout q_bias$layout() {
        return q_bias$LAYOUT;
    }

    private static final long q_bias$OFFSET = 48;

    public static final long q_bias$offset() {
        return q_bias$OFFSET;
    }

    public static MemorySegment q_bias(MemorySegment struct) {
        return struct.get(q_bias$LAYOUT, q_bias$OFFSET);
    }

    public static void q_bias(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(q_bias$LAYOUT, q_bias$OFFSET, fieldValue);
    }

    private static final AddressLayout k_bias$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("k_bias"));

    public static final AddressLayout k_bias$layout() {
        return k_bias$LAYOUT;
    }

    private static final long k_bias$OFFSET = 56;

    public static final long k_bias$offset() {
        return k_bias$OFFSET;
    }

    public static MemorySegment k_bias(MemorySegment struct) {
        return struct.get(k_bias$LAYOUT, k_bias$OFFSET);
    }

    public static void k_bias(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(k_bias$LAYOUT, k_bias$OFFSET, fieldValue);
    }

    private static final AddressLayout v_bias$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("v_bias"));

    public static final AddressLayout v_bias$layout() {
        return v_bias$LAYOUT;
    }

    private static final long v_bias$OFFSET = 64;

    public static final long v_bias$offset() {
        return v_bias$OFFSET;
    }

    public static MemorySegment v_bias(MemorySegment struct) {
        return struct.get(v_bias$LAYOUT, v_bias$OFFSET);
    }

    public static void v_bias(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(v_bias$LAYOUT, v_bias$OFFSET, fieldValue);
    }

    private static final AddressLayout o_bias$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("o_bias"));

    public static final AddressLayout o_bias$layout() {
        return o_bias$LAYOUT;
    }

    private static final long o_bias$OFFSET = 72;

    public static final long o_bias$offset() {
        return o_bias$OFFSET;
    }

    public static MemorySegment o_bias(MemorySegment struct) {
        return struct.get(o_bias$LAYOUT, o_bias$OFFSET);
    }

    public static void o_bias(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(o_bias$LAYOUT, o_bias$OFFSET, fieldValue);
    }

    private static final AddressLayout post_attention_norm$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("post_attention_norm"));

    public static final AddressLayout post_attention_norm$layout() {
        return post_attention_norm$LAYOUT;
    }

    private static final long post_attention_norm$OFFSET = 80;

    public static final long post_attention_norm$offset() {
        return post_attention_norm$OFFSET;
    }

    public static MemorySegment post_attention_norm(MemorySegment struct) {
        return struct.get(post_attention_norm$LAYOUT, post_attention_norm$OFFSET);
    }

    public static void post_attention_norm(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(post_attention_norm$LAYOUT, post_attention_norm$OFFSET, fieldValue);
    }

    private static final AddressLayout gate_proj$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("gate_proj"));

    public static final AddressLayout gate_proj$layout() {
        return gate_proj$LAYOUT;
    }

    private static final long gate_proj$OFFSET = 88;

    public static final long gate_proj$offset() {
        return gate_proj$OFFSET;
    }

    public static MemorySegment gate_proj(MemorySegment struct) {
        return struct.get(gate_proj$LAYOUT, gate_proj$OFFSET);
    }

    public static void gate_proj(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(gate_proj$LAYOUT, gate_proj$OFFSET, fieldValue);
    }

    private static final AddressLayout up_proj$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("up_proj"));

    public static final AddressLayout up_proj$layout() {
        return up_proj$LAYOUT;
    }

    private static final long up_proj$OFFSET = 96;

    public static final long up_proj$offset() {
        return up_proj$OFFSET;
    }

    public static MemorySegment up_proj(MemorySegment struct) {
        return struct.get(up_proj$LAYOUT, up_proj$OFFSET);
    }

    public static void up_proj(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(up_proj$LAYOUT, up_proj$OFFSET, fieldValue);
    }

    private static final AddressLayout down_proj$LAYOUT = (AddressLayout)$LAYOUT.select(groupElement("down_proj"));

    public static final AddressLayout down_proj$layout() {
        return down_proj$LAYOUT;
    }

    private static final long down_proj$OFFSET = 104;

    public static final long down_proj$offset() {
        return down_proj$OFFSET;
    }

    public static MemorySegment down_proj(MemorySegment struct) {
        return struct.get(down_proj$LAYOUT, down_proj$OFFSET);
    }

    public static void down_proj(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(down_proj$LAYOUT, down_proj$OFFSET, fieldValue);
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
