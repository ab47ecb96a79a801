package dev.lowbit.quant.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Conversions between Java floats and the little-endian F32 / F16 / BF16 / F64 encodings. */
public final class FloatCodec {
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble LE_DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private FloatCodec() {
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Rounds to nearest, ties to even; NaN stays NaN (quiet) with its sign. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** Rounds to nearest, ties to even. */
    public static short floatToF16(float value) {
        return Float.floatToFloat16(value);
    }

    /** Decodes {@code count} elements of a floating-point dtype from {@code src}. */
    public static float[] decode(MemorySegment src, DType dtype, int count) {
        float[] out = new float[count];
        switch (dtype) {
            case F32 -> MemorySegment.copy(src, LE_FLOAT, 0, out, 0, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = f16ToFloat(src.get(LE_SHORT, 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = bf16ToFloat(src.get(LE_SHORT, 2L * i));
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = (float) src.get(LE_DOUBLE, 8L * i);
                }
            }
            default -> throw new IllegalArgumentException("not a floating-point dtype: " + dtype);
        }
        return out;
    }

    /** Encodes {@code values} as {@code dtype} (F32, F16, BF16 or F64) into a new byte array. */
    public static byte[] encode(float[] values, DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("not a floating-point dtype: " + dtype);
        }
        byte[] out = new byte[Math.multiplyExact(values.length, dtype.byteSize())];
        MemorySegment dst = MemorySegment.ofArray(out);
        switch (dtype) {
            case F32 -> MemorySegment.copy(values, 0, dst, LE_FLOAT, 0, values.length);
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    dst.set(LE_SHORT, 2L * i, floatToF16(values[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    dst.set(LE_SHORT, 2L * i, floatToBf16(values[i]));
                }
            }
            case F64 -> {
                for (int i = 0; i < values.length; i++) {
                    dst.set(LE_DOUBLE, 8L * i, values[i]);
                }
            }
            default -> throw new AssertionError(dtype);
        }
        return out;
    }
}
