package dev.lowbit.quant.io;

import java.util.Arrays;

/** Shape arithmetic shared by the readers and writers. */
final class Shapes {
    private Shapes() {
    }

    /** Product of the dims; throws ArithmeticException on overflow. */
    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    static String format(long[] shape) {
        return Arrays.toString(shape);
    }
}
