// Scalar round-to-nearest math shared by the CPU and CUDA kernels, so both produce the same bits.
// Everything is float32; rintf rounds half to even. Build without fast-math and without FMA
// contraction (-ffp-contract=off / -fmad=false). Min/max use fminf/fmaxf, whose result does not
// depend on the reduction order (NaN inputs are ignored), so a warp reduction equals a serial loop.
#pragma once

#include <math.h>
#include <stdint.h>

#if defined(__CUDACC__)
#define LB_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define LB_HOST_DEVICE inline
#endif

namespace lb::kernels {

struct RtnParams {
  float scale;
  int zero;
  float qmax;
};

LB_HOST_DEVICE float clampf(float x, float lo, float hi) { return fminf(fmaxf(x, lo), hi); }

// mn, mx: min and max of the group.
LB_HOST_DEVICE RtnParams rtn_params_asymmetric(float mn, float mx, int bits) {
  const float qmax = (float)((1 << bits) - 1);
  const float scale = clampf((mx - mn) / qmax, 1e-4f, 1e4f);
  const float zero = clampf(rintf(-mn / scale), 0.0f, qmax);
  return RtnParams{scale, (int)zero, qmax};
}

// amax: max |w| of the group.
LB_HOST_DEVICE RtnParams rtn_params_symmetric(float amax, int bits) {
  float scale = amax / (float)((1 << (bits - 1)) - 1);
  if (scale == 0.0f) scale = 1.0f;
  return RtnParams{scale, 1 << (bits - 1), (float)((1 << bits) - 1)};
}

// The zero point is added as an exact small integer; the clamp also maps NaN to 0.
LB_HOST_DEVICE int rtn_code(float w, const RtnParams& p) {
  return (int)clampf(rintf(w / p.scale) + (float)p.zero, 0.0f, p.qmax);
}

// (q - z) is formed in integers, so the result is never -0.
LB_HOST_DEVICE float rtn_dequant(int code, const RtnParams& p) { return (float)(code - p.zero) * p.scale; }

}  // namespace lb::kernels
