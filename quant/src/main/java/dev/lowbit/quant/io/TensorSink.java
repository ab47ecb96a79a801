package dev.lowbit.quant.io;

import java.lang.foreign.MemorySegment;

/**
 * Something tensors are added to before being written. Data is referenced, not copied, until the
 * write: a segment must stay alive and a byte array unchanged until then.
 */
public interface TensorSink {

    /** Adds a tensor whose little-endian bytes are {@code data}. */
    void add(String name, DType dtype, long[] shape, MemorySegment data);

    default void add(String name, DType dtype, long[] shape, byte[] data) {
        add(name, dtype, shape, MemorySegment.ofArray(data));
    }

    /** Adds float values converted to {@code dtype} (F32, F16 or BF16, rounding to nearest even). */
    default void addFloats(String name, DType dtype, long[] shape, float[] values) {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
            throw new IllegalArgumentException("tensor " + name + ": floats convert to F32, F16 or BF16, not " + dtype);
        }
        long count = Shapes.elementCount(shape);
        if (count != values.length) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Shapes.format(shape) + " holds "
                    + count + " elements but " + values.length + " values were given");
        }
        add(name, dtype, shape, FloatCodec.encode(values, dtype));
    }

    /** Adds tensor {@code name} of {@code source} as it is (zero-copy until the write). */
    default void copyFrom(TensorSource source, String name) {
        TensorInfo info = source.info(name);
        add(name, info.dtype(), info.shape(), source.slice(name));
    }
}
