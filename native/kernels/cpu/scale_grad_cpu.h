#pragma once

#include <stdint.h>

namespace lb::kernels {

// grad_scales [groups, out] = sum_t dy[t, o] * sum_{i in g} (q[i, o] - z[g, o]) * x[t, i]; all f32.
void scale_grad_packed_cpu(const float* x, const float* dy, const int32_t* qweight, const float* zeros, int64_t m,
                           int64_t in, int64_t out, int64_t group, int bits, float* grad_scales, int num_threads);

}  // namespace lb::kernels
