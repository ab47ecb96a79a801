// The pieces of a Llama decoder layer in ATen, with Hugging Face transformers' numerics (LlamaRMSNorm,
// LlamaRotaryEmbedding + rotate_half, eager attention with the softmax in f32, LlamaMLP). Device-agnostic.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <utility>

namespace lb::model {

// x * rsqrt(mean(x^2) + eps) computed in f32 and cast back to x's dtype, then times weight (x's dtype).
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);

// cos/sin [positions, head_dim] for the rotate_half layout (each frequency twice: [f0..f(d/2-1), f0..]).
// Kept for the longest sequence asked so far; shorter ones get a view of its first rows.
class RotaryTable {
 public:
  RotaryTable(int64_t head_dim, double theta) : head_dim_(head_dim), theta_(theta) {}

  // cos, sin for positions 0..seq-1 in `dtype` on `device`.
  std::pair<at::Tensor, at::Tensor> get(int64_t seq, c10::ScalarType dtype, c10::Device device);

 private:
  int64_t head_dim_;
  double theta_;
  at::Tensor cos_;
  at::Tensor sin_;
};

// x [batch, heads, seq, head_dim]; cos/sin [seq, head_dim]: x * cos + rotate_half(x) * sin.
at::Tensor apply_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);

// Causal grouped-query attention with scale 1/sqrt(head_dim): q [batch, heads, seq, head_dim],
// k and v [batch, kv_heads, seq, head_dim]; query head h reads kv head h / (heads / kv_heads).
// Returns [batch, heads, seq, head_dim] in q's dtype.
at::Tensor causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v);

// down(silu(gate(x)) * up(x)), with gate and up stacked in one weight [2 * intermediate, hidden].
at::Tensor swiglu_mlp(const at::Tensor& x, const at::Tensor& gate_up, const at::Tensor& down);

}  // namespace lb::model
