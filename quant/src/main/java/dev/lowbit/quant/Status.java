package dev.lowbit.quant;

/** The status codes of lowbit.h. */
public enum Status {
    OK(0), INVALID_ARGUMENT(1), UNSUPPORTED(2), OUT_OF_MEMORY(3), CUDA_ERROR(4), INTERNAL(5), UNKNOWN(-1);

    private final int code;

    Status(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Status of(int code) {
        for (Status s : values()) {
            if (s.code == code) return s;
        }
        return UNKNOWN;
    }
}
