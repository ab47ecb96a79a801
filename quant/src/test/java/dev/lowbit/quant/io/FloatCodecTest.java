package dev.lowbit.quant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class FloatCodecTest {

    private static short bf16(float f) {
        return FloatCodec.floatToBf16(f);
    }

    private static float bits(int b) {
        return Float.intBitsToFloat(b);
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, bf16(1.0f));
        assertEquals((short) 0x3F80, bf16(bits(0x3F808000)), "tie, even below");
        assertEquals((short) 0x3F82, bf16(bits(0x3F818000)), "tie, odd below rounds up");
        assertEquals((short) 0x3F81, bf16(bits(0x3F808001)), "above the tie");
        assertEquals((short) 0x3F80, bf16(bits(0x3F807FFF)), "below the tie");
        assertEquals((short) 0xBF80, bf16(-1.0f));
    }

    @Test
    void bf16SpecialValues() {
        assertEquals((short) 0x7F80, bf16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0xFF80, bf16(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x7F80, bf16(Float.MAX_VALUE), "rounds past the largest bf16 to infinity");
        assertEquals((short) 0x8000, bf16(-0.0f));
        assertTrue(Float.isNaN(FloatCodec.bf16ToFloat(bf16(Float.NaN))));
        assertTrue(Float.isNaN(FloatCodec.bf16ToFloat(bf16(bits(0x7F800001)))), "NaN with low payload stays NaN");
        assertEquals(bits(0x00010000), FloatCodec.bf16ToFloat(bf16(bits(0x00010000))), "subnormal");
    }

    @Test
    void bf16ToFloatIsExact() {
        for (int b = 0; b < 0x10000; b++) {
            float f = FloatCodec.bf16ToFloat((short) b);
            if (!Float.isNaN(f)) {
                assertEquals((short) b, bf16(f));
            }
        }
    }

    @Test
    void f16RoundTrip() {
        assertEquals((short) 0x3C00, FloatCodec.floatToF16(1.0f));
        assertEquals((short) 0x7C00, FloatCodec.floatToF16(65520f), "rounds to infinity");
        assertEquals(65504f, FloatCodec.f16ToFloat((short) 0x7BFF));
        assertEquals(bits(0x33800000), FloatCodec.f16ToFloat((short) 0x0001), "smallest subnormal");
    }

    @Test
    void encodeDecodeAllFloatTypes() {
        float[] values = {0f, 1f, -2.5f, 3.140625f, 1e-3f, -65504f};
        for (DType t : new DType[] {DType.F32, DType.F16, DType.BF16, DType.F64}) {
            byte[] bytes = FloatCodec.encode(values, t);
            assertEquals(values.length * t.byteSize(), bytes.length);
            float[] back = FloatCodec.decode(MemorySegment.ofArray(bytes), t, values.length);
            for (int i = 0; i < values.length; i++) {
                float tol = t == DType.BF16 ? 1e-2f * Math.abs(values[i]) : t == DType.F16 ? 1e-3f * Math.abs(values[i]) : 0f;
                assertEquals(values[i], back[i], tol, t + " " + values[i]);
            }
        }
        byte[] f32 = FloatCodec.encode(new float[] {1.0f}, DType.F32);
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F}, f32, "little-endian");
        assertThrows(IllegalArgumentException.class, () -> FloatCodec.encode(values, DType.I32));
    }
}
