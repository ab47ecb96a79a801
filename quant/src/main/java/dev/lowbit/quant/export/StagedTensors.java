package dev.lowbit.quant.export;

import dev.lowbit.quant.io.DType;
import dev.lowbit.quant.io.TensorSink;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

/**
 * Host copies of native tensors waiting to be written: the checkpoint writers reference data until
 * their single write, so each result is copied out as soon as it is computed and its native tensor
 * can be freed. The memory is released by {@link #close()}.
 */
final class StagedTensors implements AutoCloseable {
    private record Staged(DType dtype, long[] shape, MemorySegment data) {}

    private final Arena arena = Arena.ofShared();
    private final Map<String, Staged> tensors = new TreeMap<>();

    void add(String name, Tensor t) {
        MemorySegment data = arena.allocate(t.byteSize(), 8);
        t.copyTo(data);
        // The native dtype names (F32, BF16, I32, ...) are the safetensors names.
        Staged staged = new Staged(DType.valueOf(t.dtype().name()), t.shape(), data);
        if (tensors.putIfAbsent(name, staged) != null) {
            throw new IllegalArgumentException("tensor " + name + " was added twice");
        }
    }

    void addTo(TensorSink sink) {
        tensors.forEach((name, t) -> sink.add(name, t.dtype(), t.shape(), t.data()));
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
