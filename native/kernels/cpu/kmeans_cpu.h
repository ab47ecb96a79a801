// Weighted k-means building blocks on the CPU (torch-free): fused nearest-centroid assignment and the
// deterministic weighted update.
#pragma once

#include <stdint.h>

namespace lb::kernels {

// points [n, d], centroids [k, d], row-major f32. labels[i] = argmin_c ||points[i] - centroids[c]||^2
// (exact squared differences; ties go to the lowest index); min_dist[i] = that squared distance
// (min_dist may be NULL). The n x k distance matrix is never stored. num_threads <= 0: OpenMP default.
void kmeans_assign_cpu(const float* points, int64_t n, int d, const float* centroids, int64_t k, int32_t* labels,
                       float* min_dist, int num_threads);

// sums[c, :] = sum over points with labels == c of weights[i] * points[i, :] and weight_sums[c] = the
// sum of their weights, accumulated in f64 in increasing point order (deterministic). weights may be
// NULL (all 1). sums [k, d] and weight_sums [k] are overwritten.
void kmeans_weighted_sums_cpu(const float* points, const float* weights, int64_t n, int d, const int32_t* labels,
                              int64_t k, double* sums, double* weight_sums);

}  // namespace lb::kernels
