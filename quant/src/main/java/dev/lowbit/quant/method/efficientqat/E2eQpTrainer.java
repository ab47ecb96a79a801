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

    /** Where and how often {@link #train} checkpoints; stopAfter > 0 stops (checkpointed) after that many steps. */
    record Checkpoints(E2eStateStore store, boolean resume, int every, long stopAfter) {
        static final Checkpoints NONE = new Checkpoints(null, false, 0, -1);
    }

    /**
     * teacher: the full-precision model's top-k for {@code windows} (KD), or null for next-token CE. With a store,
     * the state is saved every {@code every} steps (and at a stop); resume continues from the saved step with the
     * same learning-rate schedule and batches, so the result equals an uninterrupted run.
     */
    E2eQpResult train(E2eQpConfig config, TokenWindows windows, TeacherTopK teacher, TokenWindows val, BufferedWriter log,
                      ProgressListener progress, Checkpoints ck) throws IOException {
        long start = System.nanoTime();
        long total = config.steps();
        int perEpoch = config.samples() / config.batch();
        E2eStateStore.Restored restored = ck.store() != null && ck.resume() ? ck.store().load(this) : null;
        long startStep = restored != null ? restored.step() : 0;
        double valBefore = restored != null ? restored.valBefore() : evalLoss(val, config.batch());
        progress.start(String.format(Locale.ROOT, "E2E-QP (%s): %d steps of %d x %d tokens%s",
                teacher == null ? "next-token CE" : "KD from top-" + teacher.k(), total, config.batch(), config.seq(),
                startStep > 0 ? ", resumed at step " + (startStep + 1) : ""), total);
        Losses losses = new Losses();
        long step = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            for (int b = 0; b < perEpoch; b++, step++) {
                if (step < startStep) continue;
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
                long done = step + 1;
                boolean stop = ck.stopAfter() > 0 && done == ck.stopAfter() && done < total;
                boolean save = ck.store() != null && done < total && (stop || (ck.every() > 0 && done % ck.every() == 0));
                if (done % 16 == 0 || done == total || save) {
                    losses.log(takeLosses(16), epoch, log);
                    progress.advance(done);
                }
                if (save) {
                    log.flush();
                    ck.store().save(this, valBefore);
                }
                if (stop) {
                    progress.finish("stopped after step " + done + " (checkpoint " + ck.store().file() + ")");
                    return losses.result(valBefore, Double.NaN, (System.nanoTime() - start) / 1e9, total, true);
                }
            }
        }
        double valAfter = evalLoss(val, config.batch());
        log.write(String.format(Locale.ROOT, "{\"phase\":\"e2e_qp\",\"val_loss_before\":%.8g,\"val_loss_after\":%.8g}%n", valBefore, valAfter));
        log.flush();
        progress.finish(String.format(Locale.ROOT, "held-out loss %.4f -> %.4f", valBefore, valAfter));
        return losses.result(valBefore, valAfter, (System.nanoTime() - start) / 1e9, total, false);
    }

    /** The per-step losses of this run: written to the log, first and last 8 kept for the summary. */
    private final class Losses {
        private double firstSum;
        private int firstCount;
        private final double[] recent = new double[8];
        private long seen;

        void log(double[] values, int epoch, BufferedWriter log) throws IOException {
            long first = stateSize()[1] - values.length;  // optimizer step of values[0], 0-based
            for (int i = 0; i < values.length; i++) {
                double l = values[i];
                seen++;
                if (firstCount < 8) {
                    firstSum += l;
                    firstCount++;
                }
                recent[(int) ((seen - 1) % 8)] = l;
                log.write(String.format(Locale.ROOT, "{\"phase\":\"e2e_qp\",\"epoch\":%d,\"step\":%d,\"loss\":%.8g}%n", epoch,
                        first + i + 1, l));
            }
        }

        E2eQpResult result(double valBefore, double valAfter, double seconds, long total, boolean stopped) {
            int n = (int) Math.min(8, seen);
            double lastSum = 0;
            for (int i = 0; i < n; i++) lastSum += recent[i];
            return new E2eQpResult(firstSum / Math.max(1, firstCount), lastSum / Math.max(1, n), valBefore, valAfter, seconds,
                    total, stopped);
        }
    }

    /** {parameters, optimizer steps taken}. */
    long[] stateSize() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment count = call.allocate(JAVA_LONG), step = call.allocate(JAVA_LONG);
            Native.check(lowbit_h.lb_e2e_model_state_size(handle, count, step), "lb_e2e_model_state_size");
            return new long[] {count.get(JAVA_LONG, 0), step.get(JAVA_LONG, 0)};
        }
    }

    /** Parameter i's step sizes and AdamW moments, f32 [groups, out] on the CPU. */
    Tensor[] state(int index) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment s = call.allocate(ADDRESS), m = call.allocate(ADDRESS), v = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_e2e_model_get_state(handle, index, s, m, v), "lb_e2e_model_get_state");
            return new Tensor[] {Tensor.adopt(s.get(ADDRESS, 0)), Tensor.adopt(m.get(ADDRESS, 0)), Tensor.adopt(v.get(ADDRESS, 0))};
        }
    }

    void setState(int index, Tensor scales, Tensor expAvg, Tensor expAvgSq) {
        Native.check(lowbit_h.lb_e2e_model_set_state(handle, index, scales.address(), expAvg.address(), expAvgSq.address()),
                "lb_e2e_model_set_state");
    }

    void setStep(long step) {
        Native.check(lowbit_h.lb_e2e_model_set_step(handle, step), "lb_e2e_model_set_step");
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
