package dev.lowbit.quant.engine;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one OS thread that makes every native call of a model. libtorch keeps its thread settings
 * (intra-op threads, grad mode) per OS thread, so a model's calls are serialized here; callers may
 * use any thread.
 */
public final class Engine implements AutoCloseable {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final ExecutorService executor;
    private volatile Thread thread;

    /** @param threads libtorch intra-op threads for this engine (0: one per available core) */
    public Engine(int threads, long seed) {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lowbit-engine-" + COUNT.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        call(() -> {
            thread = Thread.currentThread();
            int n = threads > 0 ? threads : java.lang.Runtime.getRuntime().availableProcessors();
            Native.check(lowbit_h.lb_set_num_threads(n), "lb_set_num_threads");
            Native.check(lowbit_h.lb_manual_seed(seed), "lb_manual_seed");
            return null;
        });
    }

    public Engine() {
        this(0, 0);
    }

    /** Runs {@code work} on the engine thread and returns its result; exceptions propagate unchanged. */
    public <T> T call(Callable<T> work) {
        if (Thread.currentThread() == thread) return callHere(work);
        Future<T> future = executor.submit(work);
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the lowbit engine", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    public void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    private static <T> T callHere(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
