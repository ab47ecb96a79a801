package dev.lowbit.quant.progress;

/** How long work reports progress; core code prints nothing itself. */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() {
        @Override
        public void start(String task, long total) {}

        @Override
        public void advance(long done) {}

        @Override
        public void finish(String summary) {}
    };

    /** A new task with {@code total} units of work (0 if unknown). */
    void start(String task, long total);

    /** {@code done} units of the current task are complete. */
    void advance(long done);

    /** The current task ended; {@code summary} may be empty. */
    void finish(String summary);
}
