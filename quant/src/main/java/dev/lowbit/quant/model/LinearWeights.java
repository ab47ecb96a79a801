package dev.lowbit.quant.model;

import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;

/**
 * Supplies the weight of each linear layer of the decoder blocks: the checkpoint's own
 * ({@link CheckpointLinears}), or one rebuilt from a quantized checkpoint (dequantized packed codes).
 * Called on the model's engine thread.
 */
@FunctionalInterface
public interface LinearWeights {

    /**
     * A new tensor {@code [out, in]} (F32, F16 or BF16) holding the weight of {@code projection} in
     * decoder layer {@code layer}, preferably on {@code device}; the caller closes it.
     */
    Tensor weight(int layer, Projection projection, Device device);
}
