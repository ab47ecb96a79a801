// One weighted Lloyd iteration through lowbit at N x d points, k centroids (default the VPTQ spec's
// Llama-3-8B MLP case: N = 7.34M, d = 8, k = 65536) on CUDA (or the CPU with "cpu"):
//   kmeans_bench [cuda|cpu] [n] [d] [k] [reps]
// Prints the fused assignment time and one full iteration (fit with max_iter = 1 minus fit with max_iter = 0,
// i.e. weighted update + re-assign + objective), both averaged over reps after a warm-up.
// On cuda: an A/B in one run, the CUDA-core assignment (LOWBIT_KMEANS_TF32=0) then the tiled tensor-core one
// (LOWBIT_KMEANS_TC=tiled), then its lower-register variant (LOWBIT_KMEANS_TC=occ, the default for d <= 8), and
// how many labels / min distances of each tensor-core kernel differ from the CUDA-core one.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "lowbit.h"

#if LOWBIT_BENCH_CUDA_SYNC
#include <cuda_runtime_api.h>
#endif

namespace {

void check(int status, const char* what) {
  if (status != LB_OK) {
    std::fprintf(stderr, "%s failed: %s\n", what, lb_last_error());
    std::exit(1);
  }
}

void sync() {
#if LOWBIT_BENCH_CUDA_SYNC
  cudaDeviceSynchronize();
#endif
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const bool cuda = argc < 2 || std::string(argv[1]) != "cpu";
  const int64_t n = argc > 2 ? std::atoll(argv[2]) : 7340032;
  const int64_t d = argc > 3 ? std::atoll(argv[3]) : 8;
  const int64_t k = argc > 4 ? std::atoll(argv[4]) : 65536;
  const int reps = argc > 5 ? std::atoi(argv[5]) : 3;
  const int32_t dev = cuda ? LB_DEVICE_CUDA : LB_DEVICE_CPU;

  std::vector<float> p(static_cast<size_t>(n * d)), w(static_cast<size_t>(n)), c(static_cast<size_t>(k * d));
  uint64_t s = 88172645463325252ULL;
  auto next = [&] {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<float>((s >> 40) * (1.0 / 16777216.0)) * 2.0f - 1.0f;
  };
  for (float& x : p) x = next();
  for (float& x : w) x = 1.0f + 0.5f * next();
  for (float& x : c) x = next();
  const int64_t ps[2] = {n, d}, ws[1] = {n}, cs[2] = {k, d};
  lb_tensor points = nullptr, weights = nullptr, centroids = nullptr;
  check(lb_tensor_from_host(p.data(), LB_DTYPE_F32, ps, 2, dev, 0, &points), "points");
  check(lb_tensor_from_host(w.data(), LB_DTYPE_F32, ws, 1, dev, 0, &weights), "weights");
  check(lb_tensor_from_host(c.data(), LB_DTYPE_F32, cs, 2, dev, 0, &centroids), "centroids");

  auto time_assign = [&] {
    lb_tensor labels = nullptr;
    sync();
    const auto t0 = std::chrono::steady_clock::now();
    check(lb_kmeans_assign(points, centroids, &labels, nullptr), "lb_kmeans_assign");
    sync();
    const double t = seconds_since(t0);
    lb_tensor_free(labels);
    return t;
  };
  auto time_fit = [&](int32_t iters) {
    lb_kmeans_options o{};
    o.struct_size = sizeof(o);
    o.k = k;
    o.max_iter = iters;
    o.tol = 0.0;
    lb_tensor out_c = nullptr, out_l = nullptr;
    double objective = 0;
    sync();
    const auto t0 = std::chrono::steady_clock::now();
    check(lb_kmeans_fit(points, weights, centroids, &o, &out_c, &out_l, &objective, nullptr, nullptr), "lb_kmeans_fit");
    sync();
    const double t = seconds_since(t0);
    lb_tensor_free(out_c);
    lb_tensor_free(out_l);
    return t;
  };
  auto run = [&](const char* variant) {
    time_assign();  // warm-up
    time_fit(1);
    double assign = 0, fit0 = 0, fit1 = 0;
    for (int r = 0; r < reps; ++r) {
      assign += time_assign();
      fit0 += time_fit(0);
      fit1 += time_fit(1);
    }
    assign /= reps;
    fit0 /= reps;
    fit1 /= reps;
    std::printf("kmeans_bench %s%s n=%lld d=%lld k=%lld: assign %.4f s, one Lloyd iteration (update + assign + objective) "
                "%.4f s, update + objective %.4f s, fit(max_iter=1) %.4f s\n",
                cuda ? "cuda" : "cpu", variant, static_cast<long long>(n), static_cast<long long>(d),
                static_cast<long long>(k), assign, fit1 - fit0, fit1 - fit0 - assign, fit1);
    std::fflush(stdout);
  };
  auto labels_and_dist = [&](std::vector<int32_t>& l, std::vector<float>& dist) {
    lb_tensor lt = nullptr, dt = nullptr;
    check(lb_kmeans_assign(points, centroids, &lt, &dt), "lb_kmeans_assign");
    l.resize(static_cast<size_t>(n));
    dist.resize(static_cast<size_t>(n));
    check(lb_tensor_to_host(lt, l.data(), n * 4), "labels to host");
    check(lb_tensor_to_host(dt, dist.data(), n * 4), "min_dist to host");
    lb_tensor_free(lt);
    lb_tensor_free(dt);
  };
  if (!cuda) {
    run("");
  } else {
    std::vector<int32_t> l0, l1, l2;
    std::vector<float> d0, d1, d2;
    setenv("LOWBIT_KMEANS_TF32", "0", 1);
    run(" cuda-core");
    labels_and_dist(l0, d0);
    setenv("LOWBIT_KMEANS_TF32", "1", 1);
    setenv("LOWBIT_KMEANS_TC", "tiled", 1);
    run(" tensor-core");
    labels_and_dist(l1, d1);
    setenv("LOWBIT_KMEANS_TC", "occ", 1);
    run(" tensor-core occ");
    labels_and_dist(l2, d2);
    unsetenv("LOWBIT_KMEANS_TC");
    auto report = [&](const char* name, const std::vector<int32_t>& l, const std::vector<float>& dist) {
      int64_t label_diff = 0, dist_diff = 0;
      for (int64_t i = 0; i < n; ++i) {
        label_diff += l0[static_cast<size_t>(i)] != l[static_cast<size_t>(i)];
        dist_diff += std::memcmp(&d0[static_cast<size_t>(i)], &dist[static_cast<size_t>(i)], 4) != 0;
      }
      std::printf("kmeans_bench A/B n=%lld d=%lld k=%lld: %s vs cuda-core: %lld label mismatches, "
                  "%lld min_dist mismatches (bitwise)\n",
                  static_cast<long long>(n), static_cast<long long>(d), static_cast<long long>(k), name,
                  static_cast<long long>(label_diff), static_cast<long long>(dist_diff));
    };
    report("tensor-core", l1, d1);
    report("tensor-core occ", l2, d2);
  }
  lb_tensor_free(points);
  lb_tensor_free(weights);
  lb_tensor_free(centroids);
  return 0;
}
