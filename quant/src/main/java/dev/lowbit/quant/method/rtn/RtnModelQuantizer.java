package dev.lowbit.quant.method.rtn;

import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.export.FakeQuantCheckpointWriter;
import dev.lowbit.quant.export.GptqCheckpointWriter;
import dev.lowbit.quant.export.GptqConfig;
import dev.lowbit.quant.export.GptqFormat;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import dev.lowbit.quant.tensor.TensorMath;
import dev.lowbit.quant.tensor.TensorMath.SquaredError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Round-to-nearest over every decoder linear of a model, written as a GPTQ-packed or fake-quant checkpoint. */
public final class RtnModelQuantizer {
    /** How the result is stored. */
    public enum Format { GPTQ, FAKE }

    public record Result(Path output, List<Path> files, int linears, double relativeError, double seconds) {}

    private final RtnConfig config;
    private final Format format;
    private final GptqFormat zeroConvention;

    public RtnModelQuantizer(RtnConfig config, Format format, GptqFormat zeroConvention) {
        this.config = config;
        this.format = format;
        this.zeroConvention = zeroConvention;
    }

    public Result quantize(Path model, Path out, Device device, Engine engine, ProgressListener progress) throws IOException {
        long start = System.nanoTime();
        ModelConfig mc = ModelConfig.load(model);
        if (mc.isQuantized()) throw new IllegalArgumentException(model + " is already quantized; give the full-precision model");
        int layers = mc.numHiddenLayers();
        int linears = layers * Projection.values().length;
        SquaredError total = SquaredError.ZERO;
        try (Checkpoint checkpoint = Checkpoint.open(model);
             Sink sink = format == Format.GPTQ ? new GptqSink(model, GptqConfig.of(config, zeroConvention)) : new FakeSink(model)) {
            mc.weights().validateAgainst(checkpoint);
            progress.start("quantizing " + linears + " linears (RTN " + config.label() + ")", linears);
            int done = 0;
            for (int layer = 0; layer < layers; layer++) {
                for (Projection p : Projection.values()) {
                    int l = layer;
                    total = total.plus(engine.call(() -> {
                        try (Tensor w = CheckpointTensors.load(checkpoint, p.weightName(l), device);
                             QuantizedWeight q = RtnQuantizer.quantize(w, config)) {
                            sink.add(l, p, q);
                            return TensorMath.squaredError(w, q.dequant());
                        }
                    }));
                    progress.advance(++done);
                }
            }
            progress.finish("");
            List<Path> files = engine.call(() -> sink.write(out));
            return new Result(out, files, linears, total.relative(), (System.nanoTime() - start) / 1e9);
        }
    }

    private interface Sink extends AutoCloseable {
        void add(int layer, Projection p, QuantizedWeight q);

        List<Path> write(Path out) throws IOException;

        @Override
        void close();
    }

    private record GptqSink(GptqCheckpointWriter writer) implements Sink {
        GptqSink(Path model, GptqConfig config) throws IOException {
            this(new GptqCheckpointWriter(model, config));
        }

        public void add(int layer, Projection p, QuantizedWeight q) {
            writer.add(layer, p, q);
        }

        public List<Path> write(Path out) throws IOException {
            return writer.write(out);
        }

        public void close() {
            writer.close();
        }
    }

    private record FakeSink(FakeQuantCheckpointWriter writer) implements Sink {
        FakeSink(Path model) throws IOException {
            this(new FakeQuantCheckpointWriter(model));
        }

        public void add(int layer, Projection p, QuantizedWeight q) {
            writer.add(layer, p, q.dequant());
        }

        public List<Path> write(Path out) throws IOException {
            return writer.write(out);
        }

        public void close() {
            writer.close();
        }
    }
}
