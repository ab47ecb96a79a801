package dev.lowbit.quant.infer;

import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import java.util.Objects;

/**
 * How a {@link Generator} runs the model: device, compute dtype (F32 on the CPU, F16 on CUDA by
 * default), KV cache length (prompt + generated tokens must fit) and whether the CUDA decode step is
 * captured in a CUDA graph.
 */
public record GeneratorOptions(Device device, DType computeDType, int maxSeq, boolean cudaGraph, int threads) {
    public static final int DEFAULT_MAX_SEQ = 2048;

    public GeneratorOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(computeDType, "computeDType");
        if (computeDType != DType.F32 && computeDType != DType.F16 && computeDType != DType.BF16) {
            throw new IllegalArgumentException("compute dtype " + computeDType + " is not supported (expected F32, F16 or BF16)");
        }
        if (maxSeq <= 0) throw new IllegalArgumentException("max sequence length must be > 0, got " + maxSeq);
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
    }

    /** F32 on the CPU, F16 on CUDA; 2048 positions; CUDA graph on. */
    public static GeneratorOptions defaults(Device device) {
        return new GeneratorOptions(device, defaultDType(device), DEFAULT_MAX_SEQ, true, 0);
    }

    public static DType defaultDType(Device device) {
        return device.kind() == Device.Kind.CUDA ? DType.F16 : DType.F32;
    }

    public GeneratorOptions withComputeDType(DType d) {
        return new GeneratorOptions(device, d, maxSeq, cudaGraph, threads);
    }

    public GeneratorOptions withMaxSeq(int n) {
        return new GeneratorOptions(device, computeDType, n, cudaGraph, threads);
    }

    public GeneratorOptions withCudaGraph(boolean on) {
        return new GeneratorOptions(device, computeDType, maxSeq, on, threads);
    }

    public GeneratorOptions withThreads(int n) {
        return new GeneratorOptions(device, computeDType, maxSeq, cudaGraph, n);
    }
}
