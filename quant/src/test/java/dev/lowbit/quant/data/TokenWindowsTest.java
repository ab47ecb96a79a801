package dev.lowbit.quant.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenWindowsTest {
    /** A stream whose ids are their own positions, so a window shows where it was cut. */
    private static TokenStream positions(int length) {
        return TokenStream.of(IntStream.range(0, length).toArray(), "positions");
    }

    @Test
    void consecutiveWindowsTileTheStreamAndDropTheRest() {
        TokenWindows windows = positions(1100).windows(512);
        assertEquals(2, windows.rows());
        assertEquals(512, windows.seq());
        assertArrayEquals(IntStream.range(0, 1024).toArray(), windows.tokens());
        assertArrayEquals(IntStream.range(512, 1024).toArray(), windows.row(1));
        assertEquals(513, windows.get(1, 1));
        assertEquals(1, positions(512).windows(512).rows());
    }

    @Test
    void sampledWindowsAreContiguousSlicesAtValidOffsets() {
        TokenWindows windows = positions(10_000).sample(64, 512, 42);
        assertEquals(64, windows.rows());
        for (int row = 0; row < windows.rows(); row++) {
            int start = windows.get(row, 0);
            assertTrue(start >= 0 && start <= 10_000 - 512, "start " + start);
            assertArrayEquals(IntStream.range(start, start + 512).toArray(), windows.row(row));
        }
    }

    @Test
    void theSameSeedGivesTheSameWindowsAndAnotherSeedOthers() throws IOException {
        TokenStream stream = TokenStream.fromText(TestData.tokenizer(),
                Files.readString(TestData.validText()).substring(0, 300_000), TokenStream.UNLIMITED);
        TokenWindows first = stream.sample(16, 512, 1234);
        assertEquals(first, stream.sample(16, 512, 1234));
        assertArrayEquals(first.tokens(), TokenWindows.sampled(stream, 16, 512, 1234).tokens());
        assertNotEquals(first, stream.sample(16, 512, 1235));
    }

    @Test
    void everyOffsetCanBeDrawnIncludingTheLast() {
        Set<Integer> starts = new HashSet<>();
        TokenWindows windows = positions(513).sample(200, 512, 7);
        for (int row = 0; row < windows.rows(); row++) {
            starts.add(windows.get(row, 0));
        }
        assertEquals(Set.of(0, 1), starts);
    }

    @Test
    void widensToLongAndChecksBounds() {
        TokenWindows windows = positions(6).windows(3);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5}, windows.toLongArray());
        assertThrows(IndexOutOfBoundsException.class, () -> windows.get(2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> windows.row(-1));
        assertThrows(IllegalArgumentException.class, () -> new TokenWindows(2, 3, new int[5]));
        assertEquals(0, positions(6).sample(0, 3, 1).rows());
    }
}
