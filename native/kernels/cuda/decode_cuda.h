// Fused CUDA kernels of the one-token decode step (torch-free): RMSNorm, RoPE + KV-cache write,
// single-query grouped attention over the cache, SiLU(gate) * up. They read the position from device
// memory, so a captured CUDA graph serves every step. Element type: f32, f16 or bf16 (math in f32,
// rounded to the element type where the ATen reference rounds).
#pragma once

#include <cuda_runtime_api.h>
#include <stdint.h>

#include "kernels/cuda/packed_matmul_cuda.h"

namespace lb::kernels {

enum class DecodeType { F32 = 0, F16 = 1, BF16 = 2 };

// The largest head_dim and cache length the attention kernel takes (its shared memory holds one score
// per cache entry).
constexpr int64_t kDecodeMaxHeadDim = 256;
constexpr int64_t kDecodeMaxSeq = 8192;

// y[r] = w * to_T(x[r] * rsqrt(mean(x[r]^2) + eps)) for rows r of x [rows, hidden].
cudaError_t decode_rms_norm_cuda(DecodeType t, const void* x, const void* w, void* y, int64_t rows, int64_t hidden,
                                 float eps, cudaStream_t stream);

// qkv [q_dim + 2 kv_dim] of one token at *position: q (rotated) -> q_out [heads, head_dim]; k (rotated)
// and v -> k_cache/v_cache [kv_heads, max_seq, head_dim] at *position. cos/sin [max_seq, head_dim].
cudaError_t decode_rotary_kv_cuda(DecodeType t, const void* qkv, const void* cos, const void* sin,
                                  const int64_t* position, void* q_out, void* k_cache, void* v_cache, int64_t heads,
                                  int64_t kv_heads, int64_t head_dim, int64_t max_seq, cudaStream_t stream);

// out [heads, head_dim] = softmax(q . k^T * scale) . v over cache entries 0..*position; query head h
// reads kv head h / (heads / kv_heads).
cudaError_t decode_attention_cuda(DecodeType t, const void* q, const void* k_cache, const void* v_cache,
                                  const int64_t* position, void* out, int64_t heads, int64_t kv_heads,
                                  int64_t head_dim, int64_t max_seq, float scale, cudaStream_t stream);

// decode_rotary_kv_cuda (qkv in t, or f32 when qkv_f32: each value rounded to t first) and decode_attention_cuda
// in one kernel: the same cache writes and the same output bit for bit, one launch less per layer.
cudaError_t decode_rotary_attention_cuda(DecodeType t, bool qkv_f32, const void* qkv, const void* cos, const void* sin,
                                         const int64_t* position, void* k_cache, void* v_cache, void* out,
                                         int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t max_seq,
                                         float scale, cudaStream_t stream);

// The normed decode step (the RMSNorms folded into the GEMVs, packed_matmul_cuda.h x_op): decode_rotary_attention_cuda
// on qkv f32 = W (g * h), each value multiplied by rsqrt(qkv_sumsq[0] / norm_count + norm_eps) (the RMSNorm's scale
// of h), plus qkv_bias (t [q_dim + 2 kv_dim], or NULL), then rounded to t; also sets zero[0, zero_count) to 0 once
// the kernel before has finished. o_slots (NULL: none): the output is also written there quantized for the o
// projection's GEMV (packed_gemv_cuda_accumulate_prepared, o_slot_bits its bit width), exactly as that GEMV would
// quantize `out`; needs decode_attention_slots_apply and decode_attention_slots_bytes(heads, head_dim) bytes.
cudaError_t decode_rotary_attention_normed_cuda(DecodeType t, const float* qkv, const float* qkv_sumsq,
                                                int64_t norm_count, float norm_eps, const void* qkv_bias, float* zero,
                                                int64_t zero_count, const void* cos, const void* sin,
                                                const int64_t* position, void* k_cache, void* v_cache, void* out,
                                                int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t max_seq,
                                                float scale, cudaStream_t stream, void* o_slots = nullptr,
                                                int o_slot_bits = 4);

// Whether the attention kernel can write the o projection's slots: head_dim a multiple of 32 (a head is whole
// k-blocks), bits 2, 3 or 4, slots 16-byte aligned. Their size for heads x head_dim outputs.
bool decode_attention_slots_apply(int64_t head_dim, int bits, const void* slots);
int64_t decode_attention_slots_bytes(int64_t heads, int64_t head_dim);

// decode_rotary_attention_normed_cuda and the o projection in one kernel: o.y (f32 [o.out], the residual) += W_o .
// the attention output, W_o packed as for packed_gemv_cuda_accumulate_prepared (o.x unused), with the same slots and
// arithmetic as that GEMV on decode_rotary_attention_normed_cuda's slots; only the order of the f32 atomic adds
// differs. out (NULL: not written) gets the attention output. Needs decode_rotary_attention_o_applies: f16 or bf16,
// head_dim a multiple of 32 up to 128, o bits 2-4 with 16-bit scales, o.m 1, o.in heads * head_dim, the one-pass
// attention switched on (decode_attention_set_online).
bool decode_rotary_attention_o_applies(DecodeType t, int64_t heads, int64_t head_dim, const PackedLinearCudaArgs& o);
cudaError_t decode_rotary_attention_o_cuda(DecodeType t, const float* qkv, const float* qkv_sumsq, int64_t norm_count,
                                           float norm_eps, const void* qkv_bias, float* zero, int64_t zero_count,
                                           const void* cos, const void* sin, const int64_t* position, void* k_cache,
                                           void* v_cache, void* out, int64_t heads, int64_t kv_heads, int64_t head_dim,
                                           int64_t max_seq, float scale, const PackedLinearCudaArgs& o,
                                           cudaStream_t stream);

// Process-wide A/B switch: the attention kernels above take the one-pass online-softmax form (1,
// decode_attention.cuh; where head_dim is a multiple of 8, or 4 in f32) or the two-pass form (0); < 0: the default,
// on unless LOWBIT_DECODE_ATTENTION_ONLINE=0. Read at launch (a captured CUDA graph keeps the choice it was captured
// with).
void decode_attention_set_online(int enabled);

// Process-wide switch: the one-pass attention splits each head's keys over a thread-block cluster of `parts` blocks
// (2, 4 or 8, sm_90) merged through their shared memory, or scores them in one block (0 or 1); < 0: the default, 4
// unless LOWBIT_DECODE_ATTENTION_SPLIT says 0, 1, 2 or 8 (other values: 4). Read at launch, as
// decode_attention_set_online. The split costs a fixed ~2.6 us per layer (cluster scheduling and barriers) and saves
// ~0.02 us per cache entry and layer (H200, Llama-2-7B shapes): over a decode run it pays from a mean context of ~120
// entries at fp16 and ~175 at int2 (docs/BENCHMARKS.md, generation, fifteenth round).
void decode_attention_set_split(int parts);
// The same for launches from the calling thread only (a decode graph's capture); < 0: the process setting.
void decode_attention_set_split_for_thread(int parts);
// The process setting: 1 (none), 2, 4 or 8; 1 where the current device has no clusters.
int decode_attention_split_parts();

// out [rows, inter] = silu(gate_up[:, :inter]) * gate_up[:, inter:].
cudaError_t decode_silu_mul_cuda(DecodeType t, const void* gate_up, void* out, int64_t rows, int64_t inter,
                                 cudaStream_t stream);

// The greedy token of one decode step, as the host sampler picks it: the largest logit, the lowest id on ties.
// bad_index: the lowest index whose logit is not finite (-1: none) and bad_value its value.
struct DecodeGreedyResult {
  int64_t token;
  int64_t position;
  int64_t bad_index;
  float bad_value;
  int32_t reserved;
};

// For raw [vocab] (t: the LM head's output) of the token at *position: logits f32 [vocab] = raw; *token = the greedy
// token (the next step's input), results[*position & 1] = that result (results: two slots, host-mapped memory, so the
// host reads one step while the next writes the other), then *position += 1. raw may be logits when t is F32.
// workspace: decode_greedy_workspace_bytes(vocab), zeroed once before the first launch (the kernel leaves it zeroed).
// One element per thread; the last block merges. Captured in the decode step's CUDA graph.
size_t decode_greedy_workspace_bytes(int64_t vocab);
cudaError_t decode_greedy_cuda(DecodeType t, const void* raw, float* logits, int64_t vocab, int64_t* token,
                               int64_t* position, DecodeGreedyResult* results, void* workspace, cudaStream_t stream);

// What the sampled step reads each replay (host-mapped memory: the host writes it between steps): temperature > 0,
// 0 < top_p <= 1, and u[p & 1], the uniform draw in [0, 1) of the step at position p.
struct DecodeSampleInput {
  float temperature;
  float top_p;
  double u[2];
};

// decode_greedy_cuda's contract with a temperature + top-p draw (decode_sample.cuh: the host sampler's distribution,
// the draw walked in id order over the kept tokens) in place of the argmax; on a non-finite logit the result reports
// it (bad_index) and the token is the largest finite logit's. workspace: decode_sample_workspace_bytes(vocab). One
// block of 1024 threads.
size_t decode_sample_workspace_bytes(int64_t vocab);
cudaError_t decode_sample_cuda(DecodeType t, const void* raw, float* logits, int64_t vocab, int64_t* token,
                               int64_t* position, DecodeGreedyResult* results, const DecodeSampleInput* input,
                               void* workspace, cudaStream_t stream);

// ---- the accumulate decode step (LOWBIT_DECODE_ACCUMULATE=1): an f32 residual stream, GEMVs that add
// onto f32 outputs. `t` is the compute type (weights, caches, outputs); the inputs named f32 are f32 and
// rounded to t where the ATen path stores them in t, so the math equals the kernels above.

// y[r] (t) = w * to_t(x[r] * rsqrt(mean(x[r]^2) + eps)) for x f32 [rows, hidden]; also sets zero[0, zero_count)
// to 0 (extra blocks; zero may be NULL when zero_count is 0).
cudaError_t decode_rms_norm_f32_cuda(DecodeType t, const float* x, const void* w, void* y, int64_t rows,
                                     int64_t hidden, float eps, float* zero, int64_t zero_count, cudaStream_t stream);

// The normed step's LM head with the final RMSNorm folded in, one token: y[r] (t) = w[r] . n for r < vocab, n the
// values decode_rms_norm_f32_cuda stores for x f32 [hidden] and norm_w; f32 products and sums, y rounded to t. Needs
// decode_lm_head_normed_applies (hidden a multiple of 16 bytes' elements, a row of at most 96 KB, w 16-byte aligned).
bool decode_lm_head_normed_applies(int64_t hidden, size_t elem_bytes, const void* w, const void* y);
cudaError_t decode_lm_head_normed_cuda(DecodeType t, const float* x, const void* norm_w, const void* w, void* y,
                                       int64_t vocab, int64_t hidden, float eps, cudaStream_t stream);

// x f32 [hidden] = embed (t) [*token]; zero[0, zero_count) = 0. One PDL launch (the normed step's first kernel).
cudaError_t decode_embed_f32_cuda(DecodeType t, const void* embed, const int64_t* token, int64_t vocab,
                                  int64_t hidden, float* x, float* zero, int64_t zero_count, cudaStream_t stream);

// decode_rotary_kv_cuda with qkv f32 (each value rounded to t first).
cudaError_t decode_rotary_kv_f32_cuda(DecodeType t, const float* qkv, const void* cos, const void* sin,
                                      const int64_t* position, void* q_out, void* k_cache, void* v_cache,
                                      int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t max_seq,
                                      cudaStream_t stream);

// decode_silu_mul_cuda with gate_up f32 (each value rounded to t first); out in t.
cudaError_t decode_silu_mul_f32_cuda(DecodeType t, const float* gate_up, void* out, int64_t rows, int64_t inter,
                                     cudaStream_t stream);

}  // namespace lb::kernels
