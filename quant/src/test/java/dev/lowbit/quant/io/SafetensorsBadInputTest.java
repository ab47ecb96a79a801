package dev.lowbit.quant.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsBadInputTest {
    @TempDir
    Path dir;

    /** Opens the file, expecting a ModelFormatException naming it, the tensor (or none) and the detail. */
    private ModelFormatException rejects(Path file, String tensor, String detail) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file).close());
        assertEquals(file, e.file());
        assertEquals(tensor, e.tensor());
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), m);
        if (tensor != null) {
            assertTrue(m.contains(tensor), m);
        }
        assertTrue(m.contains(detail), m);
        return e;
    }

    private Path raw(String header, int data) throws Exception {
        return TestFiles.rawSafetensors(dir.resolve("bad.safetensors"), header, data);
    }

    @Test
    void fileShorterThanLengthPrefix() throws Exception {
        Path f = Files.write(dir.resolve("short.safetensors"), new byte[] {1, 2, 3});
        rejects(f, null, "shorter than the 8-byte header length");
    }

    @Test
    void truncatedData() throws Exception {
        Path good = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = Files.write(dir.resolve("cut.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 5));
        rejects(cut, "w", "past the data region");
    }

    @Test
    void truncatedHeader() throws Exception {
        Path good = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = Files.write(dir.resolve("cut.safetensors"), java.util.Arrays.copyOf(bytes, 20));
        rejects(cut, null, "exceeds the file");
    }

    @Test
    void offsetsPastTheEnd() throws Exception {
        rejects(raw("{\"w\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[4,12]}}", 8), "w", "past the data region");
    }

    @Test
    void overlappingTensors() throws Exception {
        rejects(raw("{\"a\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[6,10]}}", 10), "b", "overlap tensor a");
    }

    @Test
    void unknownDtype() throws Exception {
        rejects(raw("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4), "w", "unknown dtype 'F8_E4M3'");
    }

    @Test
    void byteSizeMismatch() throws Exception {
        rejects(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", 16), "w", "needs 16 bytes but data_offsets [0,12] span 12");
    }

    @Test
    void absurdHeaderLength() throws Exception {
        rejects(TestFiles.rawSafetensors(dir.resolve("a.safetensors"), 200_000_000L, "{}", 0), null, "exceeds the 100000000-byte limit");
        rejects(TestFiles.rawSafetensors(dir.resolve("b.safetensors"), -1L, "{}", 0), null, "18446744073709551615");
    }

    @Test
    void headerNotJsonOrNotObject() throws Exception {
        rejects(raw("{\"w\":", 0), null, "header is not valid JSON");
        rejects(raw("[1,2]", 0), null, "header is not a JSON object");
        rejects(raw("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1), null, "Duplicate field 'a'");
    }

    @Test
    void missingFields() throws Exception {
        rejects(raw("{\"w\":{\"shape\":[1],\"data_offsets\":[0,1]}}", 1), "w", "no 'dtype'");
        rejects(raw("{\"w\":{\"dtype\":\"U8\",\"data_offsets\":[0,1]}}", 1), "w", "no 'shape'");
        rejects(raw("{\"w\":{\"dtype\":\"U8\",\"shape\":[1]}}", 1), "w", "no 'data_offsets'");
        rejects(raw("{\"w\":5}", 1), "w", "not a JSON object");
    }

    @Test
    void badShapesAndOffsets() throws Exception {
        rejects(raw("{\"w\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,1]}}", 1), "w", "negative dim");
        rejects(raw("{\"w\":{\"dtype\":\"U8\",\"shape\":[1.5],\"data_offsets\":[0,1]}}", 1), "w", "non-integer dim");
        rejects(raw("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,0]}}", 1), "w", "begin <= end");
        rejects(raw("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]}}", 1), "w", "not a pair of integers");
        rejects(raw("{\"w\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,1]}}", 1), "w", "overflows");
    }

    @Test
    void metadataMustBeStrings() throws Exception {
        rejects(raw("{\"__metadata__\":{\"n\":1}}", 0), null, "value of 'n' is not a string");
    }
}
