package dev.lowbit.quant.method.efficientqat;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lowbit.bindings.lb_llama_config;
import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.LowbitException;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.io.Checkpoint;
import dev.lowbit.quant.io.LlamaWeights;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Map;

/** E2E-QP over the Block-AP result: trains the step sizes of every quantized linear (an {@code lb_e2e_model}). */
final class E2eQpTrainer implements AutoCloseable {
    private MemorySegment handle;
    private final int layers;

    E2eQpTrainer(ModelConfig mc, Checkpoint checkpoint, BlockStateStore store, EfficientQatConfig qat, Device device) {
        this.layers = mc.numHiddenLayers();
        try (Arena call = Arena.ofConfined();
             Tensor embed = CheckpointTensors.load(checkpoint, LlamaWeights.EMBED_TOKENS, Device.CPU);
             Tensor norm = CheckpointTensors.load(checkpoint, LlamaWeights.FINAL_NORM, Device.CPU);
             Tensor head = CheckpointTensors.load(checkpoint, mc.tieWordEmbeddings() ? LlamaWeights.EMBED_TOKENS : LlamaWeights.LM_HEAD,
                     Device.CPU)) {
            MemorySegment c = lb_llama_config.allocate(call);
            lb_llama_config.struct_size(c, lb_llama_config.sizeof());
            lb_llama_config.hidden_size(c, mc.hiddenSize());
            lb_llama_config.intermediate_size(c, mc.intermediateSize());
            lb_llama_config.num_heads(c, mc.numAttentionHeads());
            lb_llama_config.num_kv_heads(c, mc.numKeyValueHeads());
            lb_llama_config.head_dim(c, mc.headDim());
            lb_llama_config.rope_theta(c, mc.ropeTheta());
            lb_llama_config.rms_norm_eps(c, mc.rmsNormEps());
            lb_llama_config.compute_dtype(c, qat.computeDType().code());
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_e2e_model_create(c, embed.address(), norm.address(), head.address(), qat.bits(), qat.groupSize(),
                    device.kind() == Device.Kind.CUDA ? lowbit_h.LB_DEVICE_CUDA() : lowbit_h.LB_DEVICE_CPU(), device.index(), out),
                    "lb_e2e_model_create");
            handle = out.get(ADDRESS, 0);
        }
        try {
            for (int layer = 0; layer < layers; layer++) addBlock(store.load(layer));
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private void addBlock(Map<String, Tensor> saved) {
        try (Arena call = Arena.ofConfined()) {
            int n = Projection.values().length;
            MemorySegment codes = call.allocate(ADDRESS, n), scales = call.allocate(ADDRESS, n), zeros = call.allocate(ADDRESS, n);
            for (Projection p : Projection.values()) {
                codes.setAtIndex(ADDRESS, p.ordinal(), saved.get(p.name() + ".codes").address());
                scales.setAtIndex(ADDRESS, p.ordinal(), saved.get(p.name() + ".scales").address());
                zeros.setAtIndex(ADDRESS, p.ordinal(), saved.get(p.name() + ".zeros").address());
            }
            Native.check(lowbit_h.lb_e2e_model_add_block(handle, saved.get("input_norm").address(),
                    saved.get("post_attention_norm").address(), codes, scales, zeros), "lb_e2e_model_add_block");
        } finally {
            saved.values().forEach(Tensor::close);
        }
    }

    private static Tensor ids(TokenWindows w, int first, int rows) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment data = call.allocate(JAVA_INT, (long) rows * w.seq());
            MemorySegment.copy(w.tokens(), first * w.seq(), data, JAVA_INT, 0, rows * w.seq());
            return Tensor.fromHost(data, DType.I32, new long[] {rows, w.seq()}, Device.CPU);
        }
    }

    private double evalLoss(TokenWindows val, int batch) {
        double sum = 0;
        int rows = 0;
        for (int r = 0; r < val.rows(); r += batch) {
            int n = Math.min(batch, val.rows() - r);
            try (Arena call = Arena.ofConfined(); Tensor t = ids(val, r, n)) {
                MemorySegment loss = call.allocate(JAVA_DOUBLE);
                Native.check(lowbit_h.lb_e2e_model_eval_loss(handle, t.address(), loss), "lb_e2e_model_eval_loss");
                sum += loss.get(JAVA_DOUBLE, 0) * n;
                rows += n;
            }
        }
        return rows == 0 ? Double.NaN : sum / rows;
    }

    /** teacher: the full-precision model's top-k for {@code windows} (KD), or null for next-token CE. */
    E2eQpResult train(E2eQpConfig config, TokenWindows windows, TeacherTopK teacher, TokenWindows val, BufferedWriter log,
                      ProgressListener progress) throws IOException {
        long start = System.nanoTime();
        long total = config.steps();
        int perEpoch = config.samples() / config.batch();
        double valBefore = evalLoss(val, config.batch());
        progress.start(String.format(Locale.ROOT, "E2E-QP (%s): %d steps of %d x %d tokens",
                teacher == null ? "next-token CE" : "KD from top-" + teacher.k(), total, config.batch(), config.seq()), total);
        double firstSum = 0, lastSum = 0;
        int firstCount = 0;
        double[] recent = new double[8];
        long seen = 0, step = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            for (int b = 0; b < perEpoch; b++, step++) {
                double lr = config.lrAt(step);
                try (Tensor t = ids(windows, b * config.batch(), config.batch())) {
                    if (teacher == null) {
                        Native.check(lowbit_h.lb_e2e_model_train_step(handle, t.address(), lr, config.maxGradNorm()),
                                "lb_e2e_model_train_step");
                    } else {
                        Tensor[] top = teacher.batch(b * config.batch(), config.batch());
                        try (Tensor ids = top[0]; Tensor lp = top[1]) {
                            Native.check(lowbit_h.lb_e2e_model_train_step_kd(handle, t.address(), ids.address(), lp.address(),
                                    config.kdHardWeight(), lr, config.maxGradNorm()), "lb_e2e_model_train_step_kd");
                        }
                    }
                }
                if ((step + 1) % 16 == 0 || step + 1 == total) {
                    for (double l : takeLosses(16)) {
                        seen++;
                        if (firstCount < 8) {
                            firstSum += l;
                            firstCount++;
                        }
                        recent[(int) ((seen - 1) % 8)] = l;
                        log.write(String.format(Locale.ROOT, "{\"phase\":\"e2e_qp\",\"epoch\":%d,\"step\":%d,\"loss\":%.8g}%n", epoch, seen, l));
                    }
                    progress.advance(step + 1);
                }
            }
        }
        double valAfter = evalLoss(val, config.batch());
        log.write(String.format(Locale.ROOT, "{\"phase\":\"e2e_qp\",\"val_loss_before\":%.8g,\"val_loss_after\":%.8g}%n", valBefore, valAfter));
        log.flush();
        int n = (int) Math.min(8, seen);
        for (int i = 0; i < n; i++) lastSum += recent[i];
        progress.finish(String.format(Locale.ROOT, "held-out loss %.4f -> %.4f", valBefore, valAfter));
        return new E2eQpResult(firstSum / Math.max(1, firstCount), lastSum / Math.max(1, n), valBefore, valAfter,
                (System.nanoTime() - start) / 1e9, total);
    }

    private double[] takeLosses(int capacity) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment losses = call.allocate(JAVA_DOUBLE, capacity);
            MemorySegment count = call.allocate(JAVA_LONG);
            try {
                Native.check(lowbit_h.lb_e2e_model_take_losses(handle, losses, capacity, count), "lb_e2e_model_take_losses");
            } catch (LowbitException e) {
                throw new LowbitException(e.status(), e.getMessage());
            }
            return losses.asSlice(0, count.get(JAVA_LONG, 0) * Double.BYTES).toArray(JAVA_DOUBLE);
        }
    }

    /** Trained scales f32 [out, groups] (CPU) of one linear. */
    Tensor scales(int layer, Projection p) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_e2e_model_scales(handle, layer, p.ordinal(), out), "lb_e2e_model_scales");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    int layers() {
        return layers;
    }

    @Override
    public void close() {
        if (handle != null) {
            lowbit_h.lb_e2e_model_free(handle);
            handle = null;
        }
    }
}
