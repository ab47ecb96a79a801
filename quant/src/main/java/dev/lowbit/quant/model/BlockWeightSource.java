package dev.lowbit.quant.model;

import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.TensorSource;
import dev.lowbit.quant.tensor.Device;

/** Loads the weights of one decoder layer when the runner gets to it. Called on the model's engine thread. */
@FunctionalInterface
public interface BlockWeightSource {

    /** New tensors for decoder layer {@code layer}, preferably on {@code device}; the caller closes them. */
    BlockWeights load(int layer, Device device);

    /** Norms and biases from {@code source}, linears from {@code linears} (the checkpoint's own or dequantized ones). */
    static BlockWeightSource of(ModelConfig config, TensorSource source, LinearWeights linears) {
        return new CheckpointBlockWeights(config, source, linears);
    }

    /** Every tensor from an unquantized checkpoint. */
    static BlockWeightSource of(ModelConfig config, TensorSource source) {
        return of(config, source, new CheckpointLinears(source));
    }
}
