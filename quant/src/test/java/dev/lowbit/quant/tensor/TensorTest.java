package dev.lowbit.quant.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.quant.LowbitException;
import dev.lowbit.quant.TestDevice;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void roundTripsValuesShapeAndDevice() {
        float[] v = {1f, -2.5f, 3.25f, 0f, 7f, -0f};
        try (Tensor t = Tensor.of(v, TestDevice.get(), 2, 3)) {
            assertArrayEquals(new long[] {2, 3}, t.shape());
            assertEquals(DType.F32, t.dtype());
            assertEquals(TestDevice.get(), t.device());
            assertEquals(24, t.byteSize());
            assertArrayEquals(v, t.toFloatArray());
        }
    }

    @Test
    void everyDtypeRoundTripsItsBytes() {
        for (DType dtype : DType.values()) {
            byte[] bytes = new byte[dtype.byteSize() * 6];
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 37 + 3);
            if (dtype == DType.F16 || dtype == DType.BF16 || dtype == DType.F32) {
                for (int i = dtype.byteSize() - 1; i < bytes.length; i += dtype.byteSize()) bytes[i] = 0x3c; // finite values
            }
            try (Arena arena = Arena.ofConfined()) {
                var data = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
                try (Tensor t = Tensor.fromHost(data, dtype, new long[] {3, 2}, TestDevice.get())) {
                    assertEquals(dtype, t.dtype());
                    assertArrayEquals(bytes, t.toByteArray(), dtype.name());
                }
            }
        }
    }

    @Test
    void closedTensorCannotBeUsed() {
        Tensor t = Tensor.of(new float[] {1, 2}, 2);
        t.close();
        t.close(); // closing twice is harmless
        assertTrue(t.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, t::shape);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void tensorRegisteredWithAnArenaIsFreedWithIt() {
        Tensor owned;
        try (Arena arena = Arena.ofConfined()) {
            var data = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f, 2f, 3f);
            owned = Tensor.fromHost(data, DType.F32, new long[] {3}, TestDevice.get(), arena);
            assertEquals(3, owned.shape()[0]);
        }
        assertTrue(owned.isClosed());
    }

    @Test
    void dataOfTheWrongSizeIsRejected() {
        try (Arena arena = Arena.ofConfined()) {
            var data = arena.allocate(10);
            assertThrows(IllegalArgumentException.class, () -> Tensor.fromHost(data, DType.F32, new long[] {3}, Device.CPU));
        }
    }

    @Test
    void cudaDeviceThatDoesNotExistIsAClearError() {
        Device missing = Device.cuda(63);
        LowbitException e = assertThrows(LowbitException.class, () -> Tensor.of(new float[] {1}, missing, 1));
        assertTrue(e.getMessage().toLowerCase().contains("cuda"), e.getMessage());
    }
}
