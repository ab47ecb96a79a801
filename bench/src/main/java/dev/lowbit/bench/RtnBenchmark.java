package dev.lowbit.bench;

import dev.lowbit.quant.method.rtn.QuantizedWeight;
import dev.lowbit.quant.method.rtn.RtnConfig;
import dev.lowbit.quant.method.rtn.RtnQuantizer;
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
 * Group-wise RTN quantization of a Llama-2-7B MLP weight (11008 x 4096) through the bindings, on the
 * device given by {@code -p device=cpu|cuda}. Native call + result handles; no host copies are timed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RtnBenchmark {
    @Param({"cpu"})
    public String device;

    @Param({"4:128", "3:128", "2:64"})
    public String setting;

    @Param({"11008x4096"})
    public String shape;

    private Tensor weight;
    private RtnConfig config;
    private Device target;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        int rows = Integer.parseInt(dims[0]);
        int cols = Integer.parseInt(dims[1]);
        float[] w = new float[rows * cols];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < w.length; i++) w[i] = (float) (random.nextGaussian() * 0.02);
        target = Device.parse(device);
        weight = Tensor.of(w, target, rows, cols);
        String[] s = setting.split(":");
        config = RtnConfig.asymmetric(Integer.parseInt(s[0]), Long.parseLong(s[1]));
    }

    @Benchmark
    public long quantize() {
        try (QuantizedWeight q = RtnQuantizer.quantize(weight, config)) {
            target.synchronize(); // CUDA work is asynchronous: time it to completion
            return q.codes().address().address();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        weight.close();
    }
}
