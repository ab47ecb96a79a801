package dev.lowbit.quant.method.lrqat;

import java.util.Locale;

/** How the frozen {@code W0 / s0} is stored during training (LB_LRQAT_DOWNCAST_*). */
public enum Downcast {
    /** int8 fixed point Q b.(8-b): round(2^(8-b) clip(x)); the paper's default. */
    Q8(0),
    /** The RTN integers round(clip(x)), two 4-bit values per byte. */
    INT4(1),
    /** bf16(x), for comparison. */
    BF16(2);

    private final int code;

    Downcast(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** q8, int4 or bf16 (case-insensitive). */
    public static Downcast parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "q8", "int8" -> Q8;
            case "int4" -> INT4;
            case "bf16" -> BF16;
            default -> throw new IllegalArgumentException("down-cast must be q8, int4 or bf16, got '" + text + "'");
        };
    }
}
