// One VPTQ column-block step (GPTQ-style in-block loop) on plain buffers, torch-free: the shared argument
// struct of the CPU reference (vptq_block_cpu) and the CUDA kernel (kernels/cuda/vptq_block_cuda.h).
//
// Within a block of `count` columns starting at b0 every operation is row-local: column j's vectors are v
// consecutive rows, each vector's nearest centroid is independent, and the error feedback
// e[row] = (w[row, j] - q[row, j]) / U[j, j]; w[row, later in block] -= e[row] * U[j, later] touches only that row.
// So one call quantizes block-local columns [c0, c1) (one codebook) for all rows, exactly as the torch loop in
// src/vptq/vptq_layer.cpp does column by column; the cross-block update (err x U) stays a matmul in the caller.
#pragma once

#include <stdint.h>

namespace lb::kernels {

// How the nearest centroid is scored; each matches one k-means assignment kernel so labels agree with it.
enum VptqScore : int32_t {
  kVptqScoreExact = 0,     // sum_t (x_t - c_t)^2 in order t = 0..v-1 (kmeans_assign_cpu)
  kVptqScoreExpanded = 1,  // ||c||^2 + sum_t fma(-2 x_t, c_t, .) with ||c||^2 an fma chain (kmeans_assign_cuda)
};

struct VptqBlockArgs {
  float* w;                     // [m, ld] row-major (permuted, original space); block columns later than c1 updated in place
  int64_t m = 0, ld = 0;        // rows; row stride of w, q_all and u (= N)
  int64_t b0 = 0, count = 0;    // the block: columns [b0, b0 + count)
  int64_t c0 = 0, c1 = 0;       // block-local columns this call quantizes, [c0, c1)
  const float* scale = nullptr;  // [N] per-column normalization: points = (w - bias) / scale
  const float* bias = nullptr;   // [N]
  const float* u = nullptr;      // [N, N] upper Cholesky factor of H^-1, row-major with stride ld
  int v = 0;                     // vector length (1..32); rows padded to a multiple of v with zero points
  const float* centroids = nullptr;  // [k, v]
  int64_t k = 0;
  const float* res_centroids = nullptr;  // [k_res, v] or NULL: no residual codebook in this call
  int64_t k_res = 0;
  int32_t* indices = nullptr;      // indices[r * index_ld + (b0 + i - index_first)] for vector r of column b0 + i
  int32_t* res_indices = nullptr;  // same layout; written when res_centroids is set
  int64_t index_ld = 0, index_first = 0;
  float* q_all = nullptr;         // [m, ld]: q_all[row, j] = dequantized value
  float* err = nullptr;           // [m, count] (row stride count): the scaled errors; NULL: no error feedback
  float* residual_out = nullptr;  // NULL, or [columns, ceil(m/v) * v]: points - q of column j at (j - index_first)
  int32_t score = kVptqScoreExact;
};

int64_t vptq_padded_rows(int64_t m, int v);

// The reference: vectors in parallel (OpenMP, num_threads <= 0: default), columns in order. Arithmetic is
// element for element the torch loop's (one rounding per op, no contraction).
void vptq_block_cpu(const VptqBlockArgs& a, int num_threads);

}  // namespace lb::kernels
