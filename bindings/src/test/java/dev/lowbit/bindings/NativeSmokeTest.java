package dev.lowbit.bindings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Calls into the real liblowbit.so through the bindings; skipped where it has not been built. */
class NativeSmokeTest {

    @Test
    void tensorRoundTripsThroughHandles() {
        requireBuiltLibrary();
        try (Arena arena = Arena.ofConfined()) {
            float[] values = {1f, -2f, 3.5f, 0f, 7f, -0.25f};
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
            MemorySegment shape = arena.allocateFrom(ValueLayout.JAVA_LONG, 2, 3);
            MemorySegment out = arena.allocate(lowbit_h.lb_tensor);
            check(lowbit_h.lb_tensor_from_host(data, lowbit_h.LB_DTYPE_F32(), shape, 2,
                    lowbit_h.LB_DEVICE_CPU(), 0, out));
            MemorySegment tensor = out.get(lowbit_h.lb_tensor, 0);
            try {
                MemorySegment ndim = arena.allocate(lowbit_h.C_INT);
                check(lowbit_h.lb_tensor_ndim(tensor, ndim));
                assertEquals(2, ndim.get(ValueLayout.JAVA_INT, 0));
                MemorySegment dims = arena.allocate(lowbit_h.C_LONG, 2);
                check(lowbit_h.lb_tensor_shape(tensor, dims, 2));
                assertEquals(3, dims.getAtIndex(ValueLayout.JAVA_LONG, 1));
                MemorySegment back = arena.allocate(ValueLayout.JAVA_FLOAT, values.length);
                check(lowbit_h.lb_tensor_to_host(tensor, back, back.byteSize()));
                assertArrayEquals(values, back.toArray(ValueLayout.JAVA_FLOAT));
            } finally {
                lowbit_h.lb_tensor_free(tensor);
            }
        }
    }

    @Test
    void bankIndicesOfNullWeightsNameTheArgument() {
        requireBuiltLibrary();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(lowbit_h.lb_tensor);
            int status = lowbit_h.lb_vq_bank_indices(MemorySegment.NULL, out);
            assertEquals(lowbit_h.LB_ERR_INVALID_ARGUMENT(), status);
            assertTrue(lowbit_h.lb_last_error().getString(0).contains("w is NULL"),
                    () -> lowbit_h.lb_last_error().getString(0));
            assertEquals(MemorySegment.NULL, out.get(lowbit_h.lb_tensor, 0));
        }
    }

    private static void check(int status) {
        assertEquals(lowbit_h.LB_OK(), status, () -> lowbit_h.lb_last_error().getString(0));
    }

    private static void requireBuiltLibrary() {
        String path = System.getProperty(NativeLibrary.PATH_PROPERTY);
        assumeTrue(path != null && Files.exists(Path.of(path)),
                "no native library at -D" + NativeLibrary.PATH_PROPERTY + "=" + path);
    }

    @Test
    void versionMatchesTheHeader() {
        requireBuiltLibrary();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(lowbit_h.C_INT);
            MemorySegment minor = arena.allocate(lowbit_h.C_INT);
            MemorySegment patch = arena.allocate(lowbit_h.C_INT);
            assertEquals(lowbit_h.LB_OK(), lowbit_h.lb_version(major, minor, patch));
            assertEquals(lowbit_h.LB_VERSION_MAJOR(), major.get(ValueLayout.JAVA_INT, 0));
            assertEquals(lowbit_h.LB_VERSION_MINOR(), minor.get(ValueLayout.JAVA_INT, 0));
            assertEquals(lowbit_h.LB_VERSION_PATCH(), patch.get(ValueLayout.JAVA_INT, 0));
        }
        Path expected = Path.of(System.getProperty(NativeLibrary.PATH_PROPERTY)).toAbsolutePath();
        assertEquals(expected, NativeLibrary.loadedFrom().orElseThrow());
    }

    @Test
    void runtimeInfoIsFilledIn() {
        requireBuiltLibrary();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = lb_runtime_info.allocate(arena);
            lb_runtime_info.struct_size(info, lb_runtime_info.sizeof());
            check(lowbit_h.lb_runtime_info_get(info));
            String torch = lb_runtime_info.torch_version(info).getString(0);
            assertFalse(torch.isBlank(), "torch_version");
            int cudaBuilt = lb_runtime_info.cuda_built(info);
            assertTrue(cudaBuilt == 0 || cudaBuilt == 1, "cuda_built " + cudaBuilt);
            assertTrue(lb_runtime_info.cuda_device_count(info) >= 0, "cuda_device_count");
            assertTrue(lb_runtime_info.num_threads(info) >= 1, "num_threads");
        }
    }
}
