// LR-QAT weight quantizer (spec: shared/specs/lrqat.md). All integer-grid math is in "centered" grid
// units c in [qmin, qmax] = [-2^(b-1), 2^(b-1)-1]; a weight is w_hat = s * (c - o) with o = z - 2^(b-1),
// where z is the GPTQ zero point (2^(b-1) for the symmetric grid, so o = 0 there). The GPTQ code of c is
// q = c + 2^(b-1). Device-agnostic (ATen ops), computed in f32.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lb::lrqat {

enum class Downcast : int32_t { Q8 = 0, Int4 = 1, BF16 = 2 };

struct QuantSpec {
  int32_t bits = 4;
  int64_t group_size = 0;  // <= 0: per output channel; larger than in: one group; else must divide in
  Downcast downcast = Downcast::Q8;
  double alpha = 1.0;  // the low-rank product is scaled by alpha / rank

  int64_t qmin() const { return -(int64_t{1} << (bits - 1)); }
  int64_t qmax() const { return (int64_t{1} << (bits - 1)) - 1; }
  // The group length for a row of `in` columns (throws when it does not divide `in`).
  int64_t group_for(int64_t in) const;
};

// Throws unless bits is in {2, 3, 4} (int4 down-cast: also needs an even `in`).
void check_spec(const QuantSpec& spec, int64_t in);

// p = 4 grid search of the initial scales. Symmetric: 100 candidates t_k = k max|w| / 100, s = t / qmax,
// z = 2^(b-1). Asymmetric: the range [k min / 100, k max / 100], s = range / (2^b - 1),
// z = clamp(round(-lo / s), 0, 2^b - 1). Keeps the first k with the smallest sum |Q(w) - w|^4 per group.
// Returns scales and zeros f32 [out, groups] (zeros integer valued); scales are rounded to f16 values.
struct Scales {
  at::Tensor scales;
  at::Tensor zeros;
};
Scales grid_search_init(const at::Tensor& weight, int32_t bits, bool symmetric, int64_t group_size);

// Phi0 = phi(W / s + o): Q8: int8 round(2^(8-b) clip(x)); Int4: u8 [out, in/2], nibble round(clip(x)) - qmin,
// even column in the low nibble; BF16: bf16(x).
at::Tensor downcast(const at::Tensor& weight, const at::Tensor& scales, const at::Tensor& zeros, const QuantSpec& spec);
// phi^-1: f32 [out, in] grid values.
at::Tensor upcast(const at::Tensor& phi0, const QuantSpec& spec);

// The scales as used by the forward: rounded to f16 values (so the GPTQ export, which stores f16 scales,
// is lossless), expanded to [out, in].
at::Tensor effective_scales(const at::Tensor& scales, int64_t in);

// Z = phi^-1(Phi0) + (alpha / r) A B in f32.
at::Tensor latent(const at::Tensor& phi0, const at::Tensor& a, const at::Tensor& b, const QuantSpec& spec);
// w_hat = s * (clamp(round(Z), qmin, qmax) - o), f32 [out, in].
at::Tensor dequantized_weight(const at::Tensor& phi0, const at::Tensor& a, const at::Tensor& b, const at::Tensor& scales,
                              const at::Tensor& zeros, const QuantSpec& spec);

struct WeightGrads {
  at::Tensor a, b, scales;
};
// The spec's backward for grad_w_hat G [out, in]: M = 1[qmin <= round(Z) <= qmax] (recomputed),
// dC = (alpha/r) s (M * G), dA = dC B^T, dB = A^T dC, ds = per-group sum of (W_int - o) * G.
// dA, dB in A's and B's dtypes, ds f32 [out, groups].
WeightGrads weight_backward(const at::Tensor& phi0, const at::Tensor& a, const at::Tensor& b, const at::Tensor& scales,
                            const at::Tensor& zeros, const QuantSpec& spec, const at::Tensor& grad_w_hat);

// The differentiable w_hat (a torch::autograd::Function; nothing but A, B, s saved), in `dtype`.
at::Tensor quantized_weight(const at::Tensor& phi0, const at::Tensor& a, const at::Tensor& b, const at::Tensor& scales,
                            const at::Tensor& zeros, const QuantSpec& spec, c10::ScalarType dtype);

// Merge: GPTQ codes u8 [out, in] = clamp(round(Z)) + 2^(b-1) (scales, zeros are returned as they are used).
at::Tensor merged_codes(const at::Tensor& phi0, const at::Tensor& a, const at::Tensor& b, const QuantSpec& spec);

}  // namespace lb::lrqat
