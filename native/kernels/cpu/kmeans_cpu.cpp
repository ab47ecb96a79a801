#include "kernels/cpu/kmeans_cpu.h"

#include <cstring>
#include <limits>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace lb::kernels {
namespace {

template <int D>
void assign_range(const float* points, int64_t begin, int64_t end, int d_runtime, const float* centroids, int64_t k,
                  int32_t* labels, float* min_dist) {
  const int d = D > 0 ? D : d_runtime;
  for (int64_t i = begin; i < end; ++i) {
    const float* x = points + i * d;
    float best = std::numeric_limits<float>::infinity();
    int32_t best_c = 0;
    for (int64_t c = 0; c < k; ++c) {
      const float* y = centroids + c * d;
      float s = 0.0f;
      for (int t = 0; t < d; ++t) {
        const float diff = x[t] - y[t];
        s += diff * diff;
      }
      if (s < best) {
        best = s;
        best_c = static_cast<int32_t>(c);
      }
    }
    labels[i] = best_c;
    if (min_dist != nullptr) min_dist[i] = best;
  }
}

template <int D>
void assign_all(const float* points, int64_t n, int d, const float* centroids, int64_t k, int32_t* labels,
                float* min_dist, int num_threads) {
  constexpr int64_t kChunk = 64;
  const int64_t chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(dynamic, 4) num_threads(num_threads) if (num_threads > 1)
  for (int64_t ch = 0; ch < chunks; ++ch) {
    const int64_t begin = ch * kChunk;
    const int64_t end = begin + kChunk < n ? begin + kChunk : n;
    assign_range<D>(points, begin, end, d, centroids, k, labels, min_dist);
  }
}

}  // namespace

void kmeans_assign_cpu(const float* points, int64_t n, int d, const float* centroids, int64_t k, int32_t* labels,
                       float* min_dist, int num_threads) {
  if (num_threads <= 0) {
#ifdef _OPENMP
    num_threads = omp_get_max_threads();
#else
    num_threads = 1;
#endif
  }
  // The one dispatch site by vector length: fixed lengths unroll, others take the runtime-d loop.
  switch (d) {
    case 2: return assign_all<2>(points, n, d, centroids, k, labels, min_dist, num_threads);
    case 4: return assign_all<4>(points, n, d, centroids, k, labels, min_dist, num_threads);
    case 6: return assign_all<6>(points, n, d, centroids, k, labels, min_dist, num_threads);
    case 8: return assign_all<8>(points, n, d, centroids, k, labels, min_dist, num_threads);
    case 12: return assign_all<12>(points, n, d, centroids, k, labels, min_dist, num_threads);
    case 16: return assign_all<16>(points, n, d, centroids, k, labels, min_dist, num_threads);
    default: return assign_all<0>(points, n, d, centroids, k, labels, min_dist, num_threads);
  }
}

void kmeans_weighted_sums_cpu(const float* points, const float* weights, int64_t n, int d, const int32_t* labels,
                              int64_t k, double* sums, double* weight_sums) {
  std::memset(sums, 0, sizeof(double) * static_cast<size_t>(k * d));
  std::memset(weight_sums, 0, sizeof(double) * static_cast<size_t>(k));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = labels[i];
    const double w = weights != nullptr ? static_cast<double>(weights[i]) : 1.0;
    double* s = sums + c * d;
    const float* x = points + i * d;
    for (int t = 0; t < d; ++t) s[t] += w * static_cast<double>(x[t]);
    weight_sums[c] += w;
  }
}

}  // namespace lb::kernels
