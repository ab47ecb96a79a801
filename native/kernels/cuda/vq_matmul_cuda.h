// VQ lookup matmul (GEMV, m = 1) and dequantization on a CUDA device (torch-free), VPTQ stored format.
#pragma once

#include <cuda_runtime_api.h>
#include <stdint.h>

#include "kernels/vq_math.h"

namespace lb::kernels {

// Device pointers. Every float operand is f16 as stored (specs/vptq.md); all 16-byte aligned.
struct VqWeightsCuda {
  const void* centroids;           // f16 [G, k * v]
  const void* res_centroids;       // f16 [G, k_res * v] or NULL
  const uint32_t* indices;         // [G, vector_rows, row_words]
  const void* outlier_centroids;   // f16 [k0 * v0] or NULL when O = 0
  const uint16_t* outlier_indices; // [outlier_vector_rows, O] or NULL when O = 0
  const uint16_t* perm;            // [N] or NULL
  const void* weight_scale;        // f16 [N] or NULL
  const void* weight_bias;         // f16 [N] or NULL
  const void* bias;                // f16 [M] or NULL
};

// Why the fused GEMV cannot run this layout (vector length not built, codebooks beyond shared memory),
// or NULL. The adapter then dequantizes and multiplies instead.
const char* vq_linear_cuda_unsupported(const VqLayout& l, int max_shared_bytes);

// y [M] f32 = x [N] . W^T (+ bias) for one row of x (x_dtype: 0 f32, 1 f16, 2 bf16). workspace: N + 1 floats.
// Asynchronous on `stream`; returns the first launch error.
cudaError_t vq_linear_cuda(const VqLayout& l, const VqWeightsCuda& w, const void* x, int x_dtype, float* y,
                           float* workspace, cudaStream_t stream);

// A/B of the column-stationary GEMV where both variants take the layout: "old" (vq_gemv_fast_kernel.cuh) or "new"
// (vq_gemv_wide_kernel.cuh, the default since it measured 0.73-0.92x the old one's time on an H200), from LOWBIT_VQ_GEMV=old|new unless set here (-1: back to the
// environment, 0: old, 1: new). Process-wide; for benchmarks and tests.
void vq_gemv_cuda_set_variant(int variant);
// The kernel vq_linear_cuda runs for this layout now: "fast", "wide", "general" or "none" (outliers only).
const char* vq_gemv_cuda_kernel_name(const VqLayout& l, bool residual, int sms, int max_shared_bytes);

// w_out [M, N] f32 exactly as vq_dequantize_cpu computes it.
cudaError_t vq_dequantize_cuda(const VqLayout& l, const VqWeightsCuda& w, float* w_out, cudaStream_t stream);

}  // namespace lb::kernels
