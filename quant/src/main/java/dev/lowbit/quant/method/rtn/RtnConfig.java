package dev.lowbit.quant.method.rtn;

/**
 * Round-to-nearest settings.
 *
 * @param bits      2..8
 * @param groupSize input columns per scale; {@code <= 0} means one group per output channel; a value
 *                  larger than the row is capped to the row
 * @param symmetric symmetric grid (zero point 2^(bits-1)) instead of min/max with a zero point
 */
public record RtnConfig(int bits, long groupSize, boolean symmetric) {
    public static final long PER_CHANNEL = 0;

    public RtnConfig {
        if (bits < 2 || bits > 8) throw new IllegalArgumentException("bits must be in 2..8, got " + bits);
    }

    public static RtnConfig asymmetric(int bits, long groupSize) {
        return new RtnConfig(bits, groupSize, false);
    }

    public static RtnConfig symmetricPerChannel(int bits) {
        return new RtnConfig(bits, PER_CHANNEL, true);
    }

    /** Short name such as {@code w4g128}, {@code w3} (per channel) or {@code w4 sym}. */
    public String label() {
        return "w" + bits + (groupSize > 0 ? "g" + groupSize : "") + (symmetric ? " sym" : "");
    }
}
