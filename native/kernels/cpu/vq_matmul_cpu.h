// VQ lookup matmul and dequantization on the CPU (torch-free), VPTQ stored format (kernels/vq_math.h).
// All float operands are f32 here (the adapter converts the stored f16 tensors exactly).
#pragma once

#include <stdint.h>

#include "kernels/vq_math.h"

namespace lb::kernels {

struct VqWeightsF32 {
  const float* centroids;          // [G, k * v]
  const float* res_centroids;      // [G, k_res * v] or NULL
  const uint32_t* indices;         // [G, vector_rows, row_words]
  const float* outlier_centroids;  // [k0 * v0] or NULL when O = 0
  const uint16_t* outlier_indices; // [outlier_vector_rows, O] or NULL when O = 0 (read as unsigned)
  const uint16_t* perm;            // [N] or NULL (identity), read as unsigned
  const float* weight_scale;       // [N] or NULL (1)
  const float* weight_bias;        // [N] or NULL (0)
  const float* bias;               // [M] or NULL: added to y
};

// Q[r, j] of the column j in permuted order (before scale/bias).
float vq_code_value(const VqLayout& l, const VqWeightsF32& w, int64_t r, int64_t j);

// w_out [M, N] f32: W[r, P[j]] = scale[P[j]] * Q[r, j] + bias[P[j]] (the layer bias is not part of W).
void vq_dequantize_cpu(const VqLayout& l, const VqWeightsF32& w, float* w_out, int num_threads);

// y [m, M] = x [m, N] . W^T (+ bias), straight from the indices, fp32 accumulation.
void vq_linear_cpu(const VqLayout& l, const VqWeightsF32& w, const float* x, int64_t m, float* y, int num_threads);

}  // namespace lb::kernels
