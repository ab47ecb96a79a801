package dev.lowbit.quant.method.efficientqat;

import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The E2E-QP checkpoint {@code <out>/e2e_state.bin}: every linear's step sizes and AdamW moments, the optimizer
 * step, the held-out loss measured before training, and the settings they were trained with (a resumed run must
 * match them). Written atomically (temp file + move), so a stopped run leaves the last complete checkpoint.
 */
final class E2eStateStore {
    private static final int MAGIC = 0x4c424545;  // "LBEE"

    /** What a checkpoint restored: the next step to run and the held-out loss before training. */
    record Restored(long step, double valBefore) {}

    private final Path file;
    private final String fingerprint;

    E2eStateStore(Path file, String fingerprint) {
        this.file = file;
        this.fingerprint = fingerprint;
    }

    Path file() {
        return file;
    }

    void save(E2eQpTrainer trainer, double valBefore) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long[] size = trainer.stateSize();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
            out.writeInt(MAGIC);
            out.writeUTF(fingerprint);
            out.writeLong(size[1]);
            out.writeDouble(valBefore);
            out.writeLong(size[0]);
            for (int i = 0; i < size[0]; i++) {
                Tensor[] parts = trainer.state(i);
                try (Tensor s = parts[0]; Tensor m = parts[1]; Tensor v = parts[2]) {
                    for (Tensor t : parts) writeTensor(out, t);
                }
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Restores a saved checkpoint into {@code trainer}; null when there is none. Refuses other settings. */
    Restored load(E2eQpTrainer trainer) throws IOException {
        if (!Files.exists(file)) return null;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            if (in.readInt() != MAGIC) throw new IOException(file + " is not an E2E-QP checkpoint");
            String saved = in.readUTF();
            if (!saved.equals(fingerprint)) {
                throw new IllegalArgumentException("--resume: " + file + " was written with different settings:\n  saved:    "
                        + saved + "\n  this run: " + fingerprint);
            }
            long step = in.readLong();
            double valBefore = in.readDouble();
            long count = in.readLong();
            long expected = trainer.stateSize()[0];
            if (count != expected) {
                throw new IOException(file + " holds " + count + " parameters, the model has " + expected);
            }
            for (int i = 0; i < count; i++) {
                try (Tensor s = readTensor(in); Tensor m = readTensor(in); Tensor v = readTensor(in)) {
                    trainer.setState(i, s, m, v);
                }
            }
            trainer.setStep(step);
            return new Restored(step, valBefore);
        } catch (java.io.EOFException e) {
            throw new IOException(file + " is truncated", e);
        }
    }

    void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    private static void writeTensor(DataOutputStream out, Tensor t) throws IOException {
        long[] shape = t.shape();
        out.writeInt(shape.length);
        for (long d : shape) out.writeLong(d);
        float[] v = t.toFloatArray();
        out.writeInt(v.length);
        for (float f : v) out.writeFloat(f);
    }

    private static Tensor readTensor(DataInputStream in) throws IOException {
        int rank = in.readInt();
        if (rank < 0 || rank > 8) throw new IOException("bad tensor rank " + rank);
        long[] shape = new long[rank];
        long numel = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = in.readLong();
            if (shape[d] < 0) throw new IOException("bad tensor shape");
            numel *= shape[d];
        }
        int n = in.readInt();
        if (n != numel) throw new IOException("tensor of " + numel + " elements holds " + n);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment seg = call.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, n));
            for (int i = 0; i < n; i++) seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, in.readFloat());
            return Tensor.fromHost(seg.asSlice(0, (long) n * Float.BYTES), DType.F32, shape, Device.CPU);
        }
    }
}
