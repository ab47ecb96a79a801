// CUDA-event timings of the k-means assignment kernels, torch-free (links the kernel objects; builds in
// seconds with nvcc, so a short GPU call can time a kernel change without building the whole library).
// Usage: lb_kmeans_timing [n d k reps]   (default 7340032 8 65536 5: issue 5's size)
// Prints per kernel "kmeans_timing <kernel> n=.. d=.. k=..: assign median <s> min <s>" (CUDA-core = the
// workspace-free launch; tiled / occ = the two tensor-core kernels, KmeansTcKernel), then for each tensor-core
// kernel its label and min_dist mismatches against the CUDA-core kernel, bitwise (they must be 0). One Lloyd
// iteration is this assignment plus the update and objective (~0.002 s at this size: docs/BENCHMARKS.md).
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels/cuda/kmeans_cuda.h"

namespace {

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "kmeans_timing: %s: %s\n", what, cudaGetErrorString(e));
    std::exit(1);
  }
}

// The data of kmeans_bench: xorshift64 uniform in [-1, 1).
std::vector<float> uniform(size_t count, uint64_t& s) {
  std::vector<float> v(count);
  for (float& x : v) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    x = static_cast<float>((s >> 40) * (1.0 / 16777216.0)) * 2.0f - 1.0f;
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("kmeans_timing: no CUDA device\n");
    return 0;
  }
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 7340032;
  const int d = argc > 2 ? std::atoi(argv[2]) : 8;
  const int64_t k = argc > 3 ? std::atoll(argv[3]) : 65536;
  const int reps = argc > 4 ? std::max(1, std::atoi(argv[4])) : 5;
  if (n < 1 || d < 1 || d > 32 || k < 1) {
    std::fprintf(stderr, "kmeans_timing: need n >= 1, 1 <= d <= 32, k >= 1\n");
    return 2;
  }
  uint64_t s = 88172645463325252ULL;
  const std::vector<float> p = uniform(static_cast<size_t>(n * d), s);
  const std::vector<float> c = uniform(static_cast<size_t>(k * d), s);
  float *dp = nullptr, *dc = nullptr, *dist = nullptr;
  int32_t* labels = nullptr;
  void* ws = nullptr;
  const int64_t ws_bytes = lb::kernels::kmeans_assign_workspace_bytes(n, d, k);
  check(cudaMalloc(reinterpret_cast<void**>(&dp), sizeof(float) * p.size()), "cudaMalloc points");
  check(cudaMalloc(reinterpret_cast<void**>(&dc), sizeof(float) * c.size()), "cudaMalloc centroids");
  check(cudaMalloc(reinterpret_cast<void**>(&dist), sizeof(float) * n), "cudaMalloc min_dist");
  check(cudaMalloc(reinterpret_cast<void**>(&labels), sizeof(int32_t) * n), "cudaMalloc labels");
  check(cudaMalloc(&ws, ws_bytes > 0 ? ws_bytes : 16), "cudaMalloc workspace");
  check(cudaMemcpy(dp, p.data(), sizeof(float) * p.size(), cudaMemcpyHostToDevice), "copy points");
  check(cudaMemcpy(dc, c.data(), sizeof(float) * c.size(), cudaMemcpyHostToDevice), "copy centroids");
  cudaEvent_t e0, e1;
  check(cudaEventCreate(&e0), "event");
  check(cudaEventCreate(&e1), "event");

  struct Kernel {
    const char* name;
    int kind;  // 0: CUDA-core (no workspace), 1: tiled tensor-core, 2: occ tensor-core
  };
  const Kernel kernels[] = {{"cuda-core", 0}, {"tensor-core tiled", 1}, {"tensor-core occ", 2}};
  std::vector<int32_t> ref_labels, got_labels(static_cast<size_t>(n));
  std::vector<float> ref_dist, got_dist(static_cast<size_t>(n));
  for (const Kernel& kn : kernels) {
    if (kn.kind > 0 && ws_bytes == 0) {
      std::printf("kmeans_timing %s: not taken at this size (no tensor-core workspace)\n", kn.name);
      continue;
    }
    auto launch = [&] {
      if (kn.kind == 0) return lb::kernels::kmeans_assign_cuda(dp, n, d, dc, k, labels, dist, nullptr);
      const auto which = kn.kind == 1 ? lb::kernels::KmeansTcKernel::kTiled : lb::kernels::KmeansTcKernel::kOcc;
      return lb::kernels::kmeans_assign_cuda(dp, n, d, dc, k, labels, dist, ws, ws_bytes, which, nullptr);
    };
    check(launch(), kn.name);  // warm-up
    check(cudaDeviceSynchronize(), kn.name);
    std::vector<float> times;
    for (int r = 0; r < reps; ++r) {
      check(cudaEventRecord(e0, nullptr), "record");
      check(launch(), kn.name);
      check(cudaEventRecord(e1, nullptr), "record");
      check(cudaEventSynchronize(e1), kn.name);
      float ms = 0;
      check(cudaEventElapsedTime(&ms, e0, e1), "elapsed");
      times.push_back(ms / 1000.0f);
    }
    std::sort(times.begin(), times.end());
    std::printf("kmeans_timing %s n=%lld d=%d k=%lld: assign median %.4f s min %.4f s\n", kn.name,
                static_cast<long long>(n), d, static_cast<long long>(k), times[times.size() / 2], times[0]);
    check(cudaMemcpy(got_labels.data(), labels, sizeof(int32_t) * n, cudaMemcpyDeviceToHost), "labels back");
    check(cudaMemcpy(got_dist.data(), dist, sizeof(float) * n, cudaMemcpyDeviceToHost), "min_dist back");
    if (kn.kind == 0) {
      ref_labels = got_labels;
      ref_dist = got_dist;
    } else {
      int64_t bad_l = 0, bad_d = 0;
      for (int64_t i = 0; i < n; ++i) {
        bad_l += got_labels[static_cast<size_t>(i)] != ref_labels[static_cast<size_t>(i)];
        bad_d += std::memcmp(&got_dist[static_cast<size_t>(i)], &ref_dist[static_cast<size_t>(i)], sizeof(float)) != 0;
      }
      std::printf("kmeans_timing A/B %s vs cuda-core: %lld label mismatches, %lld min_dist mismatches (bitwise)\n",
                  kn.name, static_cast<long long>(bad_l), static_cast<long long>(bad_d));
    }
    std::fflush(stdout);
  }
  cudaFree(dp);
  cudaFree(dc);
  cudaFree(dist);
  cudaFree(labels);
  cudaFree(ws);
  return 0;
}
