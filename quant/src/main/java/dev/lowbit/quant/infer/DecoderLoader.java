package dev.lowbit.quant.infer;

import dev.lowbit.quant.export.GptqCheckpointReader;
import dev.lowbit.quant.export.GptqConfig;
import dev.lowbit.quant.export.GptqTensors;
import dev.lowbit.quant.export.VptqCheckpointReader;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.LlamaWeights;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.ModelFormatException;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.io.TensorInfo;
import dev.lowbit.quant.io.TensorSource;
import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import dev.lowbit.quant.tensor.TensorOps;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link NativeDecoder} from a model folder, one layer at a time: an unquantized Hugging Face
 * checkpoint, a GPTQ-style packed one (as lowbit writes it), whose linears stay packed, or a VPTQ one, whose
 * linears are dequantized on the host at load into the checkpoint's dtype and run dense. The checkpoint's
 * tensors are wrapped in place (memory-mapped); the decoder copies them to its device. Call on the engine thread.
 */
public final class DecoderLoader {
    private DecoderLoader() {}

    /** How the model's linears are stored. */
    public record Loaded(NativeDecoder decoder, ModelConfig config, String weights) {}

    /** The decoder's linear for one projection of one layer; tensors it creates go to {@code owned}. */
    @FunctionalInterface
    private interface LinearSource {
        NativeDecoder.Linear linear(int layer, Projection p, Tensor bias, List<Tensor> owned);
    }

    public static Loaded load(Path folder, GeneratorOptions options) throws IOException {
        ModelConfig config = ModelConfig.load(folder);
        if (config.quantizationConfig().isPresent()) {
            String method = config.quantizationConfig().get().path("quant_method").asText("");
            if (!method.equals("gptq") && !method.equals("vptq")) {
                throw new UnsupportedOperationException(folder.resolve(ModelConfig.FILE_NAME) + ": quantization method '" + method
                        + "' cannot be run (supported: gptq, vptq)");
            }
            if (method.equals("vptq")) {
                try (VptqCheckpointReader reader = VptqCheckpointReader.open(folder)) {
                    DType stored = storedFloatType(config);
                    NativeDecoder d = build(config, reader.checkpoint(), options,
                            (layer, p, bias, owned) -> NativeDecoder.Linear.dense(own(owned, dequantized(reader, layer, p, stored)), bias));
                    return new Loaded(d, config, "vptq, dequantized to " + stored + " at load");
                }
            }
            try (GptqCheckpointReader reader = GptqCheckpointReader.open(folder)) {
                GptqConfig q = reader.config();
                NativeDecoder d = build(config, reader.checkpoint(), options,
                        (layer, p, bias, owned) -> gptqLinear(reader.checkpoint(), reader, layer, p, bias, owned));
                return new Loaded(d, config, "gptq int" + q.bits() + (q.perChannel() ? " per-channel" : " g" + q.groupSize()));
            }
        }
        try (Checkpoint checkpoint = Checkpoint.open(folder)) {
            config.weights().validateAgainst(checkpoint);
            return new Loaded(build(config, checkpoint, options, (layer, p, bias, owned) -> denseLinear(checkpoint, layer, p, bias, owned)),
                    config, "dense " + config.dtype());
        }
    }

    private static NativeDecoder build(ModelConfig config, Checkpoint source, GeneratorOptions options, LinearSource linears) {
        String lmHeadName = config.tieWordEmbeddings() || !source.has(LlamaWeights.LM_HEAD)
                ? LlamaWeights.EMBED_TOKENS : LlamaWeights.LM_HEAD;
        NativeDecoder decoder;
        try (Tensor embed = wrap(source, LlamaWeights.EMBED_TOKENS);
             Tensor norm = wrap(source, LlamaWeights.FINAL_NORM);
             Tensor lmHead = wrap(source, lmHeadName)) {
            decoder = NativeDecoder.create(config, options.computeDType(), embed, norm, lmHead, options.maxSeq(),
                    options.cudaGraph(), options.device());
        }
        try {
            for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
                addLayer(decoder, config, source, linears, layer);
            }
            return decoder;
        } catch (RuntimeException | Error e) {
            decoder.close();
            throw e;
        }
    }

    private static void addLayer(NativeDecoder decoder, ModelConfig config, Checkpoint source, LinearSource linears, int layer) {
        List<Tensor> owned = new ArrayList<>();
        try {
            Tensor inputNorm = own(owned, wrap(source, LlamaWeights.inputNorm(layer)));
            Tensor postNorm = own(owned, wrap(source, LlamaWeights.postAttentionNorm(layer)));
            List<NativeDecoder.Linear> layerLinears = new ArrayList<>();
            for (Projection p : Projection.values()) {
                Tensor bias = p.hasBias(config) && source.has(p.biasName(layer)) ? own(owned, wrap(source, p.biasName(layer))) : null;
                layerLinears.add(linears.linear(layer, p, bias, owned));
            }
            decoder.addLayer(inputNorm, postNorm, layerLinears);
        } finally {
            owned.forEach(Tensor::close);
        }
    }

    private static NativeDecoder.Linear denseLinear(Checkpoint source, int layer, Projection p, Tensor bias, List<Tensor> owned) {
        return NativeDecoder.Linear.dense(own(owned, wrap(source, p.weightName(layer))), bias);
    }

    private static NativeDecoder.Linear gptqLinear(Checkpoint source, GptqCheckpointReader gptq, int layer, Projection p,
                                                   Tensor bias, List<Tensor> owned) {
        if (!gptq.isPacked(layer, p)) return denseLinear(source, layer, p, bias, owned);
        GptqConfig q = gptq.config();
        String module = p.modulePath(layer) + ".";
        if (!trivialGroupIndex(source, module + GptqTensors.G_IDX, q)) {
            // act-order checkpoints permute groups: the packed kernels take i / group_size only
            return NativeDecoder.Linear.dense(own(owned, gptq.dequantize(layer, p, Device.CPU)), bias);
        }
        return NativeDecoder.Linear.packed(own(owned, wrap(source, module + GptqTensors.QWEIGHT)),
                own(owned, wrap(source, module + GptqTensors.QZEROS)), own(owned, wrap(source, module + GptqTensors.SCALES)),
                q.bits(), q.groupSize(), q.format().zeroOffset(), bias);
    }

    /** The floating-point dtype the checkpoint's dense tensors are stored in (what a dequantized linear is kept in). */
    private static DType storedFloatType(ModelConfig config) {
        DType d = CheckpointTensors.dtypeOf(config.dtype());
        return d == DType.F16 || d == DType.BF16 ? d : DType.F32;
    }

    /** One VPTQ linear dequantized on the host (f32), then kept in {@code dtype}: 2 bytes a weight for a 16-bit model. */
    private static Tensor dequantized(VptqCheckpointReader reader, int layer, Projection p, DType dtype) {
        Tensor f32 = reader.dequantize(layer, p, Device.CPU);
        if (dtype == DType.F32) return f32;
        try (f32) {
            return f32.to(dtype, Device.CPU);
        }
    }

    /** Absent, or g_idx[i] == i / group_size for every i (what the packed layout assumes). */
    private static boolean trivialGroupIndex(TensorSource source, String name, GptqConfig q) {
        if (!source.has(name)) return true;
        TensorInfo info = source.info(name);
        if (info.dtype() != dev.lowbit.quant.io.DType.I32) {
            throw new ModelFormatException(source.path(), name, "dtype " + info.dtype() + ", expected I32");
        }
        MemorySegment g = source.slice(name);
        long n = info.elementCount();
        for (long i = 0; i < n; i++) {
            if (g.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i) != q.groupOf((int) i)) return false;
        }
        return true;
    }

    private static Tensor own(List<Tensor> owned, Tensor t) {
        owned.add(t);
        return t;
    }

    /** A zero-copy host view of a mapped checkpoint tensor. */
    private static Tensor wrap(TensorSource source, String name) {
        TensorInfo info = source.info(name);
        return TensorOps.wrapHost(source.slice(name), CheckpointTensors.dtypeOf(info.dtype()), info.shape());
    }
}
