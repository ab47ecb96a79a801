package dev.lowbit.quant.method.rtn;

import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import dev.lowbit.quant.tensor.TensorMath;
import dev.lowbit.quant.tensor.TensorMath.SquaredError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RTN applied to every quantizable linear of a model: the relative reconstruction error per setting. */
public final class ReconstructionError {
    private ReconstructionError() {}

    public record Row(RtnConfig config, int linears, long weights, double relativeError) {}

    public static List<Row> measure(ModelConfig config, Checkpoint checkpoint, List<RtnConfig> settings, Device device,
                                    Engine engine, ProgressListener progress) {
        Map<RtnConfig, SquaredError> totals = new LinkedHashMap<>();
        settings.forEach(s -> totals.put(s, SquaredError.ZERO));
        int layers = config.numHiddenLayers();
        int linears = layers * Projection.values().length;
        long weights = 0;
        progress.start("RTN on " + linears + " linears", linears);
        int done = 0;
        for (int layer = 0; layer < layers; layer++) {
            for (Projection p : Projection.values()) {
                String name = p.weightName(layer);
                weights += checkpoint.info(name).elementCount();
                engine.run(() -> {
                    try (Tensor w = CheckpointTensors.load(checkpoint, name, device)) {
                        for (RtnConfig s : settings) {
                            try (QuantizedWeight q = RtnQuantizer.quantize(w, s)) {
                                totals.merge(s, TensorMath.squaredError(w, q.dequant()), SquaredError::plus);
                            }
                        }
                    }
                });
                progress.advance(++done);
            }
        }
        progress.finish("");
        long total = weights;
        return totals.entrySet().stream().map(e -> new Row(e.getKey(), linears, total, e.getValue().relative())).toList();
    }
}
