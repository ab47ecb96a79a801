package dev.lowbit.quant.tensor;

/** Element types shared with lowbit.h (LB_DTYPE_*). */
public enum DType {
    F32(0, 4), F16(1, 2), BF16(2, 2), I8(3, 1), U8(4, 1), I16(5, 2), I32(6, 4), I64(7, 8);

    private final int code;
    private final int byteSize;

    DType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    public int code() {
        return code;
    }

    public int byteSize() {
        return byteSize;
    }

    public static DType ofCode(int code) {
        for (DType d : values()) {
            if (d.code == code) return d;
        }
        throw new IllegalArgumentException("unknown lowbit dtype code " + code);
    }
}
