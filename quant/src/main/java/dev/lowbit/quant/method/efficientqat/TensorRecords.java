package dev.lowbit.quant.method.efficientqat;

import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** One named tensor in the checkpoint files of this package: name, dtype, shape, raw bytes. */
final class TensorRecords {
    private static final int MAX_RANK = 8;

    private TensorRecords() {}

    static void write(DataOutputStream out, String name, Tensor t) throws IOException {
        out.writeUTF(name);
        out.writeInt(t.dtype().code());
        long[] shape = t.shape();
        out.writeInt(shape.length);
        for (long d : shape) out.writeLong(d);
        byte[] bytes = t.toByteArray();
        out.writeLong(bytes.length);
        out.write(bytes);
    }

    /** The next record as a CPU tensor; {@code name} must match. Malformed records give an IOException. */
    static Tensor read(DataInputStream in, String name) throws IOException {
        String found = in.readUTF();
        if (!found.equals(name)) throw new IOException("expected tensor '" + name + "', found '" + found + "'");
        return readBody(in, name);
    }

    /** The next record's name; then {@link #readBody}. */
    static String readName(DataInputStream in) throws IOException {
        return in.readUTF();
    }

    static Tensor readBody(DataInputStream in, String name) throws IOException {
        DType dtype;
        try {
            dtype = DType.ofCode(in.readInt());
        } catch (IllegalArgumentException e) {
            throw new IOException("tensor '" + name + "': " + e.getMessage(), e);
        }
        int rank = in.readInt();
        if (rank < 0 || rank > MAX_RANK) throw new IOException("tensor '" + name + "': rank " + rank);
        long[] shape = new long[rank];
        long numel = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = in.readLong();
            if (shape[d] < 0) throw new IOException("tensor '" + name + "': negative dimension");
            numel = Math.multiplyExact(numel, shape[d]);
        }
        long length = in.readLong();
        if (length != numel * dtype.byteSize() || length > Integer.MAX_VALUE) {
            throw new IOException("tensor '" + name + "': " + length + " bytes for " + numel + " " + dtype + " elements");
        }
        byte[] bytes = new byte[(int) length];
        in.readFully(bytes);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment seg = call.allocate(Math.max(1, bytes.length), 8);
            MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
            return Tensor.fromHost(seg.asSlice(0, bytes.length), dtype, shape, Device.CPU);
        }
    }
}
