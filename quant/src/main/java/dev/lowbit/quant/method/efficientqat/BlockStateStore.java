package dev.lowbit.quant.method.efficientqat;

import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-block checkpoints of a Block-AP run in {@code <out>/blockap/}: block-NNN.bin holds the integer
 * codes, scales and zeros of the seven linears and the two trained norms. A block file is written
 * atomically (temp file + move) so a stopped run never leaves a half block; {@code run.txt} holds the
 * settings the blocks were trained with, which a resumed run must match.
 */
final class BlockStateStore {
    private static final int MAGIC = 0x4c425142;  // "LBQB"
    private final Path dir;

    BlockStateStore(Path dir) {
        this.dir = dir;
    }

    /**
     * Blocks 0..k-1 already saved by a run with the same fingerprint. Without {@code resume}, blocks of an earlier
     * run are refused rather than deleted (they may be hours of training): the caller resumes, or the user deletes
     * the folder.
     */
    int prepare(String fingerprint, boolean resume) throws IOException {
        Files.createDirectories(dir);
        Path run = dir.resolve("run.txt");
        if (resume && Files.exists(run)) {
            String saved = Files.readString(run, StandardCharsets.UTF_8);
            if (!saved.equals(fingerprint)) {
                throw new IllegalArgumentException("--resume: " + dir + " was written with different settings:\n  saved:    "
                        + saved + "\n  this run: " + fingerprint);
            }
            int k = 0;
            while (Files.exists(file(k))) k++;
            return k;
        }
        long kept;
        try (var files = Files.list(dir)) {
            kept = files.filter(p -> p.getFileName().toString().startsWith("block-")).count();
        }
        if (kept > 0) {
            throw new IllegalArgumentException(dir + " holds " + kept + (kept == 1 ? " block" : " blocks") + " saved by an earlier run: continue it with "
                    + "--resume (same settings), or delete that folder to start afresh");
        }
        Files.writeString(run, fingerprint, StandardCharsets.UTF_8);
        return 0;
    }

    Path file(int layer) {
        return dir.resolve(String.format("block-%03d.bin", layer));
    }

    void save(int layer, QatBlock block) throws IOException {
        Path tmp = dir.resolve(file(layer).getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
            out.writeInt(MAGIC);
            out.writeInt(3 * Projection.values().length + 2);
            for (Projection p : Projection.values()) {
                try (QatBlock.Linear l = block.export(p)) {
                    TensorRecords.write(out, p.name() + ".codes", l.codes());
                    TensorRecords.write(out, p.name() + ".scales", l.scales());
                    TensorRecords.write(out, p.name() + ".zeros", l.zeros());
                }
            }
            Tensor[] norms = block.norms();
            try (Tensor a = norms[0]; Tensor b = norms[1]) {
                TensorRecords.write(out, "input_norm", a);
                TensorRecords.write(out, "post_attention_norm", b);
            }
        }
        Files.move(tmp, file(layer), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The saved tensors of a block on the CPU, by name (P.codes/P.scales/P.zeros, input_norm, post_attention_norm). */
    Map<String, Tensor> load(int layer) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file(layer)), 1 << 20))) {
            if (in.readInt() != MAGIC) throw new IOException(file(layer) + " is not a Block-AP block file");
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = TensorRecords.readName(in);
                tensors.put(name, TensorRecords.readBody(in, name));
            }
        } catch (IOException e) {
            tensors.values().forEach(Tensor::close);
            throw new UncheckedIOException("reading " + file(layer), e);
        }
        return tensors;
    }

    /** W[o, i] = (q - z) * s in f32, exactly the arithmetic of the fake-quant kernel. */
    static Tensor dequantize(Tensor codes, Tensor scales, Tensor zeros) {
        long[] shape = codes.shape();
        int out = (int) shape[0], in = (int) shape[1];
        int groups = (int) scales.shape()[1];
        int group = in / groups;
        byte[] q = codes.toByteArray();
        float[] s = scales.toFloatArray(), z = zeros.toFloatArray();
        float[] w = new float[out * in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                int g = o * groups + i / group;
                w[o * in + i] = ((float) (q[o * in + i] & 0xff) - z[g]) * s[g];
            }
        }
        return Tensor.of(w, out, in);
    }
}
