package dev.lowbit.quant.method.efficientqat;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Wall seconds per named phase of a run, summed over its occurrences, in first-seen order. */
public final class PhaseTimes {
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    /** Adds the time since {@code startNanos} (a System.nanoTime value) to the phase; returns now. */
    synchronized long add(String phase, long startNanos) {
        long now = System.nanoTime();
        seconds.merge(phase, (now - startNanos) / 1e9, Double::sum);
        return now;
    }

    public synchronized Map<String, Double> seconds() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }

    @Override
    public synchronized String toString() {
        StringJoiner j = new StringJoiner(", ");
        seconds.forEach((k, v) -> j.add(String.format(Locale.ROOT, "%s %.1f s", k, v)));
        return j.toString();
    }
}
