package dev.lowbit.quant.model;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The embedding table, kept on the host; only the looked-up rows travel to the compute device. */
final class TokenEmbedding implements AutoCloseable {
    private final Tensor table;

    TokenEmbedding(Tensor table) {
        this.table = table;
    }

    /** I32 ids [rows, seq] as a host tensor, from {@code rows * seq} ids of {@code ids} starting at {@code offset}. */
    static Tensor ids(int[] ids, int offset, int rows, int seq) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment data = call.allocate(JAVA_INT, (long) rows * seq);
            MemorySegment.copy(ids, offset, data, JAVA_INT, 0, rows * seq);
            return Tensor.fromHost(data, DType.I32, new long[] {rows, seq}, Device.CPU);
        }
    }

    /** ids [rows, seq] -> hidden [rows, seq, hidden] in {@code dtype} on {@code device}. */
    Tensor lookup(Tensor ids, DType dtype, Device device) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_embedding(table.address(), ids.address(), dtype.code(), DeviceCodes.type(device),
                    device.index(), out), "lb_embedding");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    @Override
    public void close() {
        table.close();
    }
}
