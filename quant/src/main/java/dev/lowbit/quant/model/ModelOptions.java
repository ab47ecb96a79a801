package dev.lowbit.quant.model;

import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import java.util.Objects;

/**
 * How a {@link LlamaModel} runs.
 *
 * @param device              where the blocks compute
 * @param computeDType        F32, F16 or BF16: the dtype of weights and activations inside the blocks
 * @param residency           which blocks stay loaded
 * @param streamingPassTokens when streaming, how many tokens' hidden states go through each loaded block
 *                            before the next block is loaded (more tokens: fewer reloads, more memory)
 */
public record ModelOptions(Device device, DType computeDType, Residency residency, int streamingPassTokens) {
    public static final long AUTO_RESIDENT_LIMIT_BYTES = 2L << 30;
    public static final int DEFAULT_STREAMING_PASS_TOKENS = 1 << 15;

    public ModelOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(residency, "residency");
        if (computeDType != DType.F32 && computeDType != DType.F16 && computeDType != DType.BF16) {
            throw new IllegalArgumentException("compute dtype " + computeDType + " (expected F32, F16 or BF16)");
        }
        if (streamingPassTokens <= 0) {
            throw new IllegalArgumentException("streamingPassTokens must be > 0, got " + streamingPassTokens);
        }
    }

    /** CPU, f32, {@link Residency#AUTO}. */
    public static ModelOptions defaults() {
        return new ModelOptions(Device.CPU, DType.F32, Residency.AUTO, DEFAULT_STREAMING_PASS_TOKENS);
    }

    public ModelOptions withDevice(Device d) {
        return new ModelOptions(d, computeDType, residency, streamingPassTokens);
    }

    public ModelOptions withComputeDType(DType d) {
        return new ModelOptions(device, d, residency, streamingPassTokens);
    }

    public ModelOptions withResidency(Residency r) {
        return new ModelOptions(device, computeDType, r, streamingPassTokens);
    }

    public ModelOptions withStreamingPassTokens(int tokens) {
        return new ModelOptions(device, computeDType, residency, tokens);
    }
}
