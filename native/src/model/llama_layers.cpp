#include "src/model/llama_layers.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/ones.h>
#include <ATen/ops/pow.h>
#include <ATen/ops/rsqrt.h>
#include <ATen/ops/silu.h>
#include <ATen/ops/softmax.h>

#include <cmath>
#include <limits>

// libtorch 2.x has a fused attention (flash / memory-efficient kernels); 1.13 does not.
#if __has_include(<ATen/ops/scaled_dot_product_attention.h>)
#include <ATen/ops/scaled_dot_product_attention.h>
#define LOWBIT_HAS_SDPA 1
#else
#define LOWBIT_HAS_SDPA 0
#endif

namespace lb::model {

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  const at::Tensor x32 = x.to(at::kFloat);
  const at::Tensor variance = x32.pow(2).mean(-1, /*keepdim=*/true);
  return weight * (x32 * at::rsqrt(variance + eps)).to(x.scalar_type());
}

std::pair<at::Tensor, at::Tensor> RotaryTable::get(int64_t seq, c10::ScalarType dtype, c10::Device device) {
  const bool stale = !cos_.defined() || cos_.size(0) < seq || cos_.scalar_type() != dtype || cos_.device() != device;
  if (stale) {
    const int64_t length = cos_.defined() ? std::max(seq, cos_.size(0)) : seq;
    const auto f32 = at::TensorOptions().dtype(at::kFloat).device(device);
    // As transformers: inv_freq = 1 / theta^(2i/d) and position * inv_freq, both in f32.
    const at::Tensor exponent = at::arange(0, head_dim_, 2, f32.dtype(at::kLong)).to(at::kFloat) /
                                static_cast<double>(head_dim_);
    const at::Tensor inv_freq = at::pow(theta_, exponent).reciprocal();
    const at::Tensor positions = at::arange(length, f32.dtype(at::kLong)).to(at::kFloat);
    const at::Tensor freqs = positions.unsqueeze(1) * inv_freq.unsqueeze(0);
    const at::Tensor angles = at::cat({freqs, freqs}, -1);
    cos_ = angles.cos().to(dtype);
    sin_ = angles.sin().to(dtype);
  }
  return {cos_.narrow(0, 0, seq), sin_.narrow(0, 0, seq)};
}

at::Tensor apply_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  const at::Tensor rotated = at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
  return x * cos + rotated * sin;
}

namespace {

// The plain path: scores = q k^T * scale, masked, softmax in f32, times v. Query heads sharing a kv
// head are stacked along the rows, so k and v are never repeated in memory.
[[maybe_unused]] at::Tensor attention_by_matmul(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) {
  const int64_t batch = q.size(0), heads = q.size(1), seq = q.size(2), dim = q.size(3);
  const int64_t kv_heads = k.size(1), group = heads / kv_heads;
  const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
  const at::Tensor grouped_q = q.reshape({batch, kv_heads, group * seq, dim});
  const at::Tensor scores = (at::matmul(grouped_q, k.transpose(-1, -2)) * scale).view({batch, kv_heads, group, seq, seq});
  const at::Tensor future = at::ones({seq, seq}, q.options().dtype(at::kBool)).triu(1);
  const at::Tensor probs = at::softmax(scores.masked_fill(future, -std::numeric_limits<double>::infinity()), -1, at::kFloat)
                               .to(q.scalar_type());
  return at::matmul(probs.view({batch, kv_heads, group * seq, seq}), v).view({batch, heads, seq, dim});
}

#if LOWBIT_HAS_SDPA
at::Tensor repeat_kv(const at::Tensor& t, int64_t group) {
  if (group == 1) return t;
  const int64_t batch = t.size(0), kv_heads = t.size(1), seq = t.size(2), dim = t.size(3);
  return t.unsqueeze(2).expand({batch, kv_heads, group, seq, dim}).reshape({batch, kv_heads * group, seq, dim});
}
#endif

}  // namespace

at::Tensor causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) {
#if LOWBIT_HAS_SDPA
  const int64_t group = q.size(1) / k.size(1);
  return at::scaled_dot_product_attention(q, repeat_kv(k, group), repeat_kv(v, group), /*attn_mask=*/{},
                                          /*dropout_p=*/0.0, /*is_causal=*/true);
#else
  return attention_by_matmul(q, k, v);
#endif
}

at::Tensor swiglu_mlp(const at::Tensor& x, const at::Tensor& gate_up, const at::Tensor& down) {
  const at::Tensor projected = at::linear(x, gate_up);
  const int64_t intermediate = gate_up.size(0) / 2;
  return at::linear(at::silu(projected.narrow(-1, 0, intermediate)) * projected.narrow(-1, intermediate, intermediate),
                    down);
}

}  // namespace lb::model
