package dev.lowbit.quant.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.CheckpointWriter;
import dev.lowbit.quant.io.DType;
import dev.lowbit.quant.io.FloatCodec;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a checkpoint in the layout the {@code vptq} inference package reads: per linear the f16
 * codebooks, the packed index bit stream, outlier indices, permutation and per-column scale/bias, and
 * {@code quantization_config} (quant_method "vptq", config_for_layers) in config.json. Every other tensor
 * is copied from the source model. Thread-safe {@link #add}.
 */
public final class VptqCheckpointWriter implements AutoCloseable {
    public static final String CENTROIDS = "centroids.weight";
    public static final String RES_CENTROIDS = "res_centroids.weight";
    public static final String INDICES = "indices";
    public static final String OUTLIER_CENTROIDS = "outlier_centroids.weight";
    public static final String OUTLIER_INDICES = "outlier_indices";
    public static final String PERM = "perm";
    public static final String SCALE = "weight_scale";
    public static final String BIAS = "weight_bias";

    private record Staged(DType dtype, long[] shape, MemorySegment data) {}

    private final Path source;
    private final ModelConfig model;
    private final Arena arena = Arena.ofShared();
    private final Map<String, Staged> tensors = new TreeMap<>();
    private final Map<String, ObjectNode> layerConfigs = new TreeMap<>();

    public VptqCheckpointWriter(Path sourceModel) throws IOException {
        this.source = sourceModel;
        this.model = ModelConfig.load(sourceModel);
    }

    public synchronized void add(int layer, Projection p, VptqLinear q) {
        String module = p.modulePath(layer);
        if (q.out() != p.outFeatures(model) || q.in() != p.inFeatures(model)) {
            throw new IllegalArgumentException(module + ": quantized [" + q.out() + ", " + q.in() + "], expected ["
                    + p.outFeatures(model) + ", " + p.inFeatures(model) + "]");
        }
        if (layerConfigs.containsKey(module)) throw new IllegalArgumentException(module + " was added twice");
        int g = q.groups(), mv = q.rowsOfVectors(), s = q.groupSize();
        put(module + "." + CENTROIDS, DType.F16, new long[] {g, (long) q.codebook() * q.vectorLen()}, f16(q.centroids()));
        if (q.resCodebook() > 0) {
            put(module + "." + RES_CENTROIDS, DType.F16, new long[] {g, (long) q.resCodebook() * q.vectorLen()}, f16(q.resCentroids()));
        }
        put(module + "." + INDICES, DType.I32, new long[] {g, mv, VptqIndexPacking.wordsPerRow(s, q.indexBits())}, i32(q.packedIndices()));
        if (q.outliers() > 0) {
            put(module + "." + OUTLIER_CENTROIDS, DType.F16, new long[] {1, (long) q.outlierCodebook() * q.outlierVectorLen()},
                    f16(q.outlierCentroids()));
            put(module + "." + OUTLIER_INDICES, DType.I16, new long[] {1, q.outlierRows(), q.outliers()}, i16(q.outlierIndices()));
        }
        put(module + "." + PERM, DType.I16, new long[] {q.in()}, i16(q.perm()));
        if (q.norm()) {
            put(module + "." + SCALE, DType.F16, new long[] {q.in()}, f16(q.scale()));
            put(module + "." + BIAS, DType.F16, new long[] {q.in()}, f16(q.bias()));
        }
        layerConfigs.put(module, layerConfig(q));
    }

    static ObjectNode layerConfig(VptqLinear q) {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("in_features", q.in());
        c.put("out_features", q.out());
        ArrayNode lens = c.putArray("vector_lens");
        lens.add(q.outliers() > 0 ? q.outlierVectorLen() : -1).add(q.vectorLen());
        ArrayNode k = c.putArray("num_centroids");
        k.add(q.outliers() > 0 ? q.outlierCodebook() : -1).add(q.codebook());
        ArrayNode kr = c.putArray("num_res_centroids");
        kr.add(-1).add(q.resCodebook() > 0 ? q.resCodebook() : -1);
        c.put("group_num", q.groups());
        c.put("group_size", q.groupSize());
        c.put("outlier_size", q.outliers());
        c.put("enable_norm", q.norm());
        c.put("norm_dim", 0);
        c.put("enable_perm", true);
        c.put("bias", false);
        c.put("is_indice_packed", true);
        c.put("indices_as_float", false);
        return c;
    }

    /** Refuses an output folder that is the source model's (checked again by write; call it before a long run). */
    public void requireOutputFolder(Path outDir) throws IOException {
        ModelFolderFiles.requireDistinct(source, outDir);
    }

    public List<Path> write(Path outDir) throws IOException {
        ModelFolderFiles.requireDistinct(source, outDir);
        Files.createDirectories(outDir);
        List<Path> files;
        try (Checkpoint src = Checkpoint.open(source)) {
            CheckpointWriter writer = new CheckpointWriter(outDir);
            for (String name : src.names()) {
                if (!isReplaced(name)) writer.copyFrom(src, name);
            }
            tensors.forEach((name, t) -> writer.add(name, t.dtype(), t.shape(), t.data()));
            files = writer.write();
        }
        ModelFolderFiles.copyConfig(source, outDir, c -> {
            ObjectNode qc = c.putObject("quantization_config");
            qc.put("quant_method", "vptq");
            ObjectNode layers = qc.putObject("config_for_layers");
            layerConfigs.forEach(layers::set);
        });
        ModelFolderFiles.copySideFiles(source, outDir);
        return files;
    }

    private boolean isReplaced(String name) {
        return name.endsWith(".weight") && layerConfigs.containsKey(name.substring(0, name.length() - ".weight".length()));
    }

    private void put(String name, DType dtype, long[] shape, MemorySegment data) {
        if (tensors.putIfAbsent(name, new Staged(dtype, shape, data)) != null) {
            throw new IllegalArgumentException("tensor " + name + " was added twice");
        }
    }

    private MemorySegment f16(float[] values) {
        byte[] bytes = FloatCodec.encode(values, DType.F16);
        MemorySegment m = arena.allocate(bytes.length, 8);
        MemorySegment.copy(bytes, 0, m, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return m;
    }

    private MemorySegment i32(int[] values) {
        MemorySegment m = arena.allocate((long) values.length * 4, 8);
        MemorySegment.copy(values, 0, m, ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0, values.length);
        return m;
    }

    private MemorySegment i16(int[] values) {
        MemorySegment m = arena.allocate((long) values.length * 2, 8);
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] > 0xFFFF) throw new IllegalArgumentException("value " + values[i] + " does not fit in 16 bits");
            m.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 2L * i, (short) values[i]);
        }
        return m;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
