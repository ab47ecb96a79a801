// The VPTQ column-block step on a CUDA device (torch-free): one launch quantizes block-local columns
// [c0, c1) of a column block for every row, with the same contract as vptq_block_cpu (kernels/cpu/vptq_block.h).
#pragma once

#include <cuda_runtime_api.h>
#include <stdint.h>

#include "kernels/cpu/vptq_block.h"

namespace lb::kernels {

// Whether the launch shape exists for this vector length and block width (one warp's rows of the block
// must fit in shared memory: v * count <= kVptqBlockMaxSlab).
constexpr int64_t kVptqBlockMaxSlab = 8192;
bool vptq_block_cuda_supported(int v, int64_t count);

// All pointers in device memory; a.score must be kVptqScoreExpanded (the CUDA k-means assignment's score).
// One warp per vector of v rows, the centroids (and their squared norms) in shared memory when they fit.
// Asynchronous on `stream`; returns the launch status (cudaErrorInvalidValue for unsupported arguments).
cudaError_t vptq_block_cuda(const VptqBlockArgs& a, cudaStream_t stream);

}  // namespace lb::kernels
