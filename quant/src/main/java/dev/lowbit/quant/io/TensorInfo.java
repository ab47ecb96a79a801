package dev.lowbit.quant.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a safetensors file.
 *
 * @param offset   absolute byte position of the tensor's data in its file (not relative to the
 *                 data region as the header's data_offsets are)
 * @param byteSize number of bytes of data
 */
public record TensorInfo(String name, DType dtype, long[] shape, long offset, long byteSize) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    /** Number of elements; 1 for a scalar (empty shape). */
    public long elementCount() {
        return Shapes.elementCount(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t
                && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && offset == t.offset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), offset, byteSize);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " @" + offset + "+" + byteSize;
    }
}
