package dev.lowbit.quant.tensor;

/** A compute device: the CPU or CUDA device {@code index}. */
public record Device(Kind kind, int index) {
    public enum Kind { CPU, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        if (index < 0) throw new IllegalArgumentException("device index must be >= 0, got " + index);
        if (kind == Kind.CPU && index != 0) throw new IllegalArgumentException("the CPU device has index 0, got " + index);
    }

    public static Device cuda(int index) {
        return new Device(Kind.CUDA, index);
    }

    /** Parses {@code cpu}, {@code cuda} or {@code cuda:N}. */
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("cpu")) return CPU;
        if (t.equals("cuda")) return cuda(0);
        if (t.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(t.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "' (expected cpu, cuda or cuda:N)");
    }

    /** Waits until all work queued on this device has finished (for timing; a no-op on the CPU). */
    public void synchronize() {
        dev.lowbit.quant.Native.check(dev.lowbit.bindings.lowbit_h.lb_synchronize(typeCode(), index), "lb_synchronize");
    }

    int typeCode() {
        return kind == Kind.CPU ? 0 : 1;
    }

    static Device of(int typeCode, int index) {
        return switch (typeCode) {
            case 0 -> CPU;
            case 1 -> cuda(index);
            default -> throw new IllegalArgumentException("unknown lowbit device type " + typeCode);
        };
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
