package dev.lowbit.quant;

/** A failed native call: carries the lowbit status code and the native library's message. */
public class LowbitException extends RuntimeException {
    private final Status status;

    public LowbitException(Status status, String message) {
        super(message);
        this.status = status;
    }

    public Status status() {
        return status;
    }
}
