package dev.lowbit.quant.export;

import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.CheckpointWriter;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
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
 * Writes a fake-quantized checkpoint: the dequantized weights in the model's dtype in the standard
 * Hugging Face layout, so any fp loader runs the quantized model. Linears not added keep their source
 * weights. The source may itself be a GPTQ checkpoint (dequantized with {@link GptqCheckpointReader});
 * then every packed linear must be added, and the packed tensors are dropped.
 */
public final class FakeQuantCheckpointWriter implements AutoCloseable {
    private static final List<String> PACKED_SUFFIXES = List.of(".qweight", ".qzeros", ".scales", ".g_idx");

    private final Path source;
    private final ModelConfig model;
    private final DType dtype;
    private final StagedTensors weights = new StagedTensors();
    private final Set<String> modules = new HashSet<>();

    public FakeQuantCheckpointWriter(Path sourceModel) throws IOException {
        this.source = sourceModel;
        this.model = ModelConfig.load(sourceModel);
        this.dtype = switch (model.dtype()) {
            case F32 -> DType.F32;
            case F16 -> DType.F16;
            case BF16 -> DType.BF16;
            default -> throw new IllegalArgumentException(sourceModel + ": config.json dtype " + model.dtype()
                    + " is not a floating-point weight dtype (expected float32, float16 or bfloat16)");
        };
    }

    /** The dequantized weight [out, in] of one linear (any float dtype, any device), converted to the model's dtype. */
    public void add(int layer, Projection p, Tensor weight) {
        String module = p.modulePath(layer);
        if (layer < 0 || layer >= model.numHiddenLayers()) {
            throw new IllegalArgumentException(module + ": layer " + layer + " out of range (the model has "
                    + model.numHiddenLayers() + " layers)");
        }
        long[] expected = {p.outFeatures(model), p.inFeatures(model)};
        if (!Arrays.equals(weight.shape(), expected)) {
            throw new IllegalArgumentException(module + ": weight has shape " + Arrays.toString(weight.shape())
                    + ", expected " + Arrays.toString(expected) + " [out, in] from config.json");
        }
        if (!modules.add(module)) throw new IllegalArgumentException(module + " was added twice");
        try (Tensor converted = weight.to(dtype, Device.CPU)) {
            weights.add(p.weightName(layer), converted);
        }
    }

    public List<Path> write(Path outDir) throws IOException {
        ModelFolderFiles.requireDistinct(source, outDir);
        Files.createDirectories(outDir);
        List<Path> files;
        try (Checkpoint src = Checkpoint.open(source)) {
            requirePackedLinearsReplaced(src);
            CheckpointWriter writer = new CheckpointWriter(outDir);
            for (String name : src.names()) {
                if (!isReplaced(name)) writer.copyFrom(src, name);
            }
            weights.addTo(writer);
            files = writer.write();
        }
        ModelFolderFiles.copyConfig(source, outDir, c -> c.remove("quantization_config"));
        ModelFolderFiles.copySideFiles(source, outDir);
        return files;
    }

    private boolean isReplaced(String name) {
        if (name.endsWith(".weight")) return modules.contains(stripSuffix(name, ".weight"));
        for (String suffix : PACKED_SUFFIXES) {
            if (name.endsWith(suffix)) return modules.contains(stripSuffix(name, suffix));
        }
        return false;
    }

    private void requirePackedLinearsReplaced(Checkpoint src) {
        List<String> missing = new ArrayList<>();
        for (String name : src.names()) {
            if (name.endsWith(".qweight") && !modules.contains(stripSuffix(name, ".qweight"))) {
                missing.add(stripSuffix(name, ".qweight"));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(src.path() + ": " + missing.size() + " GPTQ-packed linear(s) have no dequantized "
                    + "weight, and a fake-quant checkpoint cannot hold packed ones: "
                    + String.join(", ", missing.subList(0, Math.min(5, missing.size()))) + (missing.size() > 5 ? ", ..." : ""));
        }
    }

    private static String stripSuffix(String name, String suffix) {
        return name.substring(0, name.length() - suffix.length());
    }

    @Override
    public void close() {
        weights.close();
    }
}
