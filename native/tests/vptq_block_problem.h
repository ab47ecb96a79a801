// A random VPTQ column-block problem on host buffers and its run through the CPU reference step
// (kernels/cpu/vptq_block.h); shared by test_vptq_fused (CPU) and test_vptq_fused_cuda (device vs reference).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/cpu/vptq_block.h"

namespace vptq_test {

struct Problem {
  int64_t m = 0, n = 0, b0 = 0, count = 0, c0 = 0, c1 = 0, first = 0, cols = 0;
  int v = 0;
  int64_t k = 0, k_res = 0;
  bool feedback = true, record_residual = true;
  std::vector<float> w, scale, bias, u, centroids, res_centroids;
  int64_t mv() const { return (m + v - 1) / v; }
  int64_t mp() const { return mv() * v; }
};

struct Outputs {
  std::vector<float> w, q_all, err, residual;
  std::vector<int32_t> indices, res_indices;
};

// separated: points sit 1e-3 from well-spread centroids (no near ties under either score); otherwise Gaussian.
inline Problem make_problem(uint64_t seed, int64_t m, int64_t n, int v, int64_t k, int64_t k_res, int64_t b0,
                            int64_t count, int64_t c0, int64_t c1, bool separated) {
  Problem p;
  p.m = m, p.n = n, p.v = v, p.k = k, p.k_res = k_res, p.b0 = b0, p.count = count, p.c0 = c0, p.c1 = c1;
  p.first = b0 + c0 > 3 ? b0 + c0 - 3 : 0;  // the codebook's range starts before this call's columns
  p.cols = n - p.first;
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> uniform(0.5f, 2.0f);
  p.centroids.resize(static_cast<size_t>(k * v));
  for (float& x : p.centroids) x = separated ? 10.0f * normal(rng) : normal(rng);
  p.res_centroids.resize(static_cast<size_t>(k_res * v));
  for (float& x : p.res_centroids) x = separated ? 1e-4f * normal(rng) : 0.3f * normal(rng);
  p.scale.resize(static_cast<size_t>(n));
  p.bias.resize(static_cast<size_t>(n));
  for (int64_t j = 0; j < n; ++j) {
    p.scale[j] = separated ? 1.0f : uniform(rng);
    p.bias[j] = separated ? 0.0f : 0.2f * normal(rng);
  }
  p.w.resize(static_cast<size_t>(m * n));
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t r = 0; r * v < m; ++r) {
      const int64_t c = static_cast<int64_t>(rng() % static_cast<uint64_t>(k));
      for (int t = 0; t < v && r * v + t < m; ++t) {
        p.w[(r * v + t) * n + j] = separated ? p.centroids[c * v + t] + 1e-3f * normal(rng) : 1.5f * normal(rng) + 0.1f;
      }
    }
  }
  p.u.assign(static_cast<size_t>(n * n), 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    p.u[i * n + i] = separated ? 2.0f + uniform(rng) : uniform(rng);
    for (int64_t j = i + 1; j < n; ++j) p.u[i * n + j] = (separated ? 1e-2f : 0.3f) * normal(rng);
  }
  return p;
}

// Output buffers pre-filled with a marker, so entries a step should not write stay recognisable.
inline Outputs fresh_outputs(const Problem& p) {
  Outputs o;
  o.w = p.w;
  o.q_all.assign(static_cast<size_t>(p.m * p.n), -777.0f);
  o.err.assign(static_cast<size_t>(p.m * p.count), -777.0f);
  o.residual.assign(static_cast<size_t>(p.cols * p.mp()), -777.0f);
  o.indices.assign(static_cast<size_t>(p.mv() * p.cols), -7);
  o.res_indices.assign(static_cast<size_t>(p.mv() * p.cols), -7);
  return o;
}

inline lb::kernels::VptqBlockArgs args_for(const Problem& p, float* w, float* q_all, float* err, float* residual,
                                           int32_t* indices, int32_t* res_indices, const float* scale,
                                           const float* bias, const float* u, const float* centroids,
                                           const float* res_centroids, int32_t score) {
  lb::kernels::VptqBlockArgs a;
  a.w = w;
  a.m = p.m;
  a.ld = p.n;
  a.b0 = p.b0;
  a.count = p.count;
  a.c0 = p.c0;
  a.c1 = p.c1;
  a.scale = scale;
  a.bias = bias;
  a.u = u;
  a.v = p.v;
  a.centroids = centroids;
  a.k = p.k;
  if (p.k_res > 0) {
    a.res_centroids = res_centroids;
    a.k_res = p.k_res;
    a.res_indices = res_indices;
  }
  a.indices = indices;
  a.index_ld = p.cols;
  a.index_first = p.first;
  a.q_all = q_all;
  a.err = p.feedback ? err : nullptr;
  a.residual_out = p.record_residual ? residual : nullptr;
  a.score = score;
  return a;
}

inline Outputs run_cpu(const Problem& p, int32_t score) {
  Outputs o = fresh_outputs(p);
  const lb::kernels::VptqBlockArgs a =
      args_for(p, o.w.data(), o.q_all.data(), o.err.data(), o.residual.data(), o.indices.data(), o.res_indices.data(),
               p.scale.data(), p.bias.data(), p.u.data(), p.centroids.data(), p.res_centroids.data(), score);
  lb::kernels::vptq_block_cpu(a, 1);
  return o;
}

}  // namespace vptq_test
