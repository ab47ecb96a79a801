package dev.lowbit.quant.tensor;

import dev.lowbit.quant.io.ModelFormatException;
import dev.lowbit.quant.io.TensorInfo;
import dev.lowbit.quant.io.TensorSource;

/** Moves checkpoint tensors (memory-mapped slices) into native tensors without a Java-side copy. */
public final class CheckpointTensors {
    private CheckpointTensors() {}

    public static DType dtypeOf(TensorSource source, TensorInfo info) {
        return switch (info.dtype()) {
            case F32 -> DType.F32;
            case F16 -> DType.F16;
            case BF16 -> DType.BF16;
            case I8 -> DType.I8;
            case U8 -> DType.U8;
            case I16 -> DType.I16;
            case I32 -> DType.I32;
            case I64 -> DType.I64;
            default -> throw new ModelFormatException(source.path(), info.name(), "dtype " + info.dtype() + " cannot be computed with");
        };
    }

    /** A native copy of tensor {@code name} on {@code device}, in the checkpoint's dtype. */
    public static Tensor load(TensorSource source, String name, Device device) {
        TensorInfo info = source.info(name);
        return Tensor.fromHost(source.slice(name), dtypeOf(source, info), info.shape(), device);
    }
}
