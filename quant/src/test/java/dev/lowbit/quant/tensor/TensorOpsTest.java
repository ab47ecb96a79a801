package dev.lowbit.quant.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.quant.LowbitException;
import dev.lowbit.quant.TestDevice;
import org.junit.jupiter.api.Test;

class TensorOpsTest {
    @Test
    void zerosNarrowAndCopyIntoWriteThroughTheView() {
        Device device = TestDevice.get();
        try (Tensor whole = TensorOps.zeros(DType.BF16, new long[] {4, 3}, device)) {
            assertEquals(DType.BF16, whole.dtype());
            assertEquals(device, whole.device());
            try (Tensor rows = TensorOps.narrow(whole, 0, 1, 2); Tensor src = Tensor.of(new float[] {1, 2, 3, 4.5f, 5, -6}, 2, 3)) {
                assertArrayEquals(new long[] {2, 3}, rows.shape());
                TensorOps.copyInto(rows, src);  // f32 on the CPU into a bf16 view on the device
            }
            try (Tensor back = whole.to(DType.F32, Device.CPU)) {
                assertArrayEquals(new float[] {0, 0, 0, 1, 2, 3, 4.5f, 5, -6, 0, 0, 0}, back.toFloatArray());
            }
        }
    }

    @Test
    void badRowsAndShapesAreClearErrors() {
        try (Tensor t = TensorOps.zeros(DType.F32, new long[] {4, 3}, Device.CPU); Tensor other = Tensor.of(new float[6], 3, 2)) {
            LowbitException e = assertThrows(LowbitException.class, () -> TensorOps.narrow(t, 0, 3, 2));
            assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
            e = assertThrows(LowbitException.class, () -> TensorOps.narrow(t, 2, 0, 1));
            assertTrue(e.getMessage().contains("dim=2"), e.getMessage());
            try (Tensor rows = TensorOps.narrow(t, 0, 0, 2)) {
                e = assertThrows(LowbitException.class, () -> TensorOps.copyInto(rows, other));
                assertTrue(e.getMessage().contains("expected equal"), e.getMessage());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> TensorOps.zeros(DType.F32, new long[] {-1}, Device.CPU));
    }
}
