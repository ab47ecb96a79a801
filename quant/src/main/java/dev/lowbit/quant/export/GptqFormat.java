package dev.lowbit.quant.export;

import java.util.Optional;

/**
 * The two zero-point conventions of GPTQ checkpoints. v1 (the original GPTQ / AutoGPTQ layout) stores
 * {@code z - 1}, wrapped to the bit width, and loaders add 1 back; v2 stores {@code z} itself.
 */
public enum GptqFormat {
    V1("gptq", 1),
    V2("gptq_v2", 0);

    private final String checkpointFormat;
    private final int zeroOffset;

    GptqFormat(String checkpointFormat, int zeroOffset) {
        this.checkpointFormat = checkpointFormat;
        this.zeroOffset = zeroOffset;
    }

    /** The {@code checkpoint_format} value in quantize_config.json and config.json. */
    public String checkpointFormat() {
        return checkpointFormat;
    }

    /** What a reader adds to a stored zero point (modulo 2^bits) to get z. */
    public int zeroOffset() {
        return zeroOffset;
    }

    public static Optional<GptqFormat> fromCheckpointFormat(String value) {
        for (GptqFormat f : values()) {
            if (f.checkpointFormat.equals(value)) return Optional.of(f);
        }
        return Optional.empty();
    }
}
