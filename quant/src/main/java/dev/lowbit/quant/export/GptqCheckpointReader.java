package dev.lowbit.quant.export;

import dev.lowbit.quant.LowbitException;
import dev.lowbit.quant.Status;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.DType;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.ModelFormatException;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.io.TensorInfo;
import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import dev.lowbit.quant.tensor.TensorOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * Reads the linears of a GPTQ checkpoint folder (config.json with a gptq {@code quantization_config})
 * back as dequantized F32 weights [out, in]. The packed tensors are read in place from the mapped
 * files and dequantized natively; v1 or v2 zero points follow {@code checkpoint_format}.
 */
public final class GptqCheckpointReader implements AutoCloseable {
    private static final Set<DType> SCALE_DTYPES = Set.of(DType.F16, DType.BF16, DType.F32);

    private final ModelConfig model;
    private final GptqConfig config;
    private final Checkpoint checkpoint;

    private GptqCheckpointReader(ModelConfig model, GptqConfig config, Checkpoint checkpoint) {
        this.model = model;
        this.config = config;
        this.checkpoint = checkpoint;
    }

    public static GptqCheckpointReader open(Path folder) throws IOException {
        Path configFile = folder.resolve(ModelConfig.FILE_NAME);
        ModelConfig model = ModelConfig.load(folder);
        if (model.quantizationConfig().isEmpty()) {
            throw new ModelFormatException(configFile, "has no quantization_config: not a GPTQ checkpoint");
        }
        GptqConfig config = GptqConfig.fromJson(configFile, model.quantizationConfig().get());
        return new GptqCheckpointReader(model, config, Checkpoint.open(folder));
    }

    public GptqConfig config() {
        return config;
    }

    public ModelConfig modelConfig() {
        return model;
    }

    /** The underlying tensors, for the ones that are not packed (embeddings, norms, lm_head, biases). */
    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public boolean isPacked(int layer, Projection p) {
        return checkpoint.has(p.modulePath(layer) + "." + GptqTensors.QWEIGHT);
    }

    /** The dequantized weight F32 [out, in] of one linear, computed on {@code device}. */
    public Tensor dequantize(int layer, Projection p, Device device) {
        String module = p.modulePath(layer);
        int bits = config.bits();
        long in = p.inFeatures(model);
        long out = p.outFeatures(model);
        long groups = config.groupsFor(in);
        String qweightName = module + "." + GptqTensors.QWEIGHT;
        requirePackable(qweightName, "in", in, bits);
        requirePackable(qweightName, "out", out, bits);
        String why = "for in=" + in + ", out=" + out + ", bits=" + bits + ", group_size=" + config.groupSize() + " (config.json)";
        requireTensor(qweightName, Set.of(DType.I32), new long[] {in * bits / 32, out}, "[in * bits / 32, out] " + why);
        String qzerosName = module + "." + GptqTensors.QZEROS;
        requireTensor(qzerosName, Set.of(DType.I32), new long[] {groups, out * bits / 32}, "[groups, out * bits / 32] " + why);
        String scalesName = module + "." + GptqTensors.SCALES;
        requireTensor(scalesName, SCALE_DTYPES, new long[] {groups, out}, "[groups, out] " + why);
        String gIdxName = module + "." + GptqTensors.G_IDX;
        boolean hasGIdx = checkpoint.has(gIdxName);
        if (hasGIdx) requireTensor(gIdxName, Set.of(DType.I32), new long[] {in}, "[in] " + why);

        try (Tensor qweight = load(qweightName, device);
             Tensor qzeros = load(qzerosName, device);
             Tensor scales = load(scalesName, device);
             Tensor gIdx = hasGIdx ? load(gIdxName, device) : null) {
            return BitPacking.dequantizeGptq(qweight, qzeros, scales, gIdx, bits, config.groupSize(), config.format());
        } catch (LowbitException e) {
            if (e.status() != Status.INVALID_ARGUMENT) throw e;
            throw new ModelFormatException(checkpoint.fileOf(qweightName), qweightName,
                    "with its qzeros, scales and g_idx cannot be dequantized: " + e.getMessage(), e);
        }
    }

    /** A zero-copy view on the CPU, or a copy on another device. */
    private Tensor load(String name, Device device) {
        TensorInfo info = checkpoint.info(name);
        dev.lowbit.quant.tensor.DType dtype = CheckpointTensors.dtypeOf(info.dtype());
        if (device.equals(Device.CPU)) return TensorOps.wrapHost(checkpoint.slice(name), dtype, info.shape());
        return Tensor.fromHost(checkpoint.slice(name), dtype, info.shape(), device);
    }

    private void requireTensor(String name, Set<DType> dtypes, long[] shape, String expected) {
        if (!checkpoint.has(name)) {
            throw new ModelFormatException(checkpoint.path(), name, "missing: a GPTQ linear needs qweight, qzeros and scales "
                    + "(expected " + dtypes + " " + Arrays.toString(shape) + ")");
        }
        TensorInfo info = checkpoint.info(name);
        if (!dtypes.contains(info.dtype())) {
            throw new ModelFormatException(checkpoint.fileOf(name), name, "dtype " + info.dtype() + ", expected one of " + dtypes);
        }
        if (!Arrays.equals(info.shape(), shape)) {
            throw new ModelFormatException(checkpoint.fileOf(name), name, "has shape " + Arrays.toString(info.shape()) + ", expected "
                    + Arrays.toString(shape) + " = " + expected);
        }
    }

    private void requirePackable(String name, String dim, long size, int bits) {
        if (size * bits % 32 != 0) {
            throw new ModelFormatException(checkpoint.path(), name, dim + "=" + size + " cannot be packed at bits=" + bits
                    + " (config.json): " + dim + " * bits must be a multiple of 32");
        }
    }

    @Override
    public void close() {
        checkpoint.close();
    }
}
