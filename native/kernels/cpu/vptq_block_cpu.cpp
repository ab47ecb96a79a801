#include "kernels/cpu/vptq_block.h"

#include <cmath>
#include <limits>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace lb::kernels {
namespace {

int32_t nearest(const float* x, const float* c, int64_t k, int v, int32_t score) {
  float best = std::numeric_limits<float>::infinity();
  int32_t best_c = 0;
  for (int64_t i = 0; i < k; ++i) {
    const float* y = c + i * v;
    float s = 0.0f;
    if (score == kVptqScoreExpanded) {
      float norm = 0.0f;
      for (int t = 0; t < v; ++t) norm = std::fma(y[t], y[t], norm);
      s = norm;
      for (int t = 0; t < v; ++t) s = std::fma(-2.0f * x[t], y[t], s);
    } else {
      for (int t = 0; t < v; ++t) {
        const float d = x[t] - y[t];
        s += d * d;
      }
    }
    if (s < best) {
      best = s;
      best_c = static_cast<int32_t>(i);
    }
  }
  return best_c;
}

void one_vector(const VptqBlockArgs& a, int64_t r) {
  const int v = a.v;
  const int64_t mp = vptq_padded_rows(a.m, v);
  float x[32], q[32], res[32];
  for (int64_t i = a.c0; i < a.c1; ++i) {
    const int64_t j = a.b0 + i, local = j - a.index_first;
    const float s = a.scale[j], b = a.bias[j];
    for (int t = 0; t < v; ++t) {
      const int64_t row = r * v + t;
      x[t] = row < a.m ? (a.w[row * a.ld + j] - b) / s : 0.0f;
    }
    const int32_t label = nearest(x, a.centroids, a.k, v, a.score);
    for (int t = 0; t < v; ++t) q[t] = a.centroids[label * v + t];
    a.indices[r * a.index_ld + local] = label;
    if (a.res_centroids != nullptr) {
      for (int t = 0; t < v; ++t) res[t] = x[t] - q[t];
      const int32_t rl = nearest(res, a.res_centroids, a.k_res, v, a.score);
      for (int t = 0; t < v; ++t) q[t] = q[t] + a.res_centroids[rl * v + t];
      a.res_indices[r * a.index_ld + local] = rl;
    }
    if (a.residual_out != nullptr) {
      for (int t = 0; t < v; ++t) a.residual_out[local * mp + r * v + t] = x[t] - q[t];
    }
    const float ujj = a.u[j * a.ld + j];
    for (int t = 0; t < v; ++t) {
      const int64_t row = r * v + t;
      if (row >= a.m) break;
      const float qd = q[t] * s + b;
      a.q_all[row * a.ld + j] = qd;
      if (a.err == nullptr) continue;
      float* wrow = a.w + row * a.ld;
      const float e = (wrow[j] - qd) / ujj;
      a.err[row * a.count + i] = e;
      const float* urow = a.u + j * a.ld;
      for (int64_t c = a.b0 + i + 1; c < a.b0 + a.count; ++c) wrow[c] = wrow[c] - e * urow[c];
    }
  }
}

}  // namespace

int64_t vptq_padded_rows(int64_t m, int v) { return (m + v - 1) / v * v; }

void vptq_block_cpu(const VptqBlockArgs& a, int num_threads) {
  if (num_threads <= 0) {
#ifdef _OPENMP
    num_threads = omp_get_max_threads();
#else
    num_threads = 1;
#endif
  }
  const int64_t mv = vptq_padded_rows(a.m, a.v) / a.v;
#pragma omp parallel for schedule(static) num_threads(num_threads) if (num_threads > 1 && mv > 16)
  for (int64_t r = 0; r < mv; ++r) one_vector(a, r);
}

}  // namespace lb::kernels
