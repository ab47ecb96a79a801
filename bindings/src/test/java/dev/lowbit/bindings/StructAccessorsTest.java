package dev.lowbit.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The struct classes' accessors read and write the bytes at the C offsets; no native library needed. */
class StructAccessorsTest {

    @Test
    void rtnOptionsFieldsLandAtTheirOffsets() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment options = lb_rtn_options.allocate(arena);
            lb_rtn_options.struct_size(options, lb_rtn_options.sizeof());
            lb_rtn_options.bits(options, 3);
            lb_rtn_options.symmetric(options, 1);
            lb_rtn_options.group_size(options, 128);
            assertEquals(24, lb_rtn_options.sizeof());
            assertEquals(24, options.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(3, options.get(ValueLayout.JAVA_INT, 8));
            assertEquals(1, options.get(ValueLayout.JAVA_INT, 12));
            assertEquals(128, options.get(ValueLayout.JAVA_LONG, 16));
            assertEquals(3, lb_rtn_options.bits(options));
        }
    }

    @Test
    void charArrayFieldIsASliceAndIndexable() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = lb_runtime_info.allocate(arena);
            lb_runtime_info.struct_size(info, -1L);
            byte[] text = "2.4.0\0".getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(MemorySegment.ofArray(text), 0, lb_runtime_info.torch_version(info), 0, text.length);
            assertEquals("2.4.0", lb_runtime_info.torch_version(info).getString(0));
            assertEquals(32, lb_runtime_info.torch_version(info).byteSize());
            assertEquals((byte) '4', lb_runtime_info.torch_version(info, 2));
            lb_runtime_info.torch_version(info, 0, (byte) '3');
            assertEquals("3.4.0", lb_runtime_info.torch_version(info).getString(0));
            assertEquals(-1L, lb_runtime_info.struct_size(info), "writing the array left struct_size alone");
            lb_runtime_info.num_threads(info, 8);
            assertEquals(8, info.get(ValueLayout.JAVA_INT, 52));
            assertEquals(56, lb_runtime_info.sizeof());
        }
    }

    @Test
    void vqWeightsEndWithTheBankIndices() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = lb_vq_weights.allocate(arena);
            assertEquals(152, lb_vq_weights.sizeof());
            assertEquals(136, lb_vq_weights.bias$offset());
            lb_vq_weights.bank_indices(w, MemorySegment.ofAddress(0x1230));
            assertEquals(0x1230, w.get(ValueLayout.JAVA_LONG, 144));
            assertEquals(0, w.get(ValueLayout.JAVA_LONG, 136), "bias untouched");
        }
    }

    @Test
    void arrayHelpersStepByTheStructSize() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = lb_rtn_options.allocateArray(3, arena);
            assertEquals(3 * lb_rtn_options.sizeof(), array.byteSize());
            lb_rtn_options.bits(lb_rtn_options.asSlice(array, 2), 4);
            assertEquals(4, array.get(ValueLayout.JAVA_INT, 2 * 24 + 8));
        }
    }
}
