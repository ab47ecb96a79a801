package dev.lowbit.quant.model;

import dev.lowbit.bindings.lb_llama_block_weights;
import dev.lowbit.quant.io.Projection;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The tensors of one decoder layer, as Hugging Face stores them ([out, in] linears). Owns them:
 * {@link #close()} frees every one.
 *
 * @param linears all seven projections
 * @param biases  the projections that have a bias (none for Llama and Mistral without attention_bias)
 */
public record BlockWeights(Tensor inputNorm, Tensor postAttentionNorm, Map<Projection, Tensor> linears,
                           Map<Projection, Tensor> biases) implements AutoCloseable {

    public BlockWeights {
        Objects.requireNonNull(inputNorm, "inputNorm");
        Objects.requireNonNull(postAttentionNorm, "postAttentionNorm");
        for (Projection p : Projection.values()) {
            if (!linears.containsKey(p)) throw new IllegalArgumentException("no weight for " + p.module());
        }
        for (Projection p : biases.keySet()) {
            if (p == Projection.GATE || p == Projection.UP || p == Projection.DOWN) {
                throw new UnsupportedOperationException(p.module() + " bias: MLP biases are not supported by the native block");
            }
        }
        linears = Collections.unmodifiableMap(new EnumMap<>(linears));
        biases = biases.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(biases));
    }

    /** Points the fields of an {@code lb_llama_block_weights} struct at these tensors (NULL for absent biases). */
    void writeTo(MemorySegment struct) {
        lb_llama_block_weights.struct_size(struct, lb_llama_block_weights.sizeof());
        lb_llama_block_weights.input_norm(struct, inputNorm.address());
        lb_llama_block_weights.post_attention_norm(struct, postAttentionNorm.address());
        lb_llama_block_weights.q_proj(struct, linears.get(Projection.Q).address());
        lb_llama_block_weights.k_proj(struct, linears.get(Projection.K).address());
        lb_llama_block_weights.v_proj(struct, linears.get(Projection.V).address());
        lb_llama_block_weights.o_proj(struct, linears.get(Projection.O).address());
        lb_llama_block_weights.gate_proj(struct, linears.get(Projection.GATE).address());
        lb_llama_block_weights.up_proj(struct, linears.get(Projection.UP).address());
        lb_llama_block_weights.down_proj(struct, linears.get(Projection.DOWN).address());
        lb_llama_block_weights.q_bias(struct, biasAddress(Projection.Q));
        lb_llama_block_weights.k_bias(struct, biasAddress(Projection.K));
        lb_llama_block_weights.v_bias(struct, biasAddress(Projection.V));
        lb_llama_block_weights.o_bias(struct, biasAddress(Projection.O));
    }

    private MemorySegment biasAddress(Projection p) {
        Tensor bias = biases.get(p);
        return bias == null ? MemorySegment.NULL : bias.address();
    }

    @Override
    public void close() {
        List<Tensor> all = new ArrayList<>(linears.values());
        all.addAll(biases.values());
        all.add(inputNorm);
        all.add(postAttentionNorm);
        all.forEach(Tensor::close);
    }
}
