package dev.lowbit.bench;

import dev.lowbit.quant.method.vptq.KMeans;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Weighted k-means through the bindings on {@code -p device=cpu|cuda}, {@code -p shape=n:d:k}:
 * {@code assign} is the fused nearest-centroid pass; {@code lloydStep} is one fit iteration from fixed
 * centroids (assign, objective, deterministic weighted update, final assign). The GPU harness runs
 * shape=7340032:8:65536 (one Llama-3-8B MLP layer at v8).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
public class KmeansBenchmark {
    @Param({"cpu"})
    public String device;

    @Param({"65536:8:1024"})
    public String shape;

    private Tensor points;
    private Tensor weights;
    private Tensor centroids;
    private Device target;
    private int k;

    @Setup(Level.Trial)
    public void setUp() {
        String[] s = shape.split(":");
        int n = Integer.parseInt(s[0]), d = Integer.parseInt(s[1]);
        k = Integer.parseInt(s[2]);
        SplittableRandom random = new SplittableRandom(1);
        float[] p = new float[Math.multiplyExact(n, d)];
        for (int i = 0; i < p.length; i++) p[i] = (float) random.nextGaussian();
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) (0.5 + random.nextDouble());
        float[] c = new float[k * d];
        for (int i = 0; i < c.length; i++) c[i] = (float) random.nextGaussian();
        target = Device.parse(device);
        points = Tensor.of(p, target, n, d);
        weights = Tensor.of(w, target, n);
        centroids = Tensor.of(c, target, k, d);
    }

    @Benchmark
    public long assign() {
        try (Tensor labels = KMeans.assign(points, centroids)) {
            target.synchronize();
            return labels.address().address();
        }
    }

    @Benchmark
    public double lloydStep() {
        try (KMeans.Fit f = KMeans.fit(points, weights, centroids, k, 1, 0.0, KMeans.Init.RANDOM, 0)) {
            target.synchronize();
            return f.objective();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        points.close();
        weights.close();
        centroids.close();
    }
}
