package dev.lowbit.quant.method.vptq;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.LlamaWeights;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.model.BlockWeightSource;
import dev.lowbit.quant.model.BlockWeights;
import dev.lowbit.quant.model.DecoderBlock;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams calibration windows through the full-precision model block by block (f32 compute), and
 * accumulates X^T X in f64 for the inputs of q/k/v, o, gate/up and down of every layer.
 */
public final class HessianCollector {
    private HessianCollector() {}

    public static Hessians collect(Path model, TokenWindows windows, int batch, Device device, Engine engine,
                                   ProgressListener progress) throws IOException {
        if (batch <= 0) throw new IllegalArgumentException("batch must be > 0, got " + batch);
        ModelConfig config = ModelConfig.load(model);
        if (config.isQuantized()) throw new IllegalArgumentException(model + " is already quantized; give the full-precision model");
        int layers = config.numHiddenLayers();
        Hessians out = new Hessians(layers, windows.rows() + " windows x " + windows.seq() + " tokens");
        try (Checkpoint checkpoint = Checkpoint.open(model)) {
            config.weights().validateAgainst(checkpoint);
            BlockWeightSource source = BlockWeightSource.of(config, checkpoint);
            engine.call(() -> {
                progress.start("collecting Hessians over " + layers + " layers (" + out.description() + ")", layers);
                List<Tensor> hidden = embed(checkpoint, windows, batch, device);
                try {
                    for (int layer = 0; layer < layers; layer++) {
                        runLayer(config, source, layer, hidden, device, out);
                        progress.advance(layer + 1);
                    }
                } finally {
                    hidden.forEach(Tensor::close);
                }
                progress.finish("");
                return null;
            });
        }
        return out;
    }

    private static List<Tensor> embed(Checkpoint checkpoint, TokenWindows windows, int batch, Device device) {
        List<Tensor> hidden = new ArrayList<>();
        int seq = windows.seq();
        try (Tensor table = CheckpointTensors.load(checkpoint, LlamaWeights.EMBED_TOKENS, Device.CPU);
             Arena call = Arena.ofConfined()) {
            for (int first = 0; first < windows.rows(); first += batch) {
                int rows = Math.min(batch, windows.rows() - first);
                MemorySegment data = call.allocate(JAVA_INT, (long) rows * seq);
                MemorySegment.copy(windows.tokens(), first * seq, data, JAVA_INT, 0, rows * seq);
                try (Tensor ids = Tensor.fromHost(data, DType.I32, new long[] {rows, seq}, Device.CPU)) {
                    MemorySegment out = call.allocate(ADDRESS);
                    Native.check(lowbit_h.lb_embedding(table.address(), ids.address(), DType.F32.code(), deviceType(device),
                            device.index(), out), "lb_embedding");
                    hidden.add(Tensor.adopt(out.get(ADDRESS, 0)));
                }
            }
        } catch (RuntimeException | Error e) {
            hidden.forEach(Tensor::close);
            throw e;
        }
        return hidden;
    }

    private static void runLayer(ModelConfig config, BlockWeightSource source, int layer, List<Tensor> hidden, Device device,
                                 Hessians out) {
        DecoderBlock block;
        try (BlockWeights weights = source.load(layer, device)) {
            block = DecoderBlock.create(config, DType.F32, weights, device);
        }
        try (block; Arena call = Arena.ofConfined()) {
            MemorySegment handle = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_hessians_create(handle), "lb_hessians_create");
            MemorySegment hessians = handle.get(ADDRESS, 0);
            try {
                for (int j = 0; j < hidden.size(); j++) {
                    Tensor next = block.forwardWithHessians(hidden.get(j), hessians);
                    hidden.set(j, next).close();
                }
                for (HessianKind kind : HessianKind.values()) {
                    MemorySegment h = call.allocate(ADDRESS);
                    MemorySegment tokens = call.allocate(JAVA_LONG);
                    Native.check(lowbit_h.lb_hessians_get(hessians, kind.ordinal(), h, tokens), "lb_hessians_get");
                    try (Tensor t = Tensor.adopt(h.get(ADDRESS, 0))) {
                        out.put(layer, kind, Math.toIntExact(t.shape()[0]), t.toFloatArray());
                    }
                }
            } finally {
                lowbit_h.lb_hessians_free(hessians);
            }
        }
    }

    static int deviceType(Device device) {
        return device.kind() == Device.Kind.CUDA ? lowbit_h.LB_DEVICE_CUDA() : lowbit_h.LB_DEVICE_CPU();
    }
}
