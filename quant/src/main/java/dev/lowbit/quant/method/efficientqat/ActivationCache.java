package dev.lowbit.quant.method.efficientqat;

import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import dev.lowbit.quant.tensor.TensorOps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Hidden states [rows, seq, hidden] in 16 bits (BF16, or F16 for f16 training as the reference implementation
 * keeps them). Three placements: host memory readable by native code in place; a memory-mapped temporary file
 * in a spill folder (deleted on close), so the OS pages it to disk; or resident in a native tensor on the
 * training device, so that a block's targets, propagation and training never cross the PCIe bus.
 */
final class ActivationCache implements AutoCloseable {
    private final long rows;
    private final long seq;
    private final long hidden;
    private final DType dtype;
    private final Arena arena;        // host placements only
    private final MemorySegment data; // host placements only
    private final Path file;          // spill placement only
    private final Tensor whole;

    private ActivationCache(long rows, long seq, long hidden, DType dtype, Arena arena, MemorySegment data, Path file,
                            Tensor whole) {
        this.rows = rows;
        this.seq = seq;
        this.hidden = hidden;
        this.dtype = dtype;
        this.arena = arena;
        this.data = data;
        this.file = file;
        this.whole = whole;
    }

    /** In host memory, or memory-mapped in a temporary file in spillDir when it is not null. */
    static ActivationCache host(long rows, long seq, long hidden, DType dtype, Path spillDir) {
        long bytes = bytes(rows, seq, hidden, dtype);
        Arena arena = Arena.ofShared();
        Path file = null;
        MemorySegment data;
        try {
            if (spillDir == null) {
                data = arena.allocate(bytes, 64);
            } else {
                Files.createDirectories(spillDir);
                file = Files.createTempFile(spillDir, "lowbit-cache-", ".act");
                try (var channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    data = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
                }
            }
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot create the activation cache file in " + spillDir, e);
        }
        return new ActivationCache(rows, seq, hidden, dtype, arena, data, file,
                TensorOps.wrapHost(data, dtype, new long[] {rows, seq, hidden}));
    }

    /** A zero-filled native tensor on {@code device} (GPU memory on CUDA). */
    static ActivationCache resident(long rows, long seq, long hidden, DType dtype, Device device) {
        bytes(rows, seq, hidden, dtype);
        return new ActivationCache(rows, seq, hidden, dtype, null, null, null,
                TensorOps.zeros(dtype, new long[] {rows, seq, hidden}, device));
    }

    /** Bytes of a cache of this shape and dtype (BF16 or F16). */
    static long bytes(long rows, long seq, long hidden, DType dtype) {
        if (dtype != DType.BF16 && dtype != DType.F16) throw new IllegalArgumentException("activation cache dtype must be BF16 or F16, got " + dtype);
        return Math.multiplyExact(Math.multiplyExact(Math.multiplyExact(rows, seq), hidden), (long) dtype.byteSize());
    }

    /** The whole cache as a tensor view (valid until close). */
    Tensor tensor() {
        return whole;
    }

    DType dtype() {
        return dtype;
    }

    boolean resident() {
        return data == null;
    }

    long byteSize() {
        return rows * rowBytes();
    }

    private long rowBytes() {
        return seq * hidden * dtype.byteSize();
    }

    /** A tensor view of rows [first, first + count). The caller closes it (the data stays). */
    Tensor rows(long first, long count) {
        if (resident()) return TensorOps.narrow(whole, 0, first, count);
        return TensorOps.wrapHost(data.asSlice(first * rowBytes(), count * rowBytes()), dtype, new long[] {count, seq, hidden});
    }

    /** Copies t [count, seq, hidden] (any float dtype and device) into rows [first, first + count). */
    void write(long first, Tensor t) {
        if (resident()) {
            try (Tensor dst = TensorOps.narrow(whole, 0, first, t.shape()[0])) {
                TensorOps.copyInto(dst, t);
            }
            return;
        }
        try (Tensor host = t.to(dtype, Device.CPU)) {
            host.copyTo(data.asSlice(first * rowBytes(), host.byteSize()));
        }
    }

    /** Copies all rows of other (same shape and dtype) into this cache. */
    void copyFrom(ActivationCache other) {
        if (!resident() && !other.resident()) {
            MemorySegment.copy(other.data, 0, data, 0, data.byteSize());
        } else {
            TensorOps.copyInto(whole, other.whole);
        }
    }

    long rowCount() {
        return rows;
    }

    @Override
    public void close() {
        whole.close();
        if (arena != null && arena.scope().isAlive()) arena.close();
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file left behind is not worth failing the run for
            }
        }
    }
}
