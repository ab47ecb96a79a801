package dev.lowbit.quant.export;

import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.method.rtn.QuantizedWeight;
import dev.lowbit.quant.method.rtn.RtnConfig;
import dev.lowbit.quant.method.rtn.RtnQuantizer;
import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every decoder linear of a model folder quantized with RTN, kept for export and for the expected values. */
final class RtnQuantizedModel implements AutoCloseable {
    record Key(int layer, Projection projection) {}

    final ModelConfig config;
    final RtnConfig rtn;
    final Map<Key, QuantizedWeight> weights = new LinkedHashMap<>();

    RtnQuantizedModel(Path folder, RtnConfig rtn, Device device) throws IOException {
        this.config = ModelConfig.load(folder);
        this.rtn = rtn;
        try (Checkpoint checkpoint = Checkpoint.open(folder)) {
            for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
                for (Projection p : Projection.values()) {
                    try (Tensor w = CheckpointTensors.load(checkpoint, p.weightName(layer), device)) {
                        weights.put(new Key(layer, p), RtnQuantizer.quantize(w, rtn));
                    }
                }
            }
        }
    }

    QuantizedWeight get(int layer, Projection p) {
        return weights.get(new Key(layer, p));
    }

    void addTo(GptqCheckpointWriter writer) {
        weights.forEach((k, q) -> writer.add(k.layer(), k.projection(), q));
    }

    /** (q - z) * s with s rounded to f16 as the GPTQ checkpoint stores it, in f32 as every reader computes it. */
    static float[] dequantWithF16Scales(QuantizedWeight q) {
        long[] shape = q.codes().shape();
        int out = (int) shape[0];
        int in = (int) shape[1];
        int groups = (int) q.scales().shape()[1];
        int group = in / groups;
        byte[] codes = q.codes().toByteArray();
        float[] scales = q.scales().toFloatArray();
        float[] zeros = q.zeros().toFloatArray();
        float[] w = new float[out * in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                int g = o * groups + i / group;
                float s = Float.float16ToFloat(Float.floatToFloat16(scales[g]));
                w[o * in + i] = ((codes[o * in + i] & 0xFF) - (int) zeros[g]) * s;
            }
        }
        return w;
    }

    @Override
    public void close() {
        weights.values().forEach(QuantizedWeight::close);
    }
}
