// The pipelined tensor-core path of the CUDA packed matmul ("mma_pipe", packed_mma_pipe_cuda.cuh): called by
// packed_mma_cuda for the calls it takes (x f16 / bf16, groups that fold, scales 4-byte aligned); same contract.
#pragma once

#include <cuda_runtime_api.h>

#include "kernels/cuda/packed_matmul_cuda.h"

namespace lb::kernels {

// Whether the pipelined kernel takes this call (m >= 5 and the conditions above, and it is switched on).
bool packed_mma_pipe_cuda_takes(const PackedLinearCudaArgs& args);

// Writes args.y with the pipelined kernel (zeroes it first when split over `in`); call only when
// packed_mma_pipe_cuda_takes(args). Asynchronous on `stream`; returns the memset / launch status.
// With a workspace it can use (packed_mma_pipe_cuda_uses_workspace), a small kernel first lays x out as the mma's
// A fragments (permute_x_kernel) and the GEMM copies them instead of building them from raw x; same results.
cudaError_t packed_mma_pipe_cuda(const PackedLinearCudaArgs& args, cudaStream_t stream,
                                 PackedLinearCudaWorkspace workspace = {});
int64_t packed_mma_pipe_cuda_workspace_bytes(int bits, int64_t m, int64_t in);
bool packed_mma_pipe_cuda_uses_workspace(const PackedLinearCudaArgs& args, PackedLinearCudaWorkspace workspace);

// Switches the pipelined kernel on (every call it can take) or off for the process (A/B against packed_mma_cuda's
// kernel). Initially LOWBIT_PACKED_MMA_PIPE decides: "1" on, "0" off, unset: on where it measured faster (4 and 2 bits
// at every m, 3 bits up to m = 16).
void packed_mma_pipe_cuda_enable(bool on);

// Process-wide A/B knob: split-k partial sums added to y with one 16-byte atomic per 4 columns (sm_90, y 16-byte
// aligned) instead of scalar atomics. Initially LOWBIT_MMA_PIPE_VEC_OUT=1 switches it on; off otherwise.
void packed_mma_pipe_cuda_set_vec_out(bool on);

// Process-wide A/B knob: the weight copies issued row by row, four 128-byte L2 requests per warp instruction (true, the
// default), or in the B fragment's lane order, sixteen 32-byte ones (false; LOWBIT_MMA_PIPE_COALESCED=0); same results.
void packed_mma_pipe_cuda_set_coalesced(bool on);

}  // namespace lb::kernels
