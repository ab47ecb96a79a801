// The fused VPTQ column-block step on torch tensors: dispatch to the CUDA kernel (kernels/cuda/vptq_block_cuda.h)
// or its CPU reference (kernels/cpu/vptq_block.h). Used by the column loop unless LOWBIT_VPTQ_FUSED=0.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lb::vptq {

// LOWBIT_VPTQ_FUSED=0 switches it off (read at every call; on by default since the H200 run of 2026-12-02:
// identical checkpoints, 1.4-3.7x less quantize time).
bool fused_enabled();

// Whether the fused step runs for vector length v and block width count on w's device.
bool fused_supported(const at::Tensor& w, int v, int64_t count);

struct FusedStep {
  int64_t b0 = 0, count = 0, c0 = 0, c1 = 0;  // block [b0, b0 + count); block-local columns [c0, c1)
  int v = 0;
  at::Tensor centroids;      // f32 [k, v]
  at::Tensor res_centroids;  // f32 [k_res, v] or undefined
  at::Tensor indices;        // i32 [rows, ld], column j at j - index_first
  at::Tensor res_indices;    // same layout, when res_centroids is defined
  int64_t index_first = 0;
  at::Tensor err;            // f32 [M, count] or undefined (no error feedback)
  at::Tensor residual_out;   // f32 [columns, ceil(M/v)*v] or undefined
};

// w, q_all: f32 contiguous [M, N]; scale, bias [N]; u [N, N] f32 contiguous, all on one device.
void fused_block_step(at::Tensor& w, at::Tensor& q_all, const at::Tensor& scale, const at::Tensor& bias,
                      const at::Tensor& u, FusedStep& step);

}  // namespace lb::vptq
