// The fused VPTQ column-block step (LOWBIT_VPTQ_FUSED=1): its CPU reference (kernels/cpu/vptq_block_cpu.cpp)
// under both scores, and whole layers through lb_vptq_quantize_layer with the fused loop against the torch
// column loop: odd M, v in {2,4,6,8}, k in {1,7,256}, residual on/off, block sizes that do not divide N,
// outlier + group codebooks switching inside a block; the same on CUDA when a device is present.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"
#include "vptq_block_problem.h"

namespace {

using lb::kernels::kVptqScoreExact;
using lb::kernels::kVptqScoreExpanded;

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  float worst = a.size() == b.size() ? 0.0f : INFINITY;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) worst = std::fmax(worst, std::fabs(a[i] - b[i]));
  return worst;
}

size_t mismatches(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  size_t n = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) n += a[i] != b[i];
  return n;
}

// The reference step alone: both scores agree on separated data; it writes exactly its columns.
void test_reference_step() {
  const int vs[] = {2, 4, 6, 8, 3};
  for (int v : vs) {
    for (int64_t k : {int64_t{1}, int64_t{7}, int64_t{256}}) {
      for (int res = 0; res < 2; ++res) {
        vptq_test::Problem p = vptq_test::make_problem(100 + v * 7 + k + res, 37, 29, v, k, res ? 5 : 0, 8, 13, 2, 11, true);
        const vptq_test::Outputs a = vptq_test::run_cpu(p, kVptqScoreExact);
        const vptq_test::Outputs b = vptq_test::run_cpu(p, kVptqScoreExpanded);
        const std::string what = "v=" + std::to_string(v) + " k=" + std::to_string(k) + " res=" + std::to_string(res);
        CHECK(mismatches(a.indices, b.indices) == 0);
        CHECK(mismatches(a.res_indices, b.res_indices) == 0);
        CHECK(max_abs_diff(a.q_all, b.q_all) < 1e-4f);
        if (mismatches(a.indices, b.indices) != 0) std::printf("reference scores disagree: %s\n", what.c_str());
        // q_all only in this call's columns (and only real rows), err only in its block-local columns.
        bool outside_untouched = true, inside_written = true;
        for (int64_t row = 0; row < p.m; ++row) {
          for (int64_t j = 0; j < p.n; ++j) {
            const bool mine = j >= p.b0 + p.c0 && j < p.b0 + p.c1;
            const float q = a.q_all[row * p.n + j];
            if (mine ? q == -777.0f : q != -777.0f) (mine ? inside_written : outside_untouched) = false;
          }
          for (int64_t i = 0; i < p.count; ++i) {
            const bool mine = i >= p.c0 && i < p.c1;
            if (mine == (a.err[row * p.count + i] == -777.0f)) inside_written = false;
          }
        }
        CHECK(outside_untouched);
        CHECK(inside_written);
        // separated data: every whole vector lands on the centroid it was drawn from, within the noise (the
        // last, zero-padded vector is scored with its padding, so it may not)
        float far = 0.0f;
        for (int64_t row = 0; row < p.m / v * v; ++row)
          for (int64_t j = p.b0 + p.c0; j < p.b0 + p.c1; ++j) far = std::fmax(far, std::fabs(a.q_all[row * p.n + j] - p.w[row * p.n + j]));
        CHECK(far < 0.05f);
        if (!(far < 0.05f)) std::printf("reference step %s: max |q - w| %g\n", what.c_str(), far);
      }
    }
  }
}

struct Quantized {
  std::vector<int32_t> indices, res_indices, outlier_indices;
  std::vector<float> dequant;
  double proxy = 0;
  bool ok = false;
};

Quantized quantize(lb_tensor w, lb_tensor h, const lb_vptq_options& o, bool fused) {
  if (fused) {
    setenv("LOWBIT_VPTQ_FUSED", "1", 1);
  } else {
    setenv("LOWBIT_VPTQ_FUSED", "0", 1);
  }
  lb_vptq_layer out{};
  out.struct_size = sizeof(out);
  Quantized q;
  const int status = lb_vptq_quantize_layer(w, h, &o, &out);
  unsetenv("LOWBIT_VPTQ_FUSED");
  CHECK_OK(status);
  if (status != LB_OK) return q;
  Tensor centroids(out.centroids), res_centroids(out.res_centroids), indices(out.indices), res_indices(out.res_indices),
      oc(out.outlier_centroids), oi(out.outlier_indices), perm(out.perm), scale(out.weight_scale), bias(out.weight_bias),
      dequant(out.dequant);
  q.indices = to_vector<int32_t>(convert(indices.get(), LB_DTYPE_I32).get());
  if (res_indices) q.res_indices = to_vector<int32_t>(convert(res_indices.get(), LB_DTYPE_I32).get());
  if (oi) q.outlier_indices = to_vector<int32_t>(convert(oi.get(), LB_DTYPE_I32).get());
  q.dequant = to_vector<float>(convert(dequant.get(), LB_DTYPE_F32).get());
  q.proxy = out.proxy_error;
  q.ok = true;
  return q;
}

// H = X^T X with correlated, unevenly scaled features.
std::vector<float> hessian(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  const int64_t tokens = 3 * n;
  std::vector<double> x(static_cast<size_t>(tokens * n)), h(static_cast<size_t>(n * n), 0.0);
  for (int64_t t = 0; t < tokens; ++t) {
    const double shared = normal(rng);
    for (int64_t i = 0; i < n; ++i) x[t * n + i] = normal(rng) * (1.0 + 2.0 * (i % 7 == 0)) + 0.5 * shared;
  }
  for (int64_t t = 0; t < tokens; ++t)
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) h[i * n + j] += x[t * n + i] * x[t * n + j];
  return std::vector<float>(h.begin(), h.end());
}

struct Setting {
  int v;
  int64_t k;
  int64_t residual;
  int64_t block;
  int64_t outliers;  // with 3 groups when > 0
  bool norm;
};

lb_vptq_options options_for(const Setting& s) {
  lb_vptq_options o{};
  o.struct_size = sizeof(o);
  o.vector_len = s.v;
  o.codebook_size = s.k;
  o.res_codebook_size = s.residual;
  o.groups = s.outliers > 0 ? 3 : 1;
  o.outlier_columns = s.outliers;
  o.outlier_vector_len = 3;
  o.outlier_codebook_size = 5;
  o.enable_norm = s.norm ? 1 : 0;
  o.enable_perm = 1;
  o.block_size = s.block;
  o.error_feedback = 1;
  o.kmeans_max_iter = 8;
  o.kmeans_init = LB_KMEANS_INIT_RANDOM;
  o.kmeans_tol = 1e-6;
  o.damp = 0.01;
  o.seed = 3;
  return o;
}

// W whose vectors (v consecutive rows of a column) are drawn near a few well-spread patterns.
std::vector<float> separated_weight(int64_t m, int64_t n, int v, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> patterns(static_cast<size_t>(4 * v));
  for (float& x : patterns) x = 8.0f * normal(rng);
  std::vector<float> w(static_cast<size_t>(m * n));
  for (int64_t j = 0; j < n; ++j)
    for (int64_t r = 0; r * v < m; ++r) {
      const uint64_t c = rng() % 4;
      for (int t = 0; t < v && r * v + t < m; ++t) w[(r * v + t) * n + j] = patterns[c * v + t] + 1e-3f * normal(rng);
    }
  return w;
}

void compare_layers(const char* device, int32_t device_type, const std::vector<Setting>& settings) {
  const int64_t m = 45, n = 50;  // odd M (not a multiple of 2, 4, 6 or 8); blocks of 16 / 7 do not divide N
  const Tensor h_host = host_tensor(hessian(n, 11), LB_DTYPE_F32, {n, n});
  const Tensor h = convert(h_host.get(), LB_DTYPE_F32, device_type);
  std::mt19937_64 rng(5);
  std::normal_distribution<float> normal;
  for (const Setting& s : settings) {
    for (int separated = 0; separated < 2; ++separated) {
      std::vector<float> wv(static_cast<size_t>(m * n));
      if (separated) {
        wv = separated_weight(m, n, s.v, 40 + s.v);
      } else {
        for (float& x : wv) x = normal(rng);
      }
      const Tensor w = convert(host_tensor(wv, LB_DTYPE_F32, {m, n}).get(), LB_DTYPE_F32, device_type);
      Setting t = s;
      if (separated) t.norm = false;  // one shared scale so the patterns stay separated after normalization
      const lb_vptq_options o = options_for(t);
      const Quantized torch_loop = quantize(w.get(), h.get(), o, false);
      const Quantized fused = quantize(w.get(), h.get(), o, true);
      const Quantized fused2 = quantize(w.get(), h.get(), o, true);
      if (!torch_loop.ok || !fused.ok || !fused2.ok) continue;
      const double rel = std::fabs(fused.proxy - torch_loop.proxy) / std::fmax(torch_loop.proxy, 1e-12);
      const size_t bad = mismatches(torch_loop.indices, fused.indices) + mismatches(torch_loop.res_indices, fused.res_indices) +
                         mismatches(torch_loop.outlier_indices, fused.outlier_indices);
      std::printf("test_vptq_fused %s v=%d k=%lld res=%lld block=%lld outliers=%lld %s: proxy torch %.6g fused %.6g "
                  "(rel %.2e), index mismatches %zu of %zu, max |dequant diff| %.3g\n",
                  device, s.v, (long long)s.k, (long long)s.residual, (long long)s.block, (long long)s.outliers,
                  separated ? "separated" : "random", torch_loop.proxy, fused.proxy, rel, bad, torch_loop.indices.size(),
                  max_abs_diff(torch_loop.dequant, fused.dequant));
      // deterministic
      CHECK(mismatches(fused.indices, fused2.indices) == 0 && mismatches(fused.res_indices, fused2.res_indices) == 0);
      CHECK(same_bits(fused.dequant, fused2.dequant));
      if (separated) {
        CHECK(bad == 0);
        CHECK(max_abs_diff(torch_loop.dequant, fused.dequant) < 1e-3f);
      } else {
        CHECK(rel < 1e-3);
      }
    }
  }
}

std::vector<Setting> cpu_settings() {
  return {
      {2, 7, 0, 16, 0, true},   {4, 7, 4, 7, 5, true},   {6, 1, 0, 16, 5, true},  {8, 7, 3, 16, 0, true},
      {2, 256, 0, 7, 5, true},  {4, 256, 5, 16, 0, true}, {6, 7, 4, 7, 0, true},  {8, 1, 2, 7, 5, true},
      {4, 1, 0, 64, 0, true},   {6, 256, 0, 16, 5, true}, {8, 256, 4, 16, 5, true}, {2, 1, 3, 16, 5, true},
  };
}

void test_cuda_layers() {
  if (!runtime_info().cuda_available) {
    std::printf("test_vptq_fused: no CUDA device, CUDA part skipped\n");
    return;
  }
  compare_layers("cuda", LB_DEVICE_CUDA, cpu_settings());
}

}  // namespace

int main() {
  test_reference_step();
  compare_layers("cpu", LB_DEVICE_CPU, cpu_settings());
  test_cuda_layers();
  return check::finish("test_vptq_fused");
}
