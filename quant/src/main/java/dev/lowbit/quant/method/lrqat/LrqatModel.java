package dev.lowbit.quant.method.lrqat;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lowbit.bindings.lb_llama_block_weights;
import dev.lowbit.bindings.lb_llama_config;
import dev.lowbit.bindings.lb_lrqat_options;
import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.io.LlamaWeights;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.io.TensorSource;
import dev.lowbit.quant.model.BlockWeightSource;
import dev.lowbit.quant.model.BlockWeights;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.CheckpointTensors;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The native LR-QAT model ({@code lb_lrqat_model}): frozen embeddings, norms and lm_head, and every decoder
 * linear as a frozen down-cast Phi0 plus trainable A, B and scales. Use it on one engine thread.
 */
public final class LrqatModel implements AutoCloseable {
    /** The loss and the gradient norm (before clipping) of one step. */
    public record StepStats(double loss, double gradNorm) {}

    /** A merged linear: GPTQ codes U8 [out, in], scales and zeros F32 [out, groups]. */
    public record Merged(Tensor codes, Tensor scales, Tensor zeros) implements AutoCloseable {
        @Override
        public void close() {
            codes.close();
            scales.close();
            zeros.close();
        }
    }

    private MemorySegment handle;
    private final ModelConfig config;
    private final Device device;
    private double initSquaredError;
    private double initSquaredReference;

    private LrqatModel(MemorySegment handle, ModelConfig config, Device device) {
        this.handle = handle;
        this.config = config;
        this.device = device;
    }

    /** Builds the model from an unquantized checkpoint: grid-search init and down-cast, layer by layer. */
    public static LrqatModel create(ModelConfig mc, LrqatConfig c, TensorSource source, Device device, boolean fullQat,
                                    ProgressListener progress) {
        return create(mc, c, source, device, fullQat, null, progress);
    }

    /**
     * As above; with a {@code teacherPool} the fp model's top {@code c.kdTopK()} next-token log-probs over those
     * windows are computed while each layer's fp weights are still at hand (for {@link #trainStepKd}).
     */
    public static LrqatModel create(ModelConfig mc, LrqatConfig c, TensorSource source, Device device, boolean fullQat,
                                    TokenWindows teacherPool, ProgressListener progress) {
        if (mc.isQuantized()) throw new IllegalArgumentException("the model is already quantized; give the full-precision model");
        if (mc.mlpBias()) throw new UnsupportedOperationException("mlp_bias=true is not supported by LR-QAT");
        mc.weights().validateAgainst(source);
        LrqatModel model;
        try (Arena call = Arena.ofConfined();
             Tensor embed = CheckpointTensors.load(source, LlamaWeights.EMBED_TOKENS, Device.CPU);
             Tensor norm = CheckpointTensors.load(source, LlamaWeights.FINAL_NORM, Device.CPU);
             Tensor head = mc.tieWordEmbeddings() ? null : CheckpointTensors.load(source, LlamaWeights.LM_HEAD, Device.CPU)) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_lrqat_model_create(nativeConfig(mc, c.computeDType(), call), options(c, fullQat, call),
                    mc.numHiddenLayers(), embed.address(), norm.address(), head == null ? embed.address() : head.address(),
                    deviceType(device), device.index(), out), "lb_lrqat_model_create");
            model = new LrqatModel(out.get(ADDRESS, 0), mc, device);
        }
        try {
            if (teacherPool != null) {
                try (Arena call = Arena.ofConfined(); Tensor ids = ids(teacherPool, call)) {
                    Native.check(lowbit_h.lb_lrqat_model_set_teacher(model.handle, ids.address(), c.kdTopK()),
                            "lb_lrqat_model_set_teacher");
                }
            }
            BlockWeightSource blocks = BlockWeightSource.of(mc, source);
            progress.start("p=4 grid-search init + down-cast of " + mc.numHiddenLayers() + " layers", mc.numHiddenLayers());
            for (int layer = 0; layer < mc.numHiddenLayers(); layer++) {
                try (Arena call = Arena.ofConfined(); BlockWeights w = blocks.load(layer, Device.CPU)) {
                    MemorySegment s = lb_llama_block_weights.allocate(call);
                    writeWeights(w, s);
                    MemorySegment sums = call.allocate(JAVA_DOUBLE, 2);
                    Native.check(lowbit_h.lb_lrqat_model_add_layer(model.handle, s, sums, sums.asSlice(8)), "lb_lrqat_model_add_layer");
                    model.initSquaredError += sums.getAtIndex(JAVA_DOUBLE, 0);
                    model.initSquaredReference += sums.getAtIndex(JAVA_DOUBLE, 1);
                }
                progress.advance(layer + 1);
            }
            progress.finish("");
            return model;
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /** sum (w_hat - w)^2 / sum w^2 over every quantized linear at the starting point (RTN with the p=4 scales). */
    public double initRelativeError() {
        return initSquaredReference == 0 ? 0 : initSquaredError / initSquaredReference;
    }

    public ModelConfig config() {
        return config;
    }

    public Device device() {
        return device;
    }

    /** One AdamW step on {@code batch}; with {@code readLoss} the loss is read back (waits for the device), else null. */
    public StepStats trainStep(TokenWindows batch, double lrAb, double lrScales, double clip, boolean readLoss) {
        try (Arena call = Arena.ofConfined(); Tensor ids = ids(batch, call)) {
            MemorySegment stats = call.allocate(JAVA_DOUBLE, 2);
            MemorySegment loss = readLoss ? stats : MemorySegment.NULL;
            MemorySegment norm = readLoss ? stats.asSlice(8) : MemorySegment.NULL;
            Native.check(lowbit_h.lb_lrqat_model_train_step(handle(), ids.address(), lrAb, lrScales, clip, loss, norm),
                    "lb_lrqat_model_train_step");
            return readLoss ? new StepStats(stats.getAtIndex(JAVA_DOUBLE, 0), stats.getAtIndex(JAVA_DOUBLE, 1)) : null;
        }
    }

    /**
     * One AdamW step on the teacher-pool windows {@code rows} with kdWeight * distillation + (1 - kdWeight) * CE;
     * with {@code readLoss} the loss is read back (waits for the device), else null.
     */
    public StepStats trainStepKd(long[] rows, double kdWeight, double lrAb, double lrScales, double clip, boolean readLoss) {
        try (Arena call = Arena.ofConfined();
             Tensor r = Tensor.fromHost(call.allocateFrom(JAVA_LONG, rows), DType.I64, new long[] {rows.length}, Device.CPU)) {
            MemorySegment stats = call.allocate(JAVA_DOUBLE, 2);
            MemorySegment loss = readLoss ? stats : MemorySegment.NULL;
            MemorySegment norm = readLoss ? stats.asSlice(8) : MemorySegment.NULL;
            Native.check(lowbit_h.lb_lrqat_model_train_step_kd(handle(), r.address(), kdWeight, lrAb, lrScales, clip, loss, norm),
                    "lb_lrqat_model_train_step_kd");
            return readLoss ? new StepStats(stats.getAtIndex(JAVA_DOUBLE, 0), stats.getAtIndex(JAVA_DOUBLE, 1)) : null;
        }
    }

    /** Per-token NLL [rows, seq-1] (row-major) with the current quantized weights. */
    public float[] nll(TokenWindows windows) {
        try (Arena call = Arena.ofConfined(); Tensor ids = ids(windows, call)) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_lrqat_model_nll(handle(), ids.address(), out), "lb_lrqat_model_nll");
            try (Tensor nll = Tensor.adopt(out.get(ADDRESS, 0))) {
                return nll.toFloatArray();
            }
        }
    }

    public Merged merge(int layer, Projection p) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS, 3);
            Native.check(lowbit_h.lb_lrqat_model_merge(handle(), layer, p.ordinal(), out, out.asSlice(8), out.asSlice(16)),
                    "lb_lrqat_model_merge");
            return new Merged(Tensor.adopt(out.getAtIndex(ADDRESS, 0)), Tensor.adopt(out.getAtIndex(ADDRESS, 1)),
                    Tensor.adopt(out.getAtIndex(ADDRESS, 2)));
        }
    }

    /** w_hat F32 [out, in] as the training forward uses it. */
    public Tensor dequantized(int layer, Projection p) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_lrqat_model_dequantized(handle(), layer, p.ordinal(), out), "lb_lrqat_model_dequantized");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    /** Names of the checkpoint state tensors (trainable tensors, then AdamW moments). */
    public List<String> stateNames() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment count = call.allocate(JAVA_LONG);
            Native.check(lowbit_h.lb_lrqat_model_state_count(handle(), count), "lb_lrqat_model_state_count");
            List<String> names = new ArrayList<>();
            MemorySegment buf = call.allocate(256);
            for (long i = 0; i < count.get(JAVA_LONG, 0); i++) {
                Native.check(lowbit_h.lb_lrqat_model_state_name(handle(), i, buf, 256), "lb_lrqat_model_state_name");
                names.add(buf.getString(0));
            }
            return names;
        }
    }

    public Tensor state(int index) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_lrqat_model_state_get(handle(), index, out), "lb_lrqat_model_state_get");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    public void setState(int index, Tensor value) {
        Native.check(lowbit_h.lb_lrqat_model_state_set(handle(), index, value.address()), "lb_lrqat_model_state_set");
    }

    public long step() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(JAVA_LONG);
            Native.check(lowbit_h.lb_lrqat_model_step(handle(), out), "lb_lrqat_model_step");
            return out.get(JAVA_LONG, 0);
        }
    }

    public void setStep(long step) {
        Native.check(lowbit_h.lb_lrqat_model_set_step(handle(), step), "lb_lrqat_model_set_step");
    }

    private static int deviceType(Device d) {
        return d.kind() == Device.Kind.CPU ? lowbit_h.LB_DEVICE_CPU() : lowbit_h.LB_DEVICE_CUDA();
    }

    private static Tensor ids(TokenWindows w, Arena call) {
        return Tensor.fromHost(call.allocateFrom(JAVA_LONG, w.toLongArray()), DType.I64, new long[] {w.rows(), w.seq()}, Device.CPU);
    }

    private static MemorySegment options(LrqatConfig c, boolean fullQat, Arena arena) {
        MemorySegment o = lb_lrqat_options.allocate(arena);
        lb_lrqat_options.struct_size(o, lb_lrqat_options.sizeof());
        lb_lrqat_options.bits(o, c.bits());
        lb_lrqat_options.symmetric(o, c.symmetric() ? 1 : 0);
        lb_lrqat_options.group_size(o, c.groupSize());
        lb_lrqat_options.rank(o, c.rank());
        lb_lrqat_options.alpha(o, c.alpha());
        lb_lrqat_options.downcast(o, c.downcast().code());
        lb_lrqat_options.ab_dtype(o, c.abDType().code());
        lb_lrqat_options.full_qat(o, fullQat ? 1 : 0);
        lb_lrqat_options.seed(o, c.seed());
        return o;
    }

    private static MemorySegment nativeConfig(ModelConfig config, DType compute, Arena arena) {
        MemorySegment c = lb_llama_config.allocate(arena);
        lb_llama_config.struct_size(c, lb_llama_config.sizeof());
        lb_llama_config.hidden_size(c, config.hiddenSize());
        lb_llama_config.intermediate_size(c, config.intermediateSize());
        lb_llama_config.num_heads(c, config.numAttentionHeads());
        lb_llama_config.num_kv_heads(c, config.numKeyValueHeads());
        lb_llama_config.head_dim(c, config.headDim());
        lb_llama_config.rope_theta(c, config.ropeTheta());
        lb_llama_config.rms_norm_eps(c, config.rmsNormEps());
        lb_llama_config.compute_dtype(c, compute.code());
        return c;
    }

    private static void writeWeights(BlockWeights w, MemorySegment s) {
        lb_llama_block_weights.struct_size(s, lb_llama_block_weights.sizeof());
        lb_llama_block_weights.input_norm(s, w.inputNorm().address());
        lb_llama_block_weights.post_attention_norm(s, w.postAttentionNorm().address());
        lb_llama_block_weights.q_proj(s, w.linears().get(Projection.Q).address());
        lb_llama_block_weights.k_proj(s, w.linears().get(Projection.K).address());
        lb_llama_block_weights.v_proj(s, w.linears().get(Projection.V).address());
        lb_llama_block_weights.o_proj(s, w.linears().get(Projection.O).address());
        lb_llama_block_weights.gate_proj(s, w.linears().get(Projection.GATE).address());
        lb_llama_block_weights.up_proj(s, w.linears().get(Projection.UP).address());
        lb_llama_block_weights.down_proj(s, w.linears().get(Projection.DOWN).address());
        lb_llama_block_weights.q_bias(s, bias(w, Projection.Q));
        lb_llama_block_weights.k_bias(s, bias(w, Projection.K));
        lb_llama_block_weights.v_bias(s, bias(w, Projection.V));
        lb_llama_block_weights.o_bias(s, bias(w, Projection.O));
    }

    private static MemorySegment bias(BlockWeights w, Projection p) {
        Tensor b = w.biases().get(p);
        return b == null ? MemorySegment.NULL : b.address();
    }

    private MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("LR-QAT model was closed");
        return handle;
    }

    @Override
    public void close() {
        if (handle != null) {
            lowbit_h.lb_lrqat_model_free(handle);
            handle = null;
        }
    }
}
