package dev.lowbit.quant.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.quant.LowbitException;
import dev.lowbit.quant.Status;
import dev.lowbit.quant.TestDevice;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BitPackingTest {

    @ParameterizedTest(name = "bits={0} dim={1}")
    @CsvSource({"2,0", "2,1", "3,0", "3,1", "4,0", "4,1", "8,0", "8,1"})
    void packMatchesTheBitStreamAndUnpacksBack(int bits, int dim) {
        int perBlock = bits == 3 ? 32 : 32 / bits;
        int rows = dim == 0 ? 3 * perBlock : 5;
        int cols = dim == 0 ? 7 : 3 * perBlock;
        byte[] values = new byte[rows * cols];
        SplittableRandom random = new SplittableRandom(bits * 10L + dim);
        for (int k = 0; k < values.length; k++) values[k] = (byte) random.nextInt(1 << bits);
        try (Tensor t = u8(values, rows, cols); Tensor packed = BitPacking.pack(t, bits, dim)) {
            long[] expectedShape = dim == 0 ? new long[] {rows * bits / 32, cols} : new long[] {rows, cols * bits / 32};
            assertArrayEquals(expectedShape, packed.shape());
            assertEquals(DType.I32, packed.dtype());
            assertArrayEquals(referencePack(values, rows, cols, bits, dim), ints(packed));
            try (Tensor back = BitPacking.unpack(packed, bits, dim)) {
                assertEquals(DType.U8, back.dtype());
                assertArrayEquals(new long[] {rows, cols}, back.shape());
                assertArrayEquals(values, back.toByteArray());
            }
        }
    }

    @Test
    void outOfRangeValuesAreAnInvalidArgumentNamingThePosition() {
        byte[] values = new byte[2 * 16];
        values[16 + 3] = 4;
        try (Tensor t = u8(values, 2, 16)) {
            LowbitException e = assertThrows(LowbitException.class, () -> BitPacking.pack(t, 2, 1));
            assertEquals(Status.INVALID_ARGUMENT, e.status());
            assertTrue(e.getMessage().contains("values[1, 3]=4 out of range for bits=2"), e.getMessage());
        }
    }

    /** Bit by bit: value v of a line sits at bits [bits*v, bits*v + bits) of a little-endian stream of words. */
    private static int[] referencePack(byte[] values, int rows, int cols, int bits, int dim) {
        int packedRows = dim == 0 ? rows * bits / 32 : rows;
        int packedCols = dim == 0 ? cols : cols * bits / 32;
        int[] words = new int[packedRows * packedCols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int value = values[r * cols + c] & 0xFF;
                int position = dim == 0 ? r : c;
                for (int b = 0; b < bits; b++) {
                    int bit = position * bits + b;
                    int index = dim == 0 ? (bit / 32) * packedCols + c : r * packedCols + bit / 32;
                    words[index] |= ((value >>> b) & 1) << (bit % 32);
                }
            }
        }
        return words;
    }

    private static Tensor u8(byte[] values, int rows, int cols) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment data = call.allocateFrom(ValueLayout.JAVA_BYTE, values);
            return Tensor.fromHost(data, DType.U8, new long[] {rows, cols}, TestDevice.get());
        }
    }

    private static int[] ints(Tensor t) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment dst = call.allocate(t.byteSize(), 4);
            t.copyTo(dst);
            return dst.toArray(ValueLayout.JAVA_INT);
        }
    }
}
