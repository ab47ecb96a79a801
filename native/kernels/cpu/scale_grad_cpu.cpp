#include "kernels/cpu/scale_grad_cpu.h"

#include <cstddef>
#include <vector>

#include "kernels/scale_grad_math.h"

namespace lb::kernels {

void scale_grad_packed_cpu(const float* x, const float* dy, const int32_t* qweight, const float* zeros, int64_t m,
                           int64_t in, int64_t out, int64_t group, int bits, float* grad_scales, int num_threads) {
  const int64_t groups = in / group;
  (void)num_threads;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(num_threads > 0 ? num_threads : 1)
#endif
  for (int64_t o = 0; o < out; ++o) {
    std::vector<float> q(static_cast<size_t>(in));
    for (int64_t i = 0; i < in; ++i) q[i] = (float)packed_value(qweight, out, o, i, bits);
    for (int64_t g = 0; g < groups; ++g) {
      const float z = zeros[g * out + o];
      float acc = 0.0f;
      for (int64_t t = 0; t < m; ++t) {
        const float* xr = x + t * in + g * group;
        float partial = 0.0f;
        for (int64_t j = 0; j < group; ++j) partial += (q[g * group + j] - z) * xr[j];
        acc += dy[t * out + o] * partial;
      }
      grad_scales[g * out + o] = acc;
    }
  }
}

}  // namespace lb::kernels
