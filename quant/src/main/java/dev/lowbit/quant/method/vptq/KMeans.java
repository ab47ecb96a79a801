package dev.lowbit.quant.method.vptq;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lowbit.bindings.lb_kmeans_options;
import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Weighted k-means through lb_kmeans_assign / lb_kmeans_fit (call on the engine thread of the tensors' device). */
public final class KMeans {
    private KMeans() {}

    public enum Init { RANDOM, PLUSPLUS }

    /** Centroids [k, d] F32, labels [n] I32 (the caller closes both), objective, Lloyd updates done, re-seeded clusters. */
    public record Fit(Tensor centroids, Tensor labels, double objective, int iterations, long emptySplits) implements AutoCloseable {
        @Override
        public void close() {
            centroids.close();
            labels.close();
        }
    }

    /** Nearest-centroid labels I32 [n] of points [n, d] (the caller closes them). */
    public static Tensor assign(Tensor points, Tensor centroids) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment labels = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_kmeans_assign(points.address(), centroids.address(), labels, MemorySegment.NULL),
                    "lb_kmeans_assign");
            return Tensor.adopt(labels.get(ADDRESS, 0));
        }
    }

    /** weights and init may be null. */
    public static Fit fit(Tensor points, Tensor weights, Tensor init, int k, int maxIter, double tol, Init seeding, long seed) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment o = lb_kmeans_options.allocate(call);
            lb_kmeans_options.struct_size(o, lb_kmeans_options.sizeof());
            lb_kmeans_options.k(o, k);
            lb_kmeans_options.max_iter(o, maxIter);
            lb_kmeans_options.init(o, seeding == Init.PLUSPLUS ? lowbit_h.LB_KMEANS_INIT_PLUSPLUS() : lowbit_h.LB_KMEANS_INIT_RANDOM());
            lb_kmeans_options.tol(o, tol);
            lb_kmeans_options.seed(o, seed);
            MemorySegment c = call.allocate(ADDRESS), l = call.allocate(ADDRESS);
            MemorySegment objective = call.allocate(JAVA_DOUBLE), iterations = call.allocate(JAVA_INT), splits = call.allocate(JAVA_LONG);
            Native.check(lowbit_h.lb_kmeans_fit(points.address(), weights == null ? MemorySegment.NULL : weights.address(),
                    init == null ? MemorySegment.NULL : init.address(), o, c, l, objective, iterations, splits), "lb_kmeans_fit");
            return new Fit(Tensor.adopt(c.get(ADDRESS, 0)), Tensor.adopt(l.get(ADDRESS, 0)), objective.get(JAVA_DOUBLE, 0),
                    iterations.get(JAVA_INT, 0), splits.get(JAVA_LONG, 0));
        }
    }
}
