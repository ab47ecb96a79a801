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
  const uint16_t* bank_indices;    // [G, vector_rows, ceil(S / 16) * 16] from vq_bank_indices_cuda, or NULL
};

// Why the fused GEMV cannot run this layout (vector length not built, codebooks beyond shared memory),
// or NULL. The adapter then dequantizes and multiplies instead.
const char* vq_linear_cuda_unsupported(const VqLayout& l, int max_shared_bytes);

// y [M] f32 = x [N] . W^T (+ bias) for one row of x (x_dtype: 0 f32, 1 f16, 2 bf16). workspace: N + 1 floats.
// Asynchronous on `stream`; returns the first launch error.
cudaError_t vq_linear_cuda(const VqLayout& l, const VqWeightsCuda& w, const void* x, int x_dtype, float* y,
                           float* workspace, cudaStream_t stream);

// The VQ GEMV variant where several take the layout: the tensor-core kernel (vq_gemv_mma_kernel.cuh: v8, T = 8 or
// 12, no residual; the default), the wide one (vq_gemv_wide_kernel.cuh; "new": the default before it) or the
// column-stationary one (vq_gemv_fast_kernel.cuh, "old"), from LOWBIT_VQ_GEMV=old|wide|new unless set here (-1: back
// to the environment, 0: old, 1: wide, 2: tensor cores). Process-wide; for benchmarks and tests.
void vq_gemv_cuda_set_variant(int variant);
// The kernel vq_linear_cuda runs for this layout now: "mma", "mma-banked" (banked: w.bank_indices set), "wide",
// "fast", "general" or "none" (outliers only).
const char* vq_gemv_cuda_kernel_name(const VqLayout& l, bool residual, int sms, int max_shared_bytes,
                                     bool banked = false);

// Elements of the banked indices of this layout (vq_bank_indices.cuh: 16-bit slots into rotated codebook copies, so
// the tensor-core GEMV's shared loads spread over the banks), or 0 where the banked GEMV does not take the layout
// (v != 8, a residual codebook, k other than 256 or 4096, group_size < 65: fewer than 5 runs of 16 columns, codebooks
// beyond max_shared_bytes three times over). A GEMV given w.bank_indices (from vq_bank_indices_cuda for the same
// indices) runs the banked kernel where it can and reads w.indices elsewhere; y is the same either way.
int64_t vq_bank_index_count(const VqLayout& l, int max_shared_bytes);

// Why the banked GEMV does not take this layout, or NULL.
const char* vq_bank_indices_unsupported(const VqLayout& l, int max_shared_bytes);

// slots [vq_bank_index_count] from w.indices (one kernel; the per-phase search is vq_bank_indices.cuh's).
cudaError_t vq_bank_indices_cuda(const VqLayout& l, const VqWeightsCuda& w, uint16_t* slots, cudaStream_t stream);

// w_out [M, N] f32 exactly as vq_dequantize_cpu computes it.
cudaError_t vq_dequantize_cuda(const VqLayout& l, const VqWeightsCuda& w, float* w_out, cudaStream_t stream);

}  // namespace lb::kernels
