package dev.lowbit.quant.method.efficientqat;

import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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

    /** Blocks 0..k-1 already saved by a run with the same fingerprint; starts afresh when resume is false. */
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
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().startsWith("block-")) Files.delete(p);
            }
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
                    writeTensor(out, p.name() + ".codes", l.codes());
                    writeTensor(out, p.name() + ".scales", l.scales());
                    writeTensor(out, p.name() + ".zeros", l.zeros());
                }
            }
            Tensor[] norms = block.norms();
            try (Tensor a = norms[0]; Tensor b = norms[1]) {
                writeTensor(out, "input_norm", a);
                writeTensor(out, "post_attention_norm", b);
            }
        }
        Files.move(tmp, file(layer), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeTensor(DataOutputStream out, String name, Tensor t) throws IOException {
        out.writeUTF(name);
        out.writeInt(t.dtype().code());
        long[] shape = t.shape();
        out.writeInt(shape.length);
        for (long d : shape) out.writeLong(d);
        byte[] bytes = t.toByteArray();
        out.writeLong(bytes.length);
        out.write(bytes);
    }

    /** The saved tensors of a block on the CPU, by name (P.codes/P.scales/P.zeros, input_norm, post_attention_norm). */
    Map<String, Tensor> load(int layer) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file(layer)), 1 << 20))) {
            if (in.readInt() != MAGIC) throw new IOException(file(layer) + " is not a Block-AP block file");
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                DType dtype = DType.ofCode(in.readInt());
                long[] shape = new long[in.readInt()];
                for (int d = 0; d < shape.length; d++) shape[d] = in.readLong();
                byte[] bytes = new byte[Math.toIntExact(in.readLong())];
                in.readFully(bytes);
                try (Arena call = Arena.ofConfined()) {
                    MemorySegment seg = call.allocate(Math.max(1, bytes.length), 8);
                    MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
                    tensors.put(name, Tensor.fromHost(seg.asSlice(0, bytes.length), dtype, shape, Device.CPU));
                }
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
