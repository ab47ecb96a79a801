#pragma once

#include <cuda_runtime_api.h>
#include <stdint.h>

namespace lb::kernels {

// Widest group the kernel stages in shared memory (16 rows x group f32 within 48 KB).
constexpr int64_t kScaleGradMaxGroup = 768;

// Rows of x / dy per split of the scale-gradient launch (a multiple of the kernel's row tile); the launch
// has ceil(m / rows_per_split) splits and writes one [in / group, out] partial per split (sum them in order).
int64_t scale_grad_rows_per_split(int64_t m, int64_t in, int64_t out, int64_t group);

// grad_scales: [ceil(m / rows_per_split), in / group, out] partial sums.
cudaError_t scale_grad_packed_cuda(const float* x, const float* dy, const int32_t* qweight, const float* zeros,
                                   int64_t m, int64_t in, int64_t out, int64_t group, int bits, int64_t rows_per_split,
                                   float* grad_scales, cudaStream_t stream);

}  // namespace lb::kernels
