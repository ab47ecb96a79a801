package dev.lowbit.quant.infer;

import dev.lowbit.quant.export.GptqCheckpointReader;
import dev.lowbit.quant.export.GptqConfig;
import dev.lowbit.quant.export.GptqTensors;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.LlamaWeights;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.ModelFormatException;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.io.TensorInfo;
import dev.lowbit.quant.io.TensorSource;
import dev.lowbit.quant.tensor.CheckpointTensors;
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
 * checkpoint, or a GPTQ-style packed one (as lowbit writes it), whose linears stay packed. The
 * checkpoint's tensors are wrapped in place (memory-mapped); the decoder copies them to its device.
 * Call on the engine thread.
 */
public final class DecoderLoader {
    private DecoderLoader() {}

    /** How the model's linears are stored. */
    public record Loaded(NativeDecoder decoder, ModelConfig config, String weights) {}

    public static Loaded load(Path folder, GeneratorOptions options) throws IOException {
        ModelConfig config = ModelConfig.load(folder);
        if (config.quantizationConfig().isPresent()) {
            try (GptqCheckpointReader reader = GptqCheckpointReader.open(folder)) {
                GptqConfig q = reader.config();
                NativeDecoder d = build(config, reader.checkpoint(), reader, options);
                return new Loaded(d, config, "gptq int" + q.bits() + (q.perChannel() ? " per-channel" : " g" + q.groupSize()));
            }
        }
        try (Checkpoint checkpoint = Checkpoint.open(folder)) {
            config.weights().validateAgainst(checkpoint);
            return new Loaded(build(config, checkpoint, null, options), config, "dense " + config.dtype());
        }
    }

    private static NativeDecoder build(ModelConfig config, Checkpoint source, GptqCheckpointReader gptq,
                                       GeneratorOptions options) {
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
                addLayer(decoder, config, source, gptq, layer);
            }
            return decoder;
        } catch (RuntimeException | Error e) {
            decoder.close();
            throw e;
        }
    }

    private static void addLayer(NativeDecoder decoder, ModelConfig config, Checkpoint source, GptqCheckpointReader gptq,
                                 int layer) {
        List<Tensor> owned = new ArrayList<>();
        try {
            Tensor inputNorm = own(owned, wrap(source, LlamaWeights.inputNorm(layer)));
            Tensor postNorm = own(owned, wrap(source, LlamaWeights.postAttentionNorm(layer)));
            List<NativeDecoder.Linear> linears = new ArrayList<>();
            for (Projection p : Projection.values()) {
                Tensor bias = p.hasBias(config) && source.has(p.biasName(layer)) ? own(owned, wrap(source, p.biasName(layer))) : null;
                linears.add(linear(source, gptq, layer, p, bias, owned));
            }
            decoder.addLayer(inputNorm, postNorm, linears);
        } finally {
            owned.forEach(Tensor::close);
        }
    }

    private static NativeDecoder.Linear linear(Checkpoint source, GptqCheckpointReader gptq, int layer, Projection p,
                                               Tensor bias, List<Tensor> owned) {
        if (gptq == null || !gptq.isPacked(layer, p)) {
            return NativeDecoder.Linear.dense(own(owned, wrap(source, p.weightName(layer))), bias);
        }
        GptqConfig q = gptq.config();
        String module = p.modulePath(layer) + ".";
        if (!trivialGroupIndex(source, module + GptqTensors.G_IDX, q)) {
            // act-order checkpoints permute groups: the packed kernels take i / group_size only
            return NativeDecoder.Linear.dense(own(owned, gptq.dequantize(layer, p, dev.lowbit.quant.tensor.Device.CPU)), bias);
        }
        return NativeDecoder.Linear.packed(own(owned, wrap(source, module + GptqTensors.QWEIGHT)),
                own(owned, wrap(source, module + GptqTensors.QZEROS)), own(owned, wrap(source, module + GptqTensors.SCALES)),
                q.bits(), q.groupSize(), q.format().zeroOffset(), bias);
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
