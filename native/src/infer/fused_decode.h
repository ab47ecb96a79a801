// The decode step's fused CUDA kernels (kernels/cuda/decode_cuda.cu) on ATen tensors: one kernel each for
// RMSNorm, RoPE + KV-cache write, single-query attention over the cache and SiLU(gate) * up, where the
// ATen path launches 5-10 small kernels for each. CUDA builds only; LOWBIT_FUSED_DECODE=0 turns them off.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "src/packed_gemv_accumulate.h"

namespace lb::infer {

// Whether the fused kernels serve a decoder of this shape on `device` in `dtype`.
bool fused_decode_available(c10::Device device, c10::ScalarType dtype, int64_t head_dim, int64_t max_seq);

// x [rows, hidden] -> new [rows, hidden].
at::Tensor fused_rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);
// qkv [1, q_dim + 2 kv_dim] at *positions -> rotated q [1, heads * head_dim]; writes k, v into the caches
// [1, kv_heads, max_seq, head_dim]. q and the caches are in the compute dtype; qkv is too, or f32 (the
// accumulate step's GEMV output: rounded to the compute dtype first).
at::Tensor fused_rotary_kv(const at::Tensor& qkv, const at::Tensor& cos, const at::Tensor& sin,
                           const at::Tensor& positions, at::Tensor& k_cache, at::Tensor& v_cache, int64_t heads,
                           int64_t kv_heads, int64_t head_dim);
// q [1, heads * head_dim] over cache entries 0..*positions -> [1, heads * head_dim].
at::Tensor fused_attention(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                           const at::Tensor& positions, int64_t heads, int64_t kv_heads, int64_t head_dim);
// gate_up [rows, 2 * inter] -> [rows, inter].
at::Tensor fused_silu_mul(const at::Tensor& gate_up, int64_t inter);
// on unless LOWBIT_DECODE_ROPE_ATTENTION=0: fused_rotary_attention replaces fused_rotary_kv + fused_attention
// (H200, 2026-12-02: +2.8% int4 / +2.3% int2 decode tokens/s).
bool decode_rope_attention_requested();
// fused_rotary_kv then fused_attention in one kernel (the same cache writes, the same output): qkv [1, ...] in the
// cache's dtype or f32 -> [1, heads * head_dim].
at::Tensor fused_rotary_attention(const at::Tensor& qkv, const at::Tensor& cos, const at::Tensor& sin,
                                  const at::Tensor& positions, at::Tensor& k_cache, at::Tensor& v_cache, int64_t heads,
                                  int64_t kv_heads, int64_t head_dim);

// ---- the accumulate decode step (decoder.cpp forward_fused_accumulate): an f32 residual stream; packed GEMVs
// add onto it and onto f32 outputs zeroed by the RMSNorm before them ----

// on unless LOWBIT_DECODE_ACCUMULATE=0 (default since the H200 run of 2026-12-02: 1.09-1.10x decode tokens/s).
bool decode_accumulate_requested();
// x f32 [rows, hidden] -> [rows, hidden] in weight's dtype; also zeroes `zero` (contiguous f32) when defined.
at::Tensor fused_rms_norm_f32(const at::Tensor& x, const at::Tensor& weight, double eps, const at::Tensor& zero);
// gate_up f32 [rows, 2 * inter] -> [rows, inter] in out_dtype (each input rounded to out_dtype first).
at::Tensor fused_silu_mul_f32(const at::Tensor& gate_up, int64_t inter, c10::ScalarType out_dtype);

// ---- the normed decode step (decoder.cpp forward_fused_normed): the RMSNorms and SiLU * up folded into the packed
// GEMVs (packed_matmul_cuda.h x_op); 5 kernels per layer ----

// on unless LOWBIT_DECODE_NORMED=0.
bool decode_normed_requested();
// fused_rotary_attention on qkv_sums f32 [qkv_dim + 1]: qkv = W (g * h) then sum(h^2) at the end; each value is
// scaled by rsqrt(sum / hidden + eps), plus `bias` (the projection's, in the cache's dtype; may be undefined), before
// RoPE. Zeroes `zero` (contiguous f32) once the GEMV before has finished.
at::Tensor fused_rotary_attention_normed(const at::Tensor& qkv_sums, const at::Tensor& bias, int64_t hidden,
                                         double eps, at::Tensor& zero,
                                         const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& positions,
                                         at::Tensor& k_cache, at::Tensor& v_cache, int64_t heads, int64_t kv_heads,
                                         int64_t head_dim, const at::Tensor& o_slots = at::Tensor(), int o_bits = 0);
// o_slots (defined): the kernel also writes its output quantized for the o projection's accumulate GEMV at o_bits
// (GemvInputFusion::kPrepared), a byte tensor of decode_attention_o_slots_bytes; where decode_attention_o_slots_apply.
// On unless LOWBIT_DECODE_O_PREPARED=0.
bool decode_o_prepared_requested();
bool decode_attention_o_slots_apply(int64_t head_dim, int o_bits);
int64_t decode_attention_o_slots_bytes(int64_t heads, int64_t head_dim);

// fused_rotary_attention_normed and the o projection in one kernel (decode_cuda.h decode_rotary_attention_o_cuda):
// y f32 [1, hidden] (the residual) += o(attention output), where fused_rotary_attention_o_applies (f16 / bf16, head_dim
// a multiple of 32 up to 128, o packed for the GEMV with 16-bit scales). Requested for an o projection of `bits`: by
// default for 2 bits only (H200, 2026-12-03: int2 decode +4 %, int4 -3 % against the separate o GEMV);
// LOWBIT_DECODE_ATTENTION_O=1 asks for it at every bit width, =0 at none.
bool decode_attention_o_requested(int bits);
bool fused_rotary_attention_o_applies(c10::ScalarType dtype, int64_t heads, int64_t head_dim,
                                      const PackedGemvOperands& o, at::Tensor& y);
void fused_rotary_attention_o(const at::Tensor& qkv_sums, const at::Tensor& bias, int64_t hidden, double eps,
                              at::Tensor& zero, const at::Tensor& cos, const at::Tensor& sin,
                              const at::Tensor& positions, at::Tensor& k_cache, at::Tensor& v_cache, int64_t heads,
                              int64_t kv_heads, int64_t head_dim, const PackedGemvOperands& o, at::Tensor& y);

// The normed step's ends in one kernel each (decode_cuda.h decode_embed_f32_cuda, decode_lm_head_normed_cuda); on
// unless LOWBIT_DECODE_FUSED_ENDS=0.
bool decode_fused_ends_requested();
// f32 [1, hidden] = embed [vocab, hidden] at ids (one id, int64, on embed's device); `zero` (contiguous f32) zeroed
// in the same launch.
at::Tensor fused_embed_f32(const at::Tensor& embed, const at::Tensor& ids, at::Tensor& zero);
bool fused_embed_f32_applies(const at::Tensor& embed, const at::Tensor& ids);
// lm_head [vocab, hidden] . fused_rms_norm_f32(x f32 [1, hidden], norm_weight) -> [1, vocab] in lm_head's dtype, in
// one kernel, where fused_lm_head_normed_applies.
bool fused_lm_head_normed_applies(const at::Tensor& x, const at::Tensor& lm_head);
at::Tensor fused_lm_head_normed(const at::Tensor& x, const at::Tensor& norm_weight, const at::Tensor& lm_head,
                                double eps);

}  // namespace lb::infer
