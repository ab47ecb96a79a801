#include "kernels/cpu/vq_matmul_cpu.h"

#include <algorithm>
#include <vector>

namespace lb::kernels {
namespace {

int64_t column_of(const VqWeightsF32& w, int64_t j) { return w.perm == nullptr ? j : static_cast<int64_t>(w.perm[j]); }

// y[b, r] = sum_j xs[b, j] * Q[r, j] + sum_c x[b, c] * bias[c] + layer_bias[r], with xs[b, j] = x[b, P[j]] * scale[P[j]].
void prepare_x(const VqLayout& l, const VqWeightsF32& w, const float* x, int64_t m, std::vector<float>& xs,
               std::vector<float>& xb) {
  xs.assign(static_cast<size_t>(m * l.cols), 0.0f);
  xb.assign(static_cast<size_t>(m), 0.0f);
  for (int64_t b = 0; b < m; ++b) {
    const float* xr = x + b * l.cols;
    for (int64_t j = 0; j < l.cols; ++j) {
      const int64_t c = column_of(w, j);
      xs[static_cast<size_t>(b * l.cols + j)] = w.weight_scale == nullptr ? xr[c] : xr[c] * w.weight_scale[c];
    }
    if (w.weight_bias != nullptr) {
      float acc = 0.0f;
      for (int64_t c = 0; c < l.cols; ++c) acc += xr[c] * w.weight_bias[c];
      xb[static_cast<size_t>(b)] = acc;
    }
  }
}

template <class F>
void parallel_rows(int64_t count, int num_threads, F&& body) {
#pragma omp parallel for schedule(static) num_threads(num_threads > 0 ? num_threads : 1) if (num_threads != 1)
  for (int64_t i = 0; i < count; ++i) body(i);
}

}  // namespace

float vq_code_value(const VqLayout& l, const VqWeightsF32& w, int64_t r, int64_t j) {
  if (j < l.outliers) {
    const uint32_t idx = w.outlier_indices[(r / l.v0) * l.outliers + j];
    return w.outlier_centroids[static_cast<int64_t>(idx) * l.v0 + r % l.v0];
  }
  const int64_t g = (j - l.outliers) / l.group_size;
  const int64_t jj = (j - l.outliers) % l.group_size;
  const uint32_t* row = w.indices + (g * l.vector_rows + r / l.v) * l.row_words;
  const uint32_t code = vq_read_bits(row, jj, l.index_bits);
  const uint32_t idx = l.main_bits >= 32 ? code : code & ((1u << l.main_bits) - 1u);
  float q = w.centroids[g * static_cast<int64_t>(l.k) * l.v + static_cast<int64_t>(idx) * l.v + r % l.v];
  if (w.res_centroids != nullptr) {
    const uint32_t ridx = code >> l.main_bits;
    q += w.res_centroids[g * static_cast<int64_t>(l.k_res) * l.v + static_cast<int64_t>(ridx) * l.v + r % l.v];
  }
  return q;
}

void vq_dequantize_cpu(const VqLayout& l, const VqWeightsF32& w, float* w_out, int num_threads) {
  parallel_rows(l.rows, num_threads, [&](int64_t r) {
    for (int64_t j = 0; j < l.cols; ++j) {
      const int64_t c = column_of(w, j);
      const float q = vq_code_value(l, w, r, j);
      const float s = w.weight_scale == nullptr ? 1.0f : w.weight_scale[c];
      const float b = w.weight_bias == nullptr ? 0.0f : w.weight_bias[c];
      w_out[r * l.cols + c] = s * q + b;
    }
  });
}

void vq_linear_cpu(const VqLayout& l, const VqWeightsF32& w, const float* x, int64_t m, float* y, int num_threads) {
  std::vector<float> xs, xb;
  prepare_x(l, w, x, m, xs, xb);
  // one task per vector row: decode each index once, use its v values for all m rows of x
  parallel_rows(l.vector_rows, num_threads, [&](int64_t vr) {
    const int64_t r0 = vr * l.v;
    const int rows_here = static_cast<int>(std::min<int64_t>(l.v, l.rows - r0));
    std::vector<float> acc(static_cast<size_t>(m * l.v), 0.0f);
    for (int64_t j = l.outliers; j < l.cols; ++j) {
      const int64_t g = (j - l.outliers) / l.group_size;
      const int64_t jj = (j - l.outliers) % l.group_size;
      const uint32_t code = vq_read_bits(w.indices + (g * l.vector_rows + vr) * l.row_words, jj, l.index_bits);
      const uint32_t idx = l.main_bits >= 32 ? code : code & ((1u << l.main_bits) - 1u);
      const float* c = w.centroids + g * static_cast<int64_t>(l.k) * l.v + static_cast<int64_t>(idx) * l.v;
      const float* rc = w.res_centroids == nullptr
                            ? nullptr
                            : w.res_centroids + g * static_cast<int64_t>(l.k_res) * l.v +
                                  static_cast<int64_t>(code >> l.main_bits) * l.v;
      for (int64_t b = 0; b < m; ++b) {
        const float xv = xs[static_cast<size_t>(b * l.cols + j)];
        float* a = acc.data() + b * l.v;
        for (int t = 0; t < rows_here; ++t) a[t] += xv * (rc == nullptr ? c[t] : c[t] + rc[t]);
      }
    }
    for (int64_t b = 0; b < m; ++b) {
      for (int t = 0; t < rows_here; ++t) {
        const int64_t r = r0 + t;
        float sum = acc[static_cast<size_t>(b * l.v + t)];
        // outlier columns: vectors of v0 rows
        for (int64_t j = 0; j < l.outliers; ++j) {
          const uint32_t idx = w.outlier_indices[(r / l.v0) * l.outliers + j];
          sum += xs[static_cast<size_t>(b * l.cols + j)] * w.outlier_centroids[static_cast<int64_t>(idx) * l.v0 + r % l.v0];
        }
        sum += xb[static_cast<size_t>(b)];
        if (w.bias != nullptr) sum += w.bias[r];
        y[b * l.rows + r] = sum;
      }
    }
  });
}

}  // namespace lb::kernels
