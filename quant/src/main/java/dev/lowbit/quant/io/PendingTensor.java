package dev.lowbit.quant.io;

import java.lang.foreign.MemorySegment;
import java.util.Comparator;
import java.util.Objects;

/** A tensor queued for writing; the constructor checks that the bytes fit the shape. */
record PendingTensor(String name, DType dtype, long[] shape, MemorySegment data) {

    /**
     * File order: wider dtypes first, then by name. With the header padded to 8 bytes this keeps
     * every tensor aligned to its element size, as the reference writer does.
     */
    static final Comparator<PendingTensor> FILE_ORDER = Comparator
            .comparingInt((PendingTensor t) -> -t.dtype().byteSize())
            .thenComparing(PendingTensor::name);

    PendingTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        if (name.isEmpty() || name.equals(SafetensorsHeader.METADATA_KEY)) {
            throw new IllegalArgumentException("invalid tensor name '" + name + "'");
        }
        shape = shape.clone();
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor " + name + ": negative dim in shape " + Shapes.format(shape));
            }
        }
        long expected = Math.multiplyExact(Shapes.elementCount(shape), dtype.byteSize());
        if (expected != data.byteSize()) {
            throw new IllegalArgumentException("tensor " + name + ": " + dtype + " x " + Shapes.format(shape)
                    + " needs " + expected + " bytes but " + data.byteSize() + " were given");
        }
    }

    long byteSize() {
        return data.byteSize();
    }
}
