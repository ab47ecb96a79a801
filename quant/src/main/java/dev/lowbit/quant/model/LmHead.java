package dev.lowbit.quant.model;

import static java.lang.foreign.ValueLayout.ADDRESS;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The final RMSNorm and the LM head (kept in f32 on the compute device, as the logits are computed in f32). */
final class LmHead implements AutoCloseable {
    private final Tensor norm;
    private final Tensor weight;
    private final double eps;

    LmHead(Tensor norm, Tensor weight, double eps) {
        this.norm = norm;
        this.weight = weight;
        this.eps = eps;
    }

    /** f32 [rows, seq - 1]: -log p(ids[:, t+1] | ..t) for hidden [rows, seq, hidden]. */
    Tensor nll(Tensor hidden, Tensor ids) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment nll = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_llama_head(hidden.address(), norm.address(), weight.address(), eps, ids.address(), nll,
                    MemorySegment.NULL), "lb_llama_head");
            return Tensor.adopt(nll.get(ADDRESS, 0));
        }
    }

    /** f32 [rows, seq, vocab]. */
    Tensor logits(Tensor hidden) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment logits = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_llama_head(hidden.address(), norm.address(), weight.address(), eps, MemorySegment.NULL,
                    MemorySegment.NULL, logits), "lb_llama_head");
            return Tensor.adopt(logits.get(ADDRESS, 0));
        }
    }

    @Override
    public void close() {
        norm.close();
        weight.close();
    }
}
