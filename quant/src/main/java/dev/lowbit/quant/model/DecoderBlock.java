package dev.lowbit.quant.model;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.lowbit.bindings.lb_llama_block_weights;
import dev.lowbit.bindings.lb_llama_config;
import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.io.ModelConfig;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One Llama-family decoder layer on a device (an {@code lb_block}): its own copy of the weights in the
 * compute dtype. Use it on the engine thread that created it; {@link #close()} frees the weights.
 */
public final class DecoderBlock implements AutoCloseable {
    private MemorySegment handle;

    private DecoderBlock(MemorySegment handle) {
        this.handle = handle;
    }

    /** Copies {@code weights} (which the caller may close right after) onto {@code device} in {@code compute}. */
    public static DecoderBlock create(ModelConfig config, DType compute, BlockWeights weights, Device device) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment nativeConfig = nativeConfig(config, compute, call);
            MemorySegment nativeWeights = lb_llama_block_weights.allocate(call);
            weights.writeTo(nativeWeights);
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_llama_block_create(nativeConfig, nativeWeights, DeviceCodes.type(device), device.index(), out),
                    "lb_llama_block_create");
            return new DecoderBlock(out.get(ADDRESS, 0));
        }
    }

    static MemorySegment nativeConfig(ModelConfig config, DType compute, Arena arena) {
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

    /** hidden [batch, seq, hidden_size] -> a new tensor of that shape (compute dtype, this block's device). */
    public Tensor forward(Tensor hidden) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_llama_block_forward(handle(), hidden.address(), out), "lb_llama_block_forward");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    /** As {@link #forward}, and adds X^T X of each linear's input to {@code hessians} (an {@code lb_hessians} handle). */
    public Tensor forwardWithHessians(Tensor hidden, MemorySegment hessians) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment out = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_llama_block_forward_hessians(handle(), hessians, hidden.address(), out),
                    "lb_llama_block_forward_hessians");
            return Tensor.adopt(out.get(ADDRESS, 0));
        }
    }

    private MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("decoder block was closed");
        return handle;
    }

    @Override
    public void close() {
        if (handle != null) {
            lowbit_h.lb_llama_block_free(handle);
            handle = null;
        }
    }
}
