// Group-wise round-to-nearest quantization on a CUDA device (torch-free; same contract as rtn_cpu).
#pragma once

#include <cuda_runtime_api.h>
#include <stdint.h>

namespace lb::kernels {

// All pointers are device memory; w is row-major [rows, cols] and group divides cols.
// Launches asynchronously on `stream`; returns the launch status.
cudaError_t rtn_cuda(const float* w, int64_t rows, int64_t cols, int64_t group, int bits, bool symmetric,
                     uint8_t* codes, float* scales, float* zeros, float* dequant, cudaStream_t stream);

}  // namespace lb::kernels
