// Weighted k-means over torch tensors: argument checks, device dispatch to the torch-free kernels,
// seeding, Lloyd loop with empty-cluster splitting. Also used by the VPTQ column loop.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

#include "lowbit.h"

namespace lb {

struct KmeansResult {
  at::Tensor centroids;  // f32 [k, d]
  at::Tensor labels;     // i32 [n]
  double objective = 0.0;
  int32_t iterations = 0;
  int64_t empty_splits = 0;
};

// points f32 contiguous [n, d]; centroids f32 contiguous [k, d] on the same device. min_dist: optional.
at::Tensor kmeans_assign_labels(const at::Tensor& points, const at::Tensor& centroids, at::Tensor* min_dist);

// points f32 [n, d]; weights f32 [n] or undefined; init undefined or f32 [k, d].
KmeansResult kmeans_fit(const at::Tensor& points, const at::Tensor& weights, const at::Tensor& init,
                        const lb_kmeans_options& options);

void kmeans_assign_api(lb_tensor points, lb_tensor centroids, lb_tensor* labels, lb_tensor* min_dist);
void kmeans_fit_api(lb_tensor points, lb_tensor weights, lb_tensor init_centroids, const lb_kmeans_options* options,
                    lb_tensor* centroids, lb_tensor* labels, double* objective, int32_t* iterations,
                    int64_t* empty_splits);

}  // namespace lb
