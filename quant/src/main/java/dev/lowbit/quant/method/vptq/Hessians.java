package dev.lowbit.quant.method.vptq;

import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.CheckpointWriter;
import dev.lowbit.quant.io.DType;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.io.TensorInfo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * H = E[x x^T] of every linear input of a model (accumulated in f64, kept as f32 [in, in]), from the
 * full-precision model on calibration windows. Saved as one safetensors file in a folder so several
 * quantization runs reuse one collection.
 */
public final class Hessians {
    public static final String FILE_NAME = "hessians.safetensors";
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int layers;
    private final Map<String, float[]> values = new ConcurrentHashMap<>();
    private final Map<String, Integer> sizes = new ConcurrentHashMap<>();
    private final String description;

    public Hessians(int layers, String description) {
        this.layers = layers;
        this.description = description;
    }

    public int layers() {
        return layers;
    }

    public String description() {
        return description;
    }

    public void put(int layer, HessianKind kind, int size, float[] h) {
        if (h.length != (long) size * size) throw new IllegalArgumentException(h.length + " values for a " + size + "^2 Hessian");
        values.put(kind.tensorName(layer), h);
        sizes.put(kind.tensorName(layer), size);
    }

    /** H [in, in] of the input of {@code p} in {@code layer}. */
    public float[] get(int layer, Projection p) {
        float[] h = values.get(HessianKind.of(p).tensorName(layer));
        if (h == null) throw new IllegalStateException("no Hessian for layer " + layer + " " + p.module());
        return h;
    }

    public int size(int layer, Projection p) {
        return sizes.get(HessianKind.of(p).tensorName(layer));
    }

    /** Checks that every linear of {@code model} has a Hessian of its input width. */
    public void requireMatches(ModelConfig model, Path where) {
        if (layers != model.numHiddenLayers()) {
            throw new IllegalArgumentException(where + ": Hessians for " + layers + " layers, the model has " + model.numHiddenLayers());
        }
        for (int l = 0; l < layers; l++) {
            for (Projection p : Projection.values()) {
                Integer n = sizes.get(HessianKind.of(p).tensorName(l));
                if (n == null || n != p.inFeatures(model)) {
                    throw new IllegalArgumentException(where + ": Hessian of layer " + l + " " + p.module() + " is "
                            + (n == null ? "missing" : n + " wide") + ", expected " + p.inFeatures(model));
                }
            }
        }
    }

    public void save(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path tmp = Files.createTempDirectory(folder, ".hessians");
        try (Arena arena = Arena.ofConfined()) {
            CheckpointWriter writer = new CheckpointWriter(tmp).metadata("layers", Integer.toString(layers))
                    .metadata("description", description);
            for (var e : values.entrySet()) {
                float[] h = e.getValue();
                MemorySegment m = arena.allocate((long) h.length * 4, 8);
                MemorySegment.copy(h, 0, m, F32, 0, h.length);
                int n = sizes.get(e.getKey());
                writer.add(e.getKey(), DType.F32, new long[] {n, n}, m);
            }
            writer.write();
        }
        Files.move(tmp.resolve(Checkpoint.SINGLE_FILE), folder.resolve(FILE_NAME), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(tmp);
    }

    public static boolean existsIn(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE_NAME));
    }

    public static Hessians load(Path folder) throws IOException {
        Path file = folder.resolve(FILE_NAME);
        try (Checkpoint c = Checkpoint.open(file)) {
            Map<String, String> meta = c.metadata();
            int layers = Integer.parseInt(meta.getOrDefault("layers", "0"));
            Hessians h = new Hessians(layers, meta.getOrDefault("description", ""));
            for (String name : c.names()) {
                TensorInfo info = c.info(name);
                if (info.dtype() != DType.F32 || info.shape().length != 2 || info.shape()[0] != info.shape()[1]) {
                    throw new IOException(file + ": " + name + " is " + info.dtype() + " " + Arrays.toString(info.shape())
                            + ", expected F32 [n, n]");
                }
                int n = Math.toIntExact(info.shape()[0]);
                float[] v = new float[n * n];
                MemorySegment.copy(c.slice(name), F32, 0, v, 0, v.length);
                h.values.put(name, v);
                h.sizes.put(name, n);
            }
            return h;
        }
    }
}
