package dev.lowbit.quant.infer;

/** Receives the generated text as it grows (called on the generating thread). */
@FunctionalInterface
public interface GenerationListener {
    GenerationListener NONE = text -> {};

    /** The text added by the latest token(s); may be empty while a multi-byte character is incomplete. */
    void onText(String piece);
}
