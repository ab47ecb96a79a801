#pragma once

#include <cuda_runtime_api.h>
#include <stdint.h>

namespace lb::kernels {

cudaError_t scale_grad_packed_cuda(const float* x, const float* dy, const int32_t* qweight, const float* zeros,
                                   int64_t m, int64_t in, int64_t out, int64_t group, int bits, float* grad_scales,
                                   cudaStream_t stream);

}  // namespace lb::kernels
