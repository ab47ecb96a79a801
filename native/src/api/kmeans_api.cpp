// extern "C": weighted k-means (VPTQ codebooks).
#include "lowbit.h"
#include "src/api/guard.h"
#include "src/kmeans.h"

using lb::api::guard;

extern "C" {

int lb_kmeans_assign(lb_tensor points, lb_tensor centroids, lb_tensor* labels, lb_tensor* min_dist) {
  return guard("lb_kmeans_assign", [&] { lb::kmeans_assign_api(points, centroids, labels, min_dist); });
}

int lb_kmeans_fit(lb_tensor points, lb_tensor weights, lb_tensor init_centroids, const lb_kmeans_options* options,
                  lb_tensor* centroids, lb_tensor* labels, double* objective, int32_t* iterations,
                  int64_t* empty_splits) {
  return guard("lb_kmeans_fit", [&] {
    lb::kmeans_fit_api(points, weights, init_centroids, options, centroids, labels, objective, iterations,
                       empty_splits);
  });
}

}  // extern "C"
