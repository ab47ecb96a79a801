package dev.lowbit.quant.io;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/** A read-only set of named tensors backed by memory-mapped files. */
public interface TensorSource {

    /** The file that describes this set (a .safetensors file or an index); named in errors. */
    Path path();

    /** Tensor names, in the order the file (or index) lists them. */
    List<String> names();

    boolean has(String name);

    /** @throws ModelFormatException if there is no such tensor */
    TensorInfo info(String name);

    /** A zero-copy view of the tensor's bytes (little-endian), valid while the mapping's arena is open. */
    MemorySegment slice(String name);

    /** Copies an F32, F16, BF16 or F64 tensor into a new float array; for tests and small tensors. */
    default float[] readFloats(String name) {
        TensorInfo info = info(name);
        if (!info.dtype().isFloatingPoint()) {
            throw new ModelFormatException(path(), name, "readFloats needs a floating-point tensor, not " + info.dtype());
        }
        if (info.elementCount() > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(path(), name, info.elementCount() + " elements do not fit a Java array");
        }
        return FloatCodec.decode(slice(name), info.dtype(), (int) info.elementCount());
    }
}
