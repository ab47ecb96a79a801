// Fused CUDA kernels of the one-token decode step (torch-free): RMSNorm, RoPE + KV-cache write,
// single-query grouped attention over the cache, SiLU(gate) * up. They read the position from device
// memory, so a captured CUDA graph serves every step. Element type: f32, f16 or bf16 (math in f32,
// rounded to the element type where the ATen reference rounds).
#pragma once

#include <cuda_runtime_api.h>
#include <stdint.h>

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

// out [rows, inter] = silu(gate_up[:, :inter]) * gate_up[:, inter:].
cudaError_t decode_silu_mul_cuda(DecodeType t, const void* gate_up, void* out, int64_t rows, int64_t inter,
                                 cudaStream_t stream);

}  // namespace lb::kernels
