// Scalar math of the EfficientQAT group fake-quantizer and of the block reconstruction loss, shared by
// the CPU and CUDA kernels (torch-free). Everything is float32; rintf rounds half to even. Build
// without fast-math and without FMA contraction (-ffp-contract=off / -fmad=false).
//
// Reductions have one fixed order, the same on both devices, so CPU and CUDA agree bit for bit and a
// run is reproducible: a "lane-strided tree" over W lanes sums element j into lane j % W (in increasing
// j), then folds lanes pairwise, p[l] += p[l + h] for h = W/2, W/4, ..., 1 (what a CUDA xor-shuffle or
// a shared-memory tree computes in lane 0).
#pragma once

#include <math.h>
#include <stdint.h>
#include <string.h>

#ifndef LB_HOST_DEVICE
#if defined(__CUDACC__)
#define LB_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define LB_HOST_DEVICE inline
#endif
#endif

namespace lb::kernels {

// ---- 16-bit storage types (bit patterns), converted exactly to float ----
struct F16 {
  uint16_t bits;
};
struct BF16 {
  uint16_t bits;
};

// Input dtype codes of the kernels (the same numbers as LB_DTYPE_F32/F16/BF16).
enum FloatType : int { kTypeF32 = 0, kTypeF16 = 1, kTypeBF16 = 2 };

LB_HOST_DEVICE float float_from_bits(uint32_t bits) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(bits);
#else
  float f;
  memcpy(&f, &bits, sizeof(f));
  return f;
#endif
}

LB_HOST_DEVICE float to_f32(float v) { return v; }
LB_HOST_DEVICE float to_f32(BF16 v) { return float_from_bits((uint32_t)v.bits << 16); }
LB_HOST_DEVICE float to_f32(F16 v) {
  const uint32_t sign = (uint32_t)(v.bits & 0x8000u) << 16;
  const uint32_t exponent = (v.bits >> 10) & 0x1fu;
  const uint32_t mantissa = v.bits & 0x3ffu;
  if (exponent == 0x1fu) return float_from_bits(sign | 0x7f800000u | (mantissa << 13));  // inf / NaN
  if (exponent == 0) {
    const float magnitude = (float)mantissa * 5.9604644775390625e-8f;  // subnormal: m * 2^-24, exact
    return sign ? -magnitude : magnitude;
  }
  return float_from_bits(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

// ---- EfficientQAT fake quantizer (specs/efficientqat.md, "Quantizer (uniform, asymmetric, per group)") ----
// Spec lines followed here:
//   "Forward (fake quant): z' = clamp(round_ste(z), 0, qmax); q = clamp(round_ste(W / s) + z', 0, qmax);
//    Ŵ = (q - z') * s. round_ste rounds in the forward pass and passes the gradient straight through.
//    The clamp on q is a real clamp (gradient 0 outside the range)."
//   "Gradients that follow: inside the range dŴ/dW = 1, dŴ/ds = round(W/s) - W/s, dŴ/dz = 0;
//    clipped elements dŴ/dW = 0, dŴ/ds = (q_bound - z'), dŴ/dz = -s. No LSQ gradient scaling."
//   "Rounding is half-to-even (as torch.round)".
// So: only the clamp on q masks gradients (its range is inclusive, as torch.clamp's backward: an element
// with round(W/s) + z' exactly 0 or qmax is inside). The clamp of z' is not listed as a mask: dŴ/dz = -s
// for every clipped element, i.e. the z' clamp passes the gradient straight through (clamp_ste, as in
// the reference code). s is used as given (no clamp in the forward).

struct FakeQuantElement {
  float w_hat;
  float ds;      // dŴ/ds
  bool clipped;  // q was clamped: dŴ/dW = 0 and dŴ/dz = -s
};

LB_HOST_DEVICE float fq_qmax(int bits) { return (float)((1 << bits) - 1); }

LB_HOST_DEVICE float fq_zero(float z, float qmax) { return fminf(fmaxf(rintf(z), 0.0f), qmax); }

// zq = fq_zero(z, qmax).
LB_HOST_DEVICE FakeQuantElement fq_element(float w, float s, float zq, float qmax) {
  const float x = w / s;
  const float r = rintf(x);
  const float u = r + zq;
  const float q = fminf(fmaxf(u, 0.0f), qmax);
  FakeQuantElement e;
  e.w_hat = (q - zq) * s;
  e.clipped = !(u >= 0.0f && u <= qmax);
  e.ds = e.clipped ? q - zq : r - x;
  return e;
}

// ---- lane-strided tree reduction (see the top of this file) ----
constexpr int kFqLanes = 32;         // fake-quant backward: one 32-lane warp per group
constexpr int kLossThreads = 256;    // reconstruction loss: 256 partial sums per chunk
constexpr int kLossPerThread = 16;   // elements per thread and chunk
constexpr int64_t kLossChunk = (int64_t)kLossThreads * kLossPerThread;

}  // namespace lb::kernels
