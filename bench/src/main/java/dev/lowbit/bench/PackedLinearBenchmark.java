package dev.lowbit.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.export.GptqConfig;
import dev.lowbit.quant.export.GptqFormat;
import dev.lowbit.quant.export.GptqPacker;
import dev.lowbit.quant.export.GptqTensors;
import dev.lowbit.quant.method.rtn.QuantizedWeight;
import dev.lowbit.quant.method.rtn.RtnConfig;
import dev.lowbit.quant.method.rtn.RtnQuantizer;
import dev.lowbit.quant.tensor.DType;
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
 * Packed int2/3/4 matmul from the GPTQ layout against the plain linear of the same shape, in one run:
 * {@code packed} and {@code fp32Linear} on x [m, in] and a weight [out, in] (Llama shapes: 4096x4096,
 * 11008x4096, 28672x8192). On {@code -p device=cuda} the packed operands and x (f16) live on the GPU,
 * the baseline weight is f16 there (an fp16 linear), and every call is timed to completion. All calls run
 * on one engine thread with every core, as lowbit runs them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PackedLinearBenchmark {
    @Param({"cpu"})
    public String device;

    @Param({"4"})
    public int bits;

    @Param({"128"})
    public int group;

    @Param({"1"})
    public int m;

    @Param({"11008x4096"})
    public String shape;

    private Engine engine;
    private Tensor x;
    private Tensor weight;
    private GptqTensors packed;
    private Device target;
    private Tensor qweight;
    private Tensor qzeros;
    private Tensor scales;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        int out = Integer.parseInt(dims[0]);
        int in = Integer.parseInt(dims[1]);
        SplittableRandom random = new SplittableRandom(3);
        float[] w = new float[out * in];
        for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * 0.02);
        float[] xs = new float[m * in];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) random.nextGaussian();
        target = Device.parse(device);
        engine = new Engine();
        engine.run(() -> {
            weight = Tensor.of(w, out, in);
            x = Tensor.of(xs, m, in);
            RtnConfig rtn = RtnConfig.asymmetric(bits, group);
            try (QuantizedWeight q = RtnQuantizer.quantize(weight, rtn)) {
                packed = GptqPacker.pack(q, GptqConfig.of(rtn, GptqFormat.V2), "bench");
            }
            if (target.kind() == Device.Kind.CUDA) {
                qweight = packed.qweight().to(DType.I32, target);
                qzeros = packed.qzeros().to(DType.I32, target);
                scales = packed.scales().to(DType.F16, target);
                Tensor xd = x.to(DType.F16, target);
                Tensor wd = weight.to(DType.F16, target);
                x.close();
                weight.close();
                x = xd;
                weight = wd;
            } else {
                qweight = packed.qweight();
                qzeros = packed.qzeros();
                scales = packed.scales();
            }
        });
    }

    @Benchmark
    public long packed() {
        return engine.call(() -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment y = call.allocate(ADDRESS);
                Native.check(lowbit_h.lb_packed_linear(x.address(), qweight.address(), qzeros.address(),
                        scales.address(), bits, group, 0, y), "lb_packed_linear");
                try (Tensor out = Tensor.adopt(y.get(ADDRESS, 0))) {
                    target.synchronize(); // CUDA work is asynchronous: time it to completion
                    return out.address().address();
                }
            }
        });
    }

    @Benchmark
    public long fp32Linear() {
        return engine.call(() -> {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment y = call.allocate(ADDRESS);
                Native.check(lowbit_h.lb_linear(x.address(), weight.address(), y), "lb_linear");
                try (Tensor out = Tensor.adopt(y.get(ADDRESS, 0))) {
                    target.synchronize();
                    return out.address().address();
                }
            }
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.run(() -> {
            if (target.kind() == Device.Kind.CUDA) {
                qweight.close();
                qzeros.close();
                scales.close();
            }
            packed.close();
            x.close();
            weight.close();
        });
        engine.close();
    }
}
