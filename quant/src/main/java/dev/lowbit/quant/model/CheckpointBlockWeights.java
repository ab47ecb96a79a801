package dev.lowbit.quant.model;

import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.io.LlamaWeights;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.io.TensorSource;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A layer's norms and biases read from a checkpoint, its linears from a {@link LinearWeights}. */
final class CheckpointBlockWeights implements BlockWeightSource {
    private final ModelConfig config;
    private final TensorSource source;
    private final LinearWeights linears;

    CheckpointBlockWeights(ModelConfig config, TensorSource source, LinearWeights linears) {
        this.config = config;
        this.source = source;
        this.linears = linears;
    }

    @Override
    public BlockWeights load(int layer, Device device) {
        if (layer < 0 || layer >= config.numHiddenLayers()) {
            throw new IndexOutOfBoundsException("layer " + layer + " of " + config.numHiddenLayers());
        }
        List<Tensor> loaded = new ArrayList<>();
        try {
            Tensor inputNorm = track(loaded, CheckpointTensors.load(source, LlamaWeights.inputNorm(layer), device));
            Tensor postNorm = track(loaded, CheckpointTensors.load(source, LlamaWeights.postAttentionNorm(layer), device));
            Map<Projection, Tensor> weights = new EnumMap<>(Projection.class);
            Map<Projection, Tensor> biases = new EnumMap<>(Projection.class);
            for (Projection p : Projection.values()) {
                weights.put(p, track(loaded, linears.weight(layer, p, device)));
                if (p.hasBias(config)) {
                    biases.put(p, track(loaded, CheckpointTensors.load(source, p.biasName(layer), device)));
                }
            }
            return new BlockWeights(inputNorm, postNorm, weights, biases);
        } catch (RuntimeException | Error e) {
            loaded.forEach(Tensor::close);
            throw e;
        }
    }

    private static Tensor track(List<Tensor> loaded, Tensor t) {
        loaded.add(t);
        return t;
    }
}
