package dev.lowbit.quant;

import dev.lowbit.bindings.lowbit_h;
import java.lang.foreign.MemorySegment;

/** Turns native status codes into exceptions; must run on the thread that made the call. */
public final class Native {
    private Native() {}

    public static void check(int status, String function) {
        if (status == 0) return;
        throw new LowbitException(Status.of(status), function + " failed (" + Status.of(status) + "): " + lastError());
    }

    public static String lastError() {
        MemorySegment text = lowbit_h.lb_last_error();
        if (text.equals(MemorySegment.NULL)) return "";
        return text.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
