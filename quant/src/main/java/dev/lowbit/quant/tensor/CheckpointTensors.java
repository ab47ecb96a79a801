package dev.lowbit.quant.tensor;

import dev.lowbit.quant.io.TensorInfo;
import dev.lowbit.quant.io.TensorSource;

/** Native tensors made from a checkpoint's memory-mapped tensors. */
public final class CheckpointTensors {
    private CheckpointTensors() {}

    /** The lowbit dtype of a safetensors dtype. */
    public static DType dtypeOf(dev.lowbit.quant.io.DType stored) {
        return switch (stored) {
            case F32 -> DType.F32;
            case F16 -> DType.F16;
            case BF16 -> DType.BF16;
            case I64 -> DType.I64;
            case I32 -> DType.I32;
            case I16 -> DType.I16;
            case I8 -> DType.I8;
            case U8 -> DType.U8;
            case F64, BOOL -> throw new UnsupportedOperationException(
                    "safetensors dtype " + stored + " has no lowbit tensor type (expected F32, F16, BF16 or an integer type)");
        };
    }

    /** Copies tensor {@code name} of {@code source}, in its stored dtype, onto {@code device}. */
    public static Tensor load(TensorSource source, String name, Device device) {
        TensorInfo info = source.info(name);
        return Tensor.fromHost(source.slice(name), dtypeOf(info.dtype()), info.shape(), device);
    }
}
