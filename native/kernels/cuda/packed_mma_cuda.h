// The tensor-core path of the CUDA packed int2/3/4 matmul (m >= 5): same contract as packed_linear_cuda
// (packed_matmul_cuda.h), which calls it for the shapes it takes; the kernel is packed_mma_cuda.cuh.
#pragma once

#include <cuda_runtime_api.h>
#include <stdint.h>

#include "kernels/cuda/packed_matmul_cuda.h"

namespace lb::kernels {

// Whether the tensor-core kernel takes this call (m >= 5, x f16 / bf16 / f32, a supported group size).
bool packed_mma_cuda_takes(const PackedLinearCudaArgs& args);

// Writes args.y (not y_out) with the tensor-core kernel (the pipelined one of packed_mma_pipe_cuda.h when it
// takes the call); call only when packed_mma_cuda_takes(args).
// Asynchronous on `stream`; returns the memset / launch status.
cudaError_t packed_mma_cuda(const PackedLinearCudaArgs& args, cudaStream_t stream, PackedLinearCudaWorkspace workspace = {});

// Switches the tensor-core path on or off for the process (benchmarks compare both kernels). The initial
// state is on unless the environment variable LOWBIT_PACKED_MMA is "0" (a kill switch).
void packed_mma_cuda_enable(bool on);

}  // namespace lb::kernels
