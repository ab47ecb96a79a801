package dev.lowbit.quant.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The VPTQ index bit stream: exact layout, straddling elements, bit-exact round trips. */
class VptqIndexPackingTest {

    @Test
    void layoutIsALittleEndianStreamWithStraddlingElements() {
        // T = 12: element 2 occupies stream bits [24, 36): 8 bits in word 0, 4 in word 1.
        int[] values = {0xABC, 0x123, 0xFED, 0x456};
        int[] words = VptqIndexPacking.pack(values, 1, 4, 12);
        assertEquals(2, words.length);
        assertEquals(0xED123ABC, words[0]);
        assertEquals(0x0456F, words[1]);
        assertArrayEquals(values, VptqIndexPacking.unpack(words, 1, 4, 12));
    }

    @Test
    void rowsStartOnAFreshWord() {
        int[] values = {7, 1, 2, 3, 4, 5};  // 2 rows x 3 elements x 3 bits: 9 bits per row, one word each
        int[] words = VptqIndexPacking.pack(values, 2, 3, 3);
        assertArrayEquals(new int[] {7 | (1 << 3) | (2 << 6), 3 | (4 << 3) | (5 << 6)}, words);
    }

    @Test
    void roundTripsEveryWidth() {
        SplittableRandom random = new SplittableRandom(3);
        for (int bits = 1; bits <= 32; bits++) {
            for (int perRow : new int[] {1, 5, 31, 33, 97}) {
                int rows = 3;
                int[] values = new int[rows * perRow];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (int) (random.nextLong() & ((1L << bits) - 1));
                }
                int[] words = VptqIndexPacking.pack(values, rows, perRow, bits);
                assertEquals(rows * VptqIndexPacking.wordsPerRow(perRow, bits), words.length);
                assertArrayEquals(values, VptqIndexPacking.unpack(words, rows, perRow, bits), "bits " + bits + " perRow " + perRow);
            }
        }
    }

    @Test
    void rejectsValuesThatDoNotFit() {
        assertThrows(IllegalArgumentException.class, () -> VptqIndexPacking.pack(new int[] {8}, 1, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> VptqIndexPacking.pack(new int[] {1, 2}, 1, 1, 3));
    }
}
