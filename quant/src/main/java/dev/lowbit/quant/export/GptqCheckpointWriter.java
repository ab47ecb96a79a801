package dev.lowbit.quant.export;

import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.CheckpointWriter;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.method.rtn.QuantizedWeight;
import dev.lowbit.quant.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a GPTQ checkpoint folder from a full-precision source folder and the quantized decoder linears:
 * each linear becomes {@code <module>.qweight/.qzeros/.scales/.g_idx} (its bias, if any, is kept), every
 * other tensor (embeddings, norms, lm_head) is copied as it is, config.json gains a
 * {@code quantization_config}, and quantize_config.json and the tokenizer files are written beside.
 * Every decoder linear must be added before {@link #write}.
 */
public final class GptqCheckpointWriter implements AutoCloseable {
    public static final String QUANTIZE_CONFIG_FILE = "quantize_config.json";

    private final Path source;
    private final ModelConfig model;
    private final GptqConfig config;
    private final StagedTensors packed = new StagedTensors();
    private final Set<String> modules = new HashSet<>();
    private final Set<String> replaced = new HashSet<>();

    public GptqCheckpointWriter(Path sourceModel, GptqConfig config) throws IOException {
        this.source = sourceModel;
        this.model = ModelConfig.load(sourceModel);
        this.config = config;
        if (model.isQuantized()) {
            throw new IllegalArgumentException(sourceModel + " is already quantized (config.json has a quantization_config); "
                    + "export from the full-precision model");
        }
    }

    public void add(int layer, Projection p, QuantizedWeight q) {
        add(layer, p, q.codes(), q.scales(), q.zeros());
    }

    /** Packs one linear now (natively) and keeps the packed tensors on the host until {@link #write}. */
    public void add(int layer, Projection p, Tensor codes, Tensor scales, Tensor zeros) {
        String module = p.modulePath(layer);
        if (layer < 0 || layer >= model.numHiddenLayers()) {
            throw new IllegalArgumentException(module + ": layer " + layer + " out of range (the model has "
                    + model.numHiddenLayers() + " layers)");
        }
        long[] expected = {p.outFeatures(model), p.inFeatures(model)};
        if (!Arrays.equals(codes.shape(), expected)) {
            throw new IllegalArgumentException(module + ": codes have shape " + Arrays.toString(codes.shape())
                    + ", expected " + Arrays.toString(expected) + " [out, in] from config.json");
        }
        if (!modules.add(module)) throw new IllegalArgumentException(module + " was added twice");
        try (GptqTensors t = GptqPacker.pack(codes, scales, zeros, config, module)) {
            packed.add(module + "." + GptqTensors.QWEIGHT, t.qweight());
            packed.add(module + "." + GptqTensors.QZEROS, t.qzeros());
            packed.add(module + "." + GptqTensors.SCALES, t.scales());
            packed.add(module + "." + GptqTensors.G_IDX, t.gIdx());
        }
    }

    /** Writes {@code t} under {@code name} instead of the source's tensor of that name (e.g. trained norms). */
    public void replace(String name, Tensor t) {
        if (!replaced.add(name)) throw new IllegalArgumentException("tensor " + name + " was replaced twice");
        packed.add(name, t);
    }

    /** Writes the folder; returns the weight files written (as {@link CheckpointWriter#write()}). */
    public List<Path> write(Path outDir) throws IOException {
        requireEveryLinear();
        ModelFolderFiles.requireDistinct(source, outDir);
        Files.createDirectories(outDir);
        List<Path> files;
        try (Checkpoint src = Checkpoint.open(source)) {
            CheckpointWriter writer = new CheckpointWriter(outDir);
            for (String name : src.names()) {
                if (!isReplacedWeight(name) && !replaced.contains(name)) writer.copyFrom(src, name);
            }
            packed.addTo(writer);
            files = writer.write();
        }
        ModelFolderFiles.copyConfig(source, outDir, c -> c.set("quantization_config", config.toJson()));
        ModelFolderFiles.writeJson(outDir.resolve(QUANTIZE_CONFIG_FILE), config.toJson());
        ModelFolderFiles.copySideFiles(source, outDir);
        return files;
    }

    private boolean isReplacedWeight(String name) {
        return name.endsWith(".weight") && modules.contains(name.substring(0, name.length() - ".weight".length()));
    }

    private void requireEveryLinear() {
        List<String> missing = new ArrayList<>();
        for (int layer = 0; layer < model.numHiddenLayers(); layer++) {
            for (Projection p : Projection.values()) {
                if (!modules.contains(p.modulePath(layer))) missing.add(p.modulePath(layer));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(missing.size() + " decoder linear(s) were not added, GPTQ loaders expect every one "
                    + "packed: " + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
                    + (missing.size() > 5 ? ", ..." : ""));
        }
    }

    @Override
    public void close() {
        packed.close();
    }
}
