package dev.lowbit.quant.method.vptq;

import dev.lowbit.quant.io.Projection;

/** The four linear inputs of a decoder layer; projections that read the same input share one Hessian. */
public enum HessianKind {
    QKV, O, GATE_UP, DOWN;

    public static HessianKind of(Projection p) {
        return switch (p) {
            case Q, K, V -> QKV;
            case O -> O;
            case GATE, UP -> GATE_UP;
            case DOWN -> DOWN;
        };
    }

    public String tensorName(int layer) {
        return "layers." + layer + "." + name().toLowerCase(java.util.Locale.ROOT);
    }
}
