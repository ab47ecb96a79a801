package dev.lowbit.quant.infer;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.lowbit.bindings.lb_decoder_linear;
import dev.lowbit.bindings.lb_decoder_options;
import dev.lowbit.bindings.lb_decoder_stats;
import dev.lowbit.bindings.lb_llama_config;
import dev.lowbit.bindings.lb_sampling_options;
import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The native whole-model decoder (an {@code lb_decoder}): all layers on one device, a KV cache and a
 * sampler. Every call runs the whole model once. Use it on the engine thread that created it.
 */
public final class NativeDecoder implements AutoCloseable {
    private MemorySegment handle;
    private final int vocab;

    /**
     * What the decoder reports about itself. {@code fusedLevel}: how far the one-token step is fused (0: not at all;
     * 1-5 as {@code lb_decoder_stats.fused_kernels} in lowbit.h describes).
     */
    public record Stats(long position, long maxSeq, long layersAdded, long packedLinears, long dequantizedLinears,
                        boolean cudaGraphActive, int fusedLevel) {
        /** Whether one-token steps use the fused CUDA decode kernels at all. */
        public boolean fusedKernels() {
            return fusedLevel > 0;
        }
    }

    private NativeDecoder(MemorySegment handle, int vocab) {
        this.handle = handle;
        this.vocab = vocab;
    }

    /** The tensors are copied to {@code device} in {@code compute}; the caller may close them right after. */
    public static NativeDecoder create(ModelConfig config, DType compute, Tensor embed, Tensor finalNorm, Tensor lmHead,
                                       int maxSeq, boolean cudaGraph, Device device) {
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
            lb_llama_config.compute_dtype(c, compute.code());
            MemorySegment o = lb_decoder_options.allocate(call);
            lb_decoder_options.struct_size(o, lb_decoder_options.layout().byteSize());
            lb_decoder_options.num_layers(o, config.numHiddenLayers());
            lb_decoder_options.max_seq(o, maxSeq);
            lb_decoder_options.use_cuda_graph(o, cudaGraph ? 1 : 0);
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_decoder_create(c, embed.address(), finalNorm.address(), lmHead.address(), o,
                    device.kind() == Device.Kind.CUDA ? lowbit_h.LB_DEVICE_CUDA() : lowbit_h.LB_DEVICE_CPU(),
                    device.index(), out), "lb_decoder_create");
            return new NativeDecoder(out.get(ADDRESS, 0), (int) embed.shape()[0]);
        }
    }

    /** One linear of a layer: dense ({@code weight}) or GPTQ-style packed. */
    public record Linear(Tensor weight, Tensor qweight, Tensor qzeros, Tensor scales, int bits, long groupSize,
                         int zeroOffset, Tensor bias) {
        public static Linear dense(Tensor weight, Tensor bias) {
            return new Linear(weight, null, null, null, 0, 0, 0, bias);
        }

        public static Linear packed(Tensor qweight, Tensor qzeros, Tensor scales, int bits, long groupSize, int zeroOffset,
                                    Tensor bias) {
            return new Linear(null, qweight, qzeros, scales, bits, groupSize, zeroOffset, bias);
        }
    }

    /** Adds the next layer: the 7 linears in the order q, k, v, o, gate, up, down. */
    public void addLayer(Tensor inputNorm, Tensor postAttentionNorm, List<Linear> linears) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment array = lb_decoder_linear.allocateArray(linears.size(), call);
            long size = lb_decoder_linear.layout().byteSize();
            for (int i = 0; i < linears.size(); i++) {
                Linear l = linears.get(i);
                MemorySegment s = array.asSlice(i * size, size);
                lb_decoder_linear.struct_size(s, size);
                lb_decoder_linear.weight(s, address(l.weight()));
                lb_decoder_linear.qweight(s, address(l.qweight()));
                lb_decoder_linear.qzeros(s, address(l.qzeros()));
                lb_decoder_linear.scales(s, address(l.scales()));
                lb_decoder_linear.bias(s, address(l.bias()));
                lb_decoder_linear.group_size(s, l.groupSize());
                lb_decoder_linear.bits(s, l.bits());
                lb_decoder_linear.zero_offset(s, l.zeroOffset());
            }
            Native.check(lowbit_h.lb_decoder_add_layer(handle(), inputNorm.address(), postAttentionNorm.address(), array,
                    linears.size()), "lb_decoder_add_layer");
        }
    }

    private static MemorySegment address(Tensor t) {
        return t == null ? MemorySegment.NULL : t.address();
    }

    public void setSampling(double temperature, double topP, long seed) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment s = lb_sampling_options.allocate(call);
            lb_sampling_options.struct_size(s, lb_sampling_options.layout().byteSize());
            lb_sampling_options.temperature(s, temperature);
            lb_sampling_options.top_p(s, topP);
            lb_sampling_options.seed(s, seed);
            Native.check(lowbit_h.lb_decoder_set_sampling(handle(), s), "lb_decoder_set_sampling");
        }
    }

    public void reset() {
        Native.check(lowbit_h.lb_decoder_reset(handle()), "lb_decoder_reset");
    }

    /** Logits [vocab] after the last of {@code ids}, which run at the next positions. */
    public float[] prefill(int[] ids) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_decoder_prefill(handle(), longs(ids, call), ids.length, out), "lb_decoder_prefill");
            try (Tensor logits = Tensor.adopt(out.get(ADDRESS, 0))) {
                return logits.toFloatArray();
            }
        }
    }

    /** Logits [vocab] of {@code token} at the next position. */
    public float[] decode(int token) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_decoder_decode(handle(), token, out), "lb_decoder_decode");
            try (Tensor logits = Tensor.adopt(out.get(ADDRESS, 0))) {
                return logits.toFloatArray();
            }
        }
    }

    /** Runs the prompt and samples the token after it (one native call). */
    public int prefillNext(int[] ids) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment next = call.allocate(JAVA_LONG);
            Native.check(lowbit_h.lb_decoder_prefill_next(handle(), longs(ids, call), ids.length, next),
                    "lb_decoder_prefill_next");
            return (int) next.get(JAVA_LONG, 0);
        }
    }

    /** Runs {@code token} and samples the one after it (one native call for the whole model). */
    public int decodeNext(int token) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment next = call.allocate(JAVA_LONG);
            Native.check(lowbit_h.lb_decoder_decode_next(handle(), token, next), "lb_decoder_decode_next");
            return (int) next.get(JAVA_LONG, 0);
        }
    }

    public Stats stats() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment s = lb_decoder_stats.allocate(call);
            lb_decoder_stats.struct_size(s, lb_decoder_stats.layout().byteSize());
            Native.check(lowbit_h.lb_decoder_get_stats(handle(), s), "lb_decoder_get_stats");
            return new Stats(lb_decoder_stats.position(s), lb_decoder_stats.max_seq(s), lb_decoder_stats.layers_added(s),
                    lb_decoder_stats.packed_linears(s), lb_decoder_stats.dequantized_linears(s),
                    lb_decoder_stats.cuda_graph_active(s) != 0, lb_decoder_stats.fused_kernels(s));
        }
    }

    public int vocabSize() {
        return vocab;
    }

    private static MemorySegment longs(int[] ids, Arena arena) {
        MemorySegment s = arena.allocate(JAVA_LONG, Math.max(1, ids.length));
        for (int i = 0; i < ids.length; i++) s.setAtIndex(JAVA_LONG, i, ids[i]);
        return s;
    }

    private MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("decoder was closed");
        return handle;
    }

    @Override
    public void close() {
        if (handle != null) {
            lowbit_h.lb_decoder_free(handle);
            handle = null;
        }
    }
}
