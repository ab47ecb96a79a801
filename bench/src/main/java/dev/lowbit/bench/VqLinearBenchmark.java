package dev.lowbit.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.lowbit.bindings.lb_vq_weights;
import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
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
 * VQ lookup matmul (lb_vq_linear) on random VPTQ-format weights of a Llama shape [out x in], one group,
 * no residual, 1% outlier columns (v0 4, k0 4096), permutation and per-column scale/bias: the ~2-bit
 * settings v8/k4096 and v6/k4096 ({@code setting = v:k}). CPU x is f32, CUDA x f16; timed to completion.
 * {@code banked = true} (CUDA, v8): the weights carry lb_vq_bank_indices' slots, computed once in the setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class VqLinearBenchmark {
    @Param({"cpu"})
    public String device;

    @Param({"8:4096"})
    public String setting;

    @Param({"1"})
    public int m;

    @Param({"11008x4096"})
    public String shape;

    @Param({"false"})
    public boolean banked;

    private Device target;
    private Arena arena;
    private MemorySegment weights;
    private Tensor x;
    private Tensor[] owned;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        long out = Long.parseLong(dims[0]);
        long in = Long.parseLong(dims[1]);
        String[] s = setting.split(":");
        int v = Integer.parseInt(s[0]);
        int k = Integer.parseInt(s[1]);
        int bitsPerIndex = Integer.numberOfTrailingZeros(k);
        long outliers = in / 100;
        int v0 = 4;
        int k0 = 4096;
        long groupSize = in - outliers;
        long vectorRows = (out + v - 1) / v;
        long rowWords = (groupSize * bitsPerIndex + 31) / 32;
        long outlierRows = (out + v0 - 1) / v0;
        target = Device.parse(device);
        arena = Arena.ofShared();
        SplittableRandom random = new SplittableRandom(7);

        Tensor centroids = f16(random, 1, (long) k * v);
        MemorySegment idx = arena.allocate(JAVA_INT, vectorRows * rowWords);
        for (long i = 0; i < vectorRows * rowWords; i++) idx.setAtIndex(JAVA_INT, i, random.nextInt());
        Tensor indices = Tensor.fromHost(idx, DType.I32, new long[] {1, vectorRows, rowWords}, target);
        Tensor outlierCentroids = f16(random, 1, (long) k0 * v0);
        MemorySegment oidx = arena.allocate(JAVA_SHORT, outlierRows * outliers);
        for (long i = 0; i < outlierRows * outliers; i++) oidx.setAtIndex(JAVA_SHORT, i, (short) random.nextInt(k0));
        Tensor outlierIndices = Tensor.fromHost(oidx, DType.I16, new long[] {1, outlierRows, outliers}, target);
        MemorySegment perm = arena.allocate(JAVA_SHORT, in);
        int[] p = new int[(int) in];
        for (int i = 0; i < p.length; i++) p[i] = i;
        for (int i = p.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        for (int i = 0; i < p.length; i++) perm.setAtIndex(JAVA_SHORT, i, (short) p[i]);
        Tensor permT = Tensor.fromHost(perm, DType.I16, new long[] {in}, target);
        Tensor scale = f16(random, in);
        Tensor bias = f16(random, in);
        owned = new Tensor[] {centroids, indices, outlierCentroids, outlierIndices, permT, scale, bias};

        weights = lb_vq_weights.allocate(arena);
        lb_vq_weights.struct_size(weights, lb_vq_weights.sizeof());
        lb_vq_weights.out_features(weights, out);
        lb_vq_weights.in_features(weights, in);
        lb_vq_weights.vector_len(weights, v);
        lb_vq_weights.num_centroids(weights, k);
        lb_vq_weights.num_res_centroids(weights, -1);
        lb_vq_weights.outlier_vector_len(weights, v0);
        lb_vq_weights.num_outlier_centroids(weights, k0);
        lb_vq_weights.group_num(weights, 1);
        lb_vq_weights.group_size(weights, groupSize);
        lb_vq_weights.outlier_size(weights, outliers);
        lb_vq_weights.centroids(weights, centroids.address());
        lb_vq_weights.res_centroids(weights, MemorySegment.NULL);
        lb_vq_weights.indices(weights, indices.address());
        lb_vq_weights.outlier_centroids(weights, outlierCentroids.address());
        lb_vq_weights.outlier_indices(weights, outlierIndices.address());
        lb_vq_weights.perm(weights, permT.address());
        lb_vq_weights.weight_scale(weights, scale.address());
        lb_vq_weights.weight_bias(weights, bias.address());
        lb_vq_weights.bias(weights, MemorySegment.NULL);
        if (banked) {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment slots = call.allocate(ADDRESS);
                Native.check(lowbit_h.lb_vq_bank_indices(weights, slots), "lb_vq_bank_indices");
                Tensor bankIndices = Tensor.adopt(slots.get(ADDRESS, 0));
                owned = Arrays.copyOf(owned, owned.length + 1);
                owned[owned.length - 1] = bankIndices;
                lb_vq_weights.bank_indices(weights, bankIndices.address());
            }
        }

        float[] xs = new float[(int) (m * in)];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) random.nextGaussian();
        try (Tensor host = Tensor.of(xs, m, in)) {
            x = host.to(target.kind() == Device.Kind.CUDA ? DType.F16 : DType.F32, target);
        }
    }

    private Tensor f16(SplittableRandom random, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        float[] values = new float[(int) n];
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
        try (Tensor host = Tensor.of(values, shape)) {
            return host.to(DType.F16, target);
        }
    }

    @Benchmark
    public long vqLinear() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment y = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_vq_linear(x.address(), weights, y), "lb_vq_linear");
            try (Tensor out = Tensor.adopt(y.get(ADDRESS, 0))) {
                target.synchronize();
                return out.address().address();
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        for (Tensor t : owned) t.close();
        arena.close();
    }
}
