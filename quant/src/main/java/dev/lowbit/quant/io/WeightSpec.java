package dev.lowbit.quant.io;

import java.util.Arrays;
import java.util.Objects;

/** A tensor a config expects: its Hugging Face name and shape. */
public record WeightSpec(String name, long... shape) {

    public WeightSpec {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightSpec w && name.equals(w.name) && Arrays.equals(shape, w.shape);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
