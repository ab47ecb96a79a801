package dev.lowbit.quant.model;

import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.io.TensorSource;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;

/** The linear weights stored in an unquantized Hugging Face checkpoint ({@code ...q_proj.weight}). */
public record CheckpointLinears(TensorSource source) implements LinearWeights {

    @Override
    public Tensor weight(int layer, Projection projection, Device device) {
        return CheckpointTensors.load(source, projection.weightName(layer), device);
    }
}
