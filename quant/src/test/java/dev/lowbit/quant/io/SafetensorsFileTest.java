package dev.lowbit.quant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    // "b" comes first in the header: names() must keep file order, not sort.
    private static final String HEADER = """
            {"b":{"dtype":"U8","shape":[2,3],"data_offsets":[8,14]},\
            "__metadata__":{"format":"pt","note":"x"},\
            "a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},\
            "scalar":{"dtype":"I16","shape":[],"data_offsets":[16,18]},\
            "empty":{"dtype":"F16","shape":[0,4],"data_offsets":[18,18]}}""";

    @Test
    void readsTensorsInFileOrderWithZeroCopySlices() throws Exception {
        Path file = TestFiles.rawSafetensors(dir.resolve("m.safetensors"), HEADER, 18);
        long dataStart = 8 + HEADER.length();
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(List.of("b", "a", "scalar", "empty"), f.names());
            assertEquals(Map.of("format", "pt", "note", "x"), f.metadata());
            TensorInfo b = f.info("b");
            assertEquals(DType.U8, b.dtype());
            assertArrayEquals(new long[] {2, 3}, b.shape());
            assertEquals(dataStart + 8, b.offset());
            assertEquals(6, b.byteSize());
            assertEquals(6, b.elementCount());
            MemorySegment s = f.slice("b");
            assertEquals(6, s.byteSize());
            assertEquals(8, s.get(ValueLayout.JAVA_BYTE, 0), "data bytes are 0,1,2,...");
            assertEquals(f.segment().address() + b.offset(), s.address(), "a view of the mapping, not a copy");
            assertEquals(1, f.info("scalar").elementCount());
            assertEquals(0, f.slice("empty").byteSize());
            assertTrue(f.has("a"));
            assertFalse(f.has("c"));
            // gap at [14,16) is allowed
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> f.info("c"));
            assertEquals("c", e.tensor());
            assertTrue(e.getMessage().contains(file.toString()));
        }
    }

    @Test
    void closeReleasesOwnedMapping() throws Exception {
        Path file = TestFiles.rawSafetensors(dir.resolve("m.safetensors"), HEADER, 18);
        MemorySegment s;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            s = f.slice("a");
            s.get(ValueLayout.JAVA_BYTE, 0);
        }
        MemorySegment closed = s;
        assertThrows(IllegalStateException.class, () -> closed.get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void callerArenaOutlivesFileObject() throws Exception {
        Path file = TestFiles.rawSafetensors(dir.resolve("m.safetensors"), HEADER, 18);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s;
            try (SafetensorsFile f = SafetensorsFile.open(file, arena)) {
                s = f.slice("b");
            }
            assertEquals(9, s.get(ValueLayout.JAVA_BYTE, 1));
        }
    }

    @Test
    void readFloatsConvertsAndRejectsIntegers() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter();
        float[] v = {1f, -0.5f, 3f};
        w.addFloats("f32", DType.F32, new long[] {3}, v);
        w.addFloats("f16", DType.F16, new long[] {3}, v);
        w.addFloats("bf16", DType.BF16, new long[] {1, 3}, v);
        w.add("i8", DType.I8, new long[] {2}, new byte[] {1, 2});
        Path file = dir.resolve("f.safetensors");
        w.write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(v, f.readFloats("f32"));
            assertArrayEquals(v, f.readFloats("f16"));
            assertArrayEquals(v, f.readFloats("bf16"));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> f.readFloats("i8"));
            assertEquals("i8", e.tensor());
        }
    }
}
