package dev.lowbit.quant.model;

/** Whether all decoder blocks stay on the device or only the one being run. */
public enum Residency {
    /** Load every block once and keep it; for models whose weights fit the device. */
    RESIDENT,
    /** Load block i, run it over all hidden states of the current pass, free it; any model size fits. */
    STREAMING,
    /** RESIDENT when the blocks' weights in the compute dtype are under {@link ModelOptions#AUTO_RESIDENT_LIMIT_BYTES}. */
    AUTO
}
