package dev.lowbit.quant.method.efficientqat;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lowbit.bindings.lb_llama_block_weights;
import dev.lowbit.bindings.lb_llama_config;
import dev.lowbit.bindings.lb_qat_options;
import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.model.BlockWeights;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One fake-quantized decoder layer in Block-AP training (an {@code lb_qat_block}). Use it on the engine
 * thread that created it.
 */
public final class QatBlock implements AutoCloseable {
    /** The three tensors of one trained linear: codes u8 [out, in], scales and zeros f32 [out, groups]. */
    public record Linear(Tensor codes, Tensor scales, Tensor zeros) implements AutoCloseable {
        @Override
        public void close() {
            codes.close();
            scales.close();
            zeros.close();
        }
    }

    private MemorySegment handle;

    private QatBlock(MemorySegment handle) {
        this.handle = handle;
    }

    public static QatBlock create(ModelConfig config, BlockWeights weights, EfficientQatConfig qat, Device device) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment c = lb_llama_config.allocate(call);
            lb_llama_config.struct_size(c, lb_llama_config.sizeof());
            lb_llama_config.hidden_size(c, config.hiddenSize());
            lb_llama_config.intermediate_size(c, config.intermediateSize());
            lb_llama_config.num_heads(c, config.numAttentionHeads());
            lb_llama_config.num_kv_heads(c, config.numKeyValueHeads());
            lb_llama_config.head_dim(c, config.headDim());
            lb_llama_config.rope_theta(c, config.ropeTheta());
            lb_llama_config.rms_norm_eps(c, config.rmsNormEps());
            lb_llama_config.compute_dtype(c, qat.computeDType().code());
            MemorySegment w = lb_llama_block_weights.allocate(call);
            writeWeights(weights, w);
            MemorySegment o = lb_qat_options.allocate(call);
            lb_qat_options.struct_size(o, lb_qat_options.sizeof());
            lb_qat_options.bits(o, qat.bits());
            lb_qat_options.group_size(o, qat.groupSize());
            lb_qat_options.loss_scale(o, 65536.0);
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_qat_block_create(c, w, o, device.kind() == Device.Kind.CUDA ? lowbit_h.LB_DEVICE_CUDA() : lowbit_h.LB_DEVICE_CPU(),
                    device.index(), out), "lb_qat_block_create");
            return new QatBlock(out.get(ADDRESS, 0));
        }
    }

    private static void writeWeights(BlockWeights b, MemorySegment s) {
        lb_llama_block_weights.struct_size(s, lb_llama_block_weights.sizeof());
        lb_llama_block_weights.input_norm(s, b.inputNorm().address());
        lb_llama_block_weights.post_attention_norm(s, b.postAttentionNorm().address());
        lb_llama_block_weights.q_proj(s, b.linears().get(Projection.Q).address());
        lb_llama_block_weights.k_proj(s, b.linears().get(Projection.K).address());
        lb_llama_block_weights.v_proj(s, b.linears().get(Projection.V).address());
        lb_llama_block_weights.o_proj(s, b.linears().get(Projection.O).address());
        lb_llama_block_weights.gate_proj(s, b.linears().get(Projection.GATE).address());
        lb_llama_block_weights.up_proj(s, b.linears().get(Projection.UP).address());
        lb_llama_block_weights.down_proj(s, b.linears().get(Projection.DOWN).address());
        if (!b.biases().isEmpty()) {
            throw new UnsupportedOperationException("EfficientQAT: linear biases (" + b.biases().keySet() + ") are not supported yet");
        }
        lb_llama_block_weights.q_bias(s, MemorySegment.NULL);
        lb_llama_block_weights.k_bias(s, MemorySegment.NULL);
        lb_llama_block_weights.v_bias(s, MemorySegment.NULL);
        lb_llama_block_weights.o_bias(s, MemorySegment.NULL);
    }

    /** One AdamW step on rows [firstRow, firstRow + rows); the loss is queued (see {@link #takeLosses}). */
    public void trainStep(Tensor inputs, Tensor targets, long firstRow, long rows, double lrW, double lrQ) {
        Native.check(lowbit_h.lb_qat_block_train_step(handle(), inputs.address(), targets.address(), firstRow, rows, lrW, lrQ),
                "lb_qat_block_train_step");
    }

    /** The queued losses in step order (waits for the device); fails naming the step of a non-finite loss. */
    public double[] takeLosses(int capacity) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment losses = call.allocate(JAVA_DOUBLE, Math.max(1, capacity));
            MemorySegment count = call.allocate(JAVA_LONG);
            Native.check(lowbit_h.lb_qat_block_take_losses(handle(), losses, capacity, count), "lb_qat_block_take_losses");
            long n = count.get(JAVA_LONG, 0);
            return losses.asSlice(0, n * Double.BYTES).toArray(JAVA_DOUBLE);
        }
    }

    public double evalLoss(Tensor inputs, Tensor targets, long firstRow, long rows) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment loss = call.allocate(JAVA_DOUBLE);
            Native.check(lowbit_h.lb_qat_block_eval_loss(handle(), inputs.address(), targets.address(), firstRow, rows, loss),
                    "lb_qat_block_eval_loss");
            return loss.get(JAVA_DOUBLE, 0);
        }
    }

    /** The fake-quantized block on rows [firstRow, firstRow + rows), no gradients (compute dtype, block's device). */
    public Tensor forward(Tensor inputs, long firstRow, long rows) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_qat_block_forward(handle(), inputs.address(), firstRow, rows, out), "lb_qat_block_forward");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    public Linear export(Projection p) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment c = call.allocate(ADDRESS), s = call.allocate(ADDRESS), z = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_qat_block_export_linear(handle(), p.ordinal(), c, s, z), "lb_qat_block_export_linear");
            return new Linear(Tensor.adopt(c.get(ADDRESS, 0)), Tensor.adopt(s.get(ADDRESS, 0)), Tensor.adopt(z.get(ADDRESS, 0)));
        }
    }

    public void load(Projection p, Tensor weight, Tensor scales, Tensor zeros) {
        Native.check(lowbit_h.lb_qat_block_load_linear(handle(), p.ordinal(), weight.address(), scales.address(), zeros.address()),
                "lb_qat_block_load_linear");
    }

    /** [input_norm, post_attention_norm], f32. */
    public Tensor[] norms() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment a = call.allocate(ADDRESS), b = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_qat_block_norms(handle(), a, b), "lb_qat_block_norms");
            return new Tensor[] {Tensor.adopt(a.get(ADDRESS, 0)), Tensor.adopt(b.get(ADDRESS, 0))};
        }
    }

    private MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("QAT block was closed");
        return handle;
    }

    @Override
    public void close() {
        if (handle != null) {
            lowbit_h.lb_qat_block_free(handle);
            handle = null;
        }
    }
}
