package dev.lowbit.quant.method.efficientqat;

import dev.lowbit.quant.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
                    TensorRecords.write(out, "scales", s);
                    TensorRecords.write(out, "exp_avg", m);
                    TensorRecords.write(out, "exp_avg_sq", v);
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
                try (Tensor s = TensorRecords.read(in, "scales"); Tensor m = TensorRecords.read(in, "exp_avg");
                     Tensor v = TensorRecords.read(in, "exp_avg_sq")) {
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
}
