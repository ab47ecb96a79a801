package dev.lowbit.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * The QAT kernels per training step: EfficientQAT fake-quant forward and backward on a Llama weight
 * [out x in] (f32, group 128, 4 bits), and the block reconstruction loss + gradient on a block output
 * [batch 4, seq 2048, hidden] (f32). Timed to completion on CUDA ({@code -p device=cuda}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class QatKernelsBenchmark {
    @Param({"cpu"})
    public String device;

    @Param({"4096x4096"})
    public String shape;

    @Param({"4096"})
    public int hidden;

    private static final int BITS = 4;
    private static final int GROUP = 128;

    private Device target;
    private Tensor w;
    private Tensor scales;
    private Tensor zeros;
    private Tensor grad;
    private Tensor a;
    private Tensor b;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        int out = Integer.parseInt(dims[0]);
        int in = Integer.parseInt(dims[1]);
        target = Device.parse(device);
        SplittableRandom random = new SplittableRandom(5);
        w = Tensor.of(gaussian(random, (long) out * in, 0.02), target, out, in);
        float[] s = new float[out * (in / GROUP)];
        float[] z = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = 0.004f + 0.001f * (float) random.nextDouble();
            z[i] = 7.0f + (float) random.nextDouble();
        }
        scales = Tensor.of(s, target, out, in / GROUP);
        zeros = Tensor.of(z, target, out, in / GROUP);
        grad = Tensor.of(gaussian(random, (long) out * in, 1.0), target, out, in);
        long tokens = 4L * 2048;
        a = Tensor.of(gaussian(random, tokens * hidden, 1.0), target, 4, 2048, hidden);
        b = Tensor.of(gaussian(random, tokens * hidden, 1.0), target, 4, 2048, hidden);
    }

    private static float[] gaussian(SplittableRandom random, long n, double sigma) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (random.nextGaussian() * sigma);
        return v;
    }

    @Benchmark
    public long fakeQuantForward() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_fake_quant_forward(w.address(), scales.address(), zeros.address(), BITS, GROUP, out),
                    "lb_fake_quant_forward");
            try (Tensor t = Tensor.adopt(out.get(ADDRESS, 0))) {
                target.synchronize();
                return t.address().address();
            }
        }
    }

    @Benchmark
    public long fakeQuantBackward() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment gw = call.allocate(ADDRESS);
            MemorySegment gs = call.allocate(ADDRESS);
            MemorySegment gz = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_fake_quant_backward(w.address(), scales.address(), zeros.address(), BITS, GROUP,
                    grad.address(), gw, gs, gz), "lb_fake_quant_backward");
            try (Tensor t1 = Tensor.adopt(gw.get(ADDRESS, 0));
                    Tensor t2 = Tensor.adopt(gs.get(ADDRESS, 0));
                    Tensor t3 = Tensor.adopt(gz.get(ADDRESS, 0))) {
                target.synchronize();
                return t1.address().address() ^ t2.address().address() ^ t3.address().address();
            }
        }
    }

    @Benchmark
    public double reconLoss() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment loss = call.allocate(JAVA_DOUBLE);
            MemorySegment g = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_recon_loss(a.address(), b.address(), loss, g), "lb_recon_loss");
            try (Tensor t = Tensor.adopt(g.get(ADDRESS, 0))) {
                target.synchronize();
                return loss.get(JAVA_DOUBLE, 0);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {w, scales, zeros, grad, a, b}) t.close();
    }
}
