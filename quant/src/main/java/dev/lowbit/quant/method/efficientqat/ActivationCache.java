package dev.lowbit.quant.method.efficientqat;

import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import dev.lowbit.quant.tensor.TensorOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Hidden states [rows, seq, hidden] in 16-bit host memory (BF16, or F16 for f16 training as the reference
 * implementation keeps them), readable by native code in place; with a spill folder, a memory-mapped
 * temporary file there instead (deleted on close), so the OS pages it to disk.
 */
final class ActivationCache implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final long rows;
    private final long seq;
    private final long hidden;
    private final DType dtype;
    private final MemorySegment data;
    private final Tensor whole;

    private final java.nio.file.Path file;

    ActivationCache(long rows, long seq, long hidden, DType dtype, java.nio.file.Path spillDir) {
        if (dtype != DType.BF16 && dtype != DType.F16) throw new IllegalArgumentException("activation cache dtype must be BF16 or F16, got " + dtype);
        this.dtype = dtype;
        this.rows = rows;
        this.seq = seq;
        this.hidden = hidden;
        long bytes = Math.multiplyExact(rows * seq * hidden, (long) dtype.byteSize());
        if (spillDir == null) {
            this.file = null;
            this.data = arena.allocate(bytes, 64);
        } else {
            try {
                java.nio.file.Files.createDirectories(spillDir);
                this.file = java.nio.file.Files.createTempFile(spillDir, "lowbit-cache-", ".act");
                try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    this.data = channel.map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
                }
            } catch (java.io.IOException e) {
                arena.close();
                throw new java.io.UncheckedIOException("cannot create the activation cache file in " + spillDir, e);
            }
        }
        this.whole = TensorOps.wrapHost(data, dtype, new long[] {rows, seq, hidden});
    }

    /** The whole cache as a CPU tensor view (valid until close). */
    Tensor tensor() {
        return whole;
    }

    DType dtype() {
        return dtype;
    }

    long byteSize() {
        return data.byteSize();
    }

    private long rowBytes() {
        return seq * hidden * dtype.byteSize();
    }

    /** A CPU tensor view of rows [first, first + count). The caller closes it (the data stays). */
    Tensor rows(long first, long count) {
        return TensorOps.wrapHost(data.asSlice(first * rowBytes(), count * rowBytes()), dtype, new long[] {count, seq, hidden});
    }

    /** Copies t [count, seq, hidden] (any float dtype and device) into rows [first, first + count). */
    void write(long first, Tensor t) {
        try (Tensor host = t.to(dtype, Device.CPU)) {
            host.copyTo(data.asSlice(first * rowBytes(), host.byteSize()));
        }
    }

    /** Copies all rows of other into this cache. */
    void copyFrom(ActivationCache other) {
        MemorySegment.copy(other.data, 0, data, 0, data.byteSize());
    }

    long rowCount() {
        return rows;
    }

    @Override
    public void close() {
        whole.close();
        if (arena.scope().isAlive()) arena.close();
        if (file != null) {
            try {
                java.nio.file.Files.deleteIfExists(file);
            } catch (java.io.IOException ignored) {
                // a temporary file left behind is not worth failing the run for
            }
        }
    }
}
