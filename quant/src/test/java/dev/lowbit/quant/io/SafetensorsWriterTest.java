package dev.lowbit.quant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
    @TempDir
    Path dir;

    /** One tensor of every dtype with odd element counts, so alignment matters. */
    static Map<String, Object[]> allDtypes(Random rnd) {
        Map<String, Object[]> m = new LinkedHashMap<>();
        long[][] shapes = {{3, 5}, {7}, {}, {2, 3, 3}, {0, 5}};
        int i = 0;
        for (DType t : DType.values()) {
            long[] shape = shapes[i++ % shapes.length];
            int n = (int) Shapes.elementCount(shape) * t.byteSize();
            m.put("t." + t.name().toLowerCase() + ".weight", new Object[] {t, shape, TestFiles.randomBytes(rnd, n)});
        }
        return m;
    }

    @Test
    void roundTripsEveryDtypeBitExact() throws Exception {
        Map<String, Object[]> tensors = allDtypes(new Random(1));
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt").metadata("k", "v");
        tensors.forEach((name, v) -> w.add(name, (DType) v[0], (long[]) v[1], (byte[]) v[2]));
        Path file = dir.resolve("all.safetensors");
        w.write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(Map.of("format", "pt", "k", "v"), f.metadata());
            assertEquals(tensors.size(), f.names().size());
            tensors.forEach((name, v) -> {
                TensorInfo info = f.info(name);
                assertEquals(v[0], info.dtype());
                assertArrayEquals((long[]) v[1], info.shape());
                assertArrayEquals((byte[]) v[2], f.slice(name).toArray(ValueLayout.JAVA_BYTE), name);
                assertEquals(0, info.offset() % info.dtype().byteSize(), name + " aligned to its element size");
            });
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void headerIsPaddedWithSpacesToEightBytes() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter();
        w.add("x", DType.U8, new long[] {1}, new byte[] {7});
        Path file = dir.resolve("p.safetensors");
        w.write(file);
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        assertEquals(8 + n + 1, bytes.length);
        String header = new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"x\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}"), header);
        assertTrue(header.substring(header.lastIndexOf('}') + 1).isBlank(), header);
    }

    @Test
    void outputDoesNotDependOnInsertionOrder() throws Exception {
        Map<String, Object[]> tensors = allDtypes(new Random(2));
        List<String> names = List.copyOf(tensors.keySet());
        SafetensorsWriter forward = new SafetensorsWriter();
        SafetensorsWriter backward = new SafetensorsWriter();
        for (int i = 0; i < names.size(); i++) {
            Object[] a = tensors.get(names.get(i));
            forward.add(names.get(i), (DType) a[0], (long[]) a[1], (byte[]) a[2]);
            String rn = names.get(names.size() - 1 - i);
            Object[] b = tensors.get(rn);
            backward.add(rn, (DType) b[0], (long[]) b[1], (byte[]) b[2]);
        }
        forward.write(dir.resolve("a.safetensors"));
        backward.write(dir.resolve("b.safetensors"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.safetensors")), Files.readAllBytes(dir.resolve("b.safetensors")));
    }

    @Test
    void writesFromNativeAndNonByteHeapSegments() throws Exception {
        float[] values = new float[3_000_000]; // larger than the staging buffer
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.25f;
        }
        Path file = dir.resolve("seg.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nat = arena.allocate(12);
            nat.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4, 0x01020304);
            SafetensorsWriter w = new SafetensorsWriter();
            w.add("native", DType.I32, new long[] {3}, nat);
            w.add("heap", DType.F32, new long[] {3_000_000}, MemorySegment.ofArray(values));
            w.write(file);
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(new byte[] {0, 0, 0, 0, 4, 3, 2, 1, 0, 0, 0, 0}, f.slice("native").toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(values, f.readFloats("heap"));
        }
    }

    @Test
    void convertsFloatsWithRoundToNearestEven() throws Exception {
        float tie = Float.intBitsToFloat(0x3F818000);
        SafetensorsWriter w = new SafetensorsWriter();
        w.addFloats("b", DType.BF16, new long[] {1}, new float[] {tie});
        Path file = dir.resolve("b.safetensors");
        w.write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(new byte[] {(byte) 0x82, 0x3F}, f.slice("b").toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void rejectsBadTensors() {
        SafetensorsWriter w = new SafetensorsWriter();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.add("w", DType.F32, new long[] {2, 2}, new byte[15]));
        assertTrue(e.getMessage().contains("tensor w"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.add("w", DType.F32, new long[] {-1}, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> w.add("__metadata__", DType.U8, new long[] {0}, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("w", DType.F32, new long[] {3}, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("w", DType.I32, new long[] {2}, new float[2]));
        w.add("w", DType.U8, new long[] {1}, new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> w.add("w", DType.U8, new long[] {1}, new byte[1]));
    }
}
