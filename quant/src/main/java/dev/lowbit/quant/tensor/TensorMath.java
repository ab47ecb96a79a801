package dev.lowbit.quant.tensor;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Small reductions computed natively. */
public final class TensorMath {
    private TensorMath() {}

    /** Squared error of {@code approx} against {@code reference}: sum((r - a)^2) and sum(r^2), in float64. */
    public record SquaredError(double error, double reference) {
        public SquaredError plus(SquaredError other) {
            return new SquaredError(error + other.error, reference + other.reference);
        }

        /** ||r - a|| / ||r|| (Frobenius). */
        public double relative() {
            return reference == 0 ? (error == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(error / reference);
        }

        public static final SquaredError ZERO = new SquaredError(0, 0);
    }

    public static SquaredError squaredError(Tensor reference, Tensor approx) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(JAVA_DOUBLE, 2);
            Native.check(lowbit_h.lb_tensor_sq_error(reference.address(), approx.address(), out, out.asSlice(8)), "lb_tensor_sq_error");
            return new SquaredError(out.getAtIndex(JAVA_DOUBLE, 0), out.getAtIndex(JAVA_DOUBLE, 1));
        }
    }
}
