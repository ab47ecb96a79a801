#include "kernels/cpu/rtn_cpu.h"

#include <math.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/rtn_math.h"

namespace lb::kernels {
namespace {

RtnParams group_params(const float* w, int64_t group, int bits, bool symmetric) {
  if (symmetric) {
    float amax = 0.0f;
    for (int64_t j = 0; j < group; ++j) amax = fmaxf(amax, fabsf(w[j]));
    return rtn_params_symmetric(amax, bits);
  }
  float mn = INFINITY;
  float mx = -INFINITY;
  for (int64_t j = 0; j < group; ++j) {
    mn = fminf(mn, w[j]);
    mx = fmaxf(mx, w[j]);
  }
  return rtn_params_asymmetric(mn, mx, bits);
}

}  // namespace

void rtn_cpu(const float* w, int64_t rows, int64_t cols, int64_t group, int bits, bool symmetric,
             uint8_t* codes, float* scales, float* zeros, float* dequant, int num_threads) {
  const int64_t groups = rows * (cols / group);
#ifdef _OPENMP
  if (num_threads <= 0) num_threads = omp_get_max_threads();
#pragma omp parallel for schedule(static) num_threads(num_threads) if (groups * group >= 16384)
#endif
  for (int64_t g = 0; g < groups; ++g) {
    const int64_t begin = g * group;
    const RtnParams p = group_params(w + begin, group, bits, symmetric);
    scales[g] = p.scale;
    zeros[g] = (float)p.zero;
    for (int64_t j = begin; j < begin + group; ++j) {
      const int code = rtn_code(w[j], p);
      codes[j] = (uint8_t)code;
      dequant[j] = rtn_dequant(code, p);
    }
  }
  (void)num_threads;
}

}  // namespace lb::kernels
