// lb_vptq_quantize_layer: exact reproduction with enough centroids, the second-order loop beats plain
// nearest centroid on the Hessian-weighted error, the outputs reconstruct the dequantized weight, determinism.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "check.h"
#include "lb_helpers.h"

namespace {

struct Layer {
  Tensor centroids, res_centroids, indices, res_indices, outlier_centroids, outlier_indices, perm, scale, bias, dequant;
  double proxy = 0, werr = 0;
};

lb_vptq_options options(int v, int k) {
  lb_vptq_options o{};
  o.struct_size = sizeof(o);
  o.vector_len = v;
  o.codebook_size = k;
  o.outlier_vector_len = 4;
  o.groups = 1;
  o.enable_norm = 1;
  o.enable_perm = 1;
  o.block_size = 8;
  o.error_feedback = 1;
  o.kmeans_max_iter = 30;
  o.kmeans_init = LB_KMEANS_INIT_PLUSPLUS;
  o.kmeans_tol = 1e-6;
  o.damp = 0.01;
  o.seed = 5;
  return o;
}

Layer run(lb_tensor w, lb_tensor h, const lb_vptq_options& o) {
  lb_vptq_layer out{};
  out.struct_size = sizeof(out);
  CHECK_OK(lb_vptq_quantize_layer(w, h, &o, &out));
  Layer L{Tensor(out.centroids), Tensor(out.res_centroids), Tensor(out.indices), Tensor(out.res_indices),
          Tensor(out.outlier_centroids), Tensor(out.outlier_indices), Tensor(out.perm), Tensor(out.weight_scale),
          Tensor(out.weight_bias), Tensor(out.dequant), out.proxy_error, out.weight_error};
  return L;
}

// H = X^T X for inputs with correlated features.
std::vector<float> hessian(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  const int64_t tokens = 4 * n;
  std::vector<double> x(tokens * n), mix(n * n), h(n * n, 0.0);
  for (double& a : mix) a = normal(rng);
  for (int64_t t = 0; t < tokens; ++t) {
    std::vector<double> z(n);
    for (double& a : z) a = normal(rng);
    for (int64_t i = 0; i < n; ++i) {
      double s = z[i] * (1.0 + 3.0 * (i % 5 == 0));
      for (int64_t j = 0; j < 4; ++j) s += 0.8 * mix[i * n + j] * z[j];
      x[t * n + i] = s;
    }
  }
  for (int64_t t = 0; t < tokens; ++t)
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) h[i * n + j] += x[t * n + i] * x[t * n + j];
  return std::vector<float>(h.begin(), h.end());
}

// Rebuild W from the outputs exactly as the stored format's dequantization does.
std::vector<float> reconstruct(const Layer& L, int64_t m, int64_t n, const lb_vptq_options& o) {
  const auto c = to_vector<float>(L.centroids.get());
  const auto idx = to_vector<int32_t>(L.indices.get());
  const auto perm = to_vector<int64_t>(L.perm.get());
  const auto scale = to_vector<float>(L.scale.get());
  const auto bias = to_vector<float>(L.bias.get());
  std::vector<float> r, ridx, oc;
  std::vector<int32_t> ridx_i, oidx;
  if (L.res_centroids) r = to_vector<float>(L.res_centroids.get());
  if (L.res_indices) ridx_i = to_vector<int32_t>(L.res_indices.get());
  if (L.outlier_centroids) {
    oc = to_vector<float>(L.outlier_centroids.get());
    oidx = to_vector<int32_t>(L.outlier_indices.get());
  }
  const int64_t v = o.vector_len, k = o.codebook_size, kr = o.res_codebook_size, v0 = o.outlier_vector_len;
  const int64_t O = o.outlier_columns, S = (n - O + o.groups - 1) / o.groups, mv = (m + v - 1) / v;
  std::vector<float> w(m * n);
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t row = 0; row < m; ++row) {
      float q;
      if (j < O) {
        q = oc[oidx[(row / v0) * O + j] * v0 + row % v0];
      } else {
        const int64_t g = (j - O) / S, jl = (j - O) % S;
        const int64_t at = (g * mv + row / v) * S + jl;
        q = c[(g * k + idx[at]) * v + row % v];
        if (kr > 0) q += r[(g * kr + ridx_i[at]) * v + row % v];
      }
      const int64_t col = perm[j];
      w[row * n + col] = scale[col] * q + bias[col];
    }
  }
  return w;
}

void test_exact() {
  const int64_t m = 10, n = 24;
  std::mt19937 rng(1);
  std::vector<float> w(m * n);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t c = 0; c < n; ++c) w[r * n + c] = r == 0 ? 0.0f : (r == 1 ? 1.0f : float(rng() % 2));
  // Scale each column by a power of two so that normalization is exact.
  for (int64_t c = 0; c < n; ++c)
    for (int64_t r = 0; r < m; ++r) w[r * n + c] = w[r * n + c] * float(1 << (c % 3)) - 0.5f;
  Tensor wt = host_tensor(w, LB_DTYPE_F32, {m, n});
  Tensor ht = host_tensor(hessian(n, 3), LB_DTYPE_F32, {n, n});
  for (int setting = 0; setting < 3; ++setting) {
    lb_vptq_options o = options(2, 4);
    if (setting == 1) {
      o.outlier_columns = 3;
      o.outlier_codebook_size = 32;  // >= the 4 + 16 + 4 distinct 4-row patterns (rows padded to 12)
      o.groups = 2;
    }
    if (setting == 2) o.res_codebook_size = 2;
    const Layer L = run(wt.get(), ht.get(), o);
    if (!L.dequant) continue;
    const auto q = to_vector<float>(L.dequant.get());
    float worst = 0;
    for (size_t i = 0; i < q.size(); ++i) worst = std::fmax(worst, std::fabs(q[i] - w[i]));
    CHECK(worst < 1e-6f);
    CHECK(L.proxy < 1e-8);
    if (worst >= 1e-6f) std::printf("setting %d: worst %g\n", setting, worst);
  }
}

void test_second_order_and_reconstruction() {
  const int64_t m = 48, n = 64;
  std::mt19937_64 rng(7);
  std::normal_distribution<float> normal;
  std::vector<float> w(m * n);
  for (float& x : w) x = normal(rng);
  Tensor wt = host_tensor(w, LB_DTYPE_F32, {m, n});
  Tensor ht = host_tensor(hessian(n, 9), LB_DTYPE_F32, {n, n});
  lb_vptq_options o = options(4, 16);
  const Layer second = run(wt.get(), ht.get(), o);
  o.error_feedback = 0;
  const Layer plain = run(wt.get(), ht.get(), o);
  std::printf("test_vptq_layer: proxy error second-order %.4f vs plain nearest %.4f\n", second.proxy, plain.proxy);
  CHECK(second.proxy < 0.95 * plain.proxy);

  // Outliers + groups + residual: outputs rebuild the dequantized weight; and determinism.
  lb_vptq_options full = options(4, 8);
  full.outlier_columns = 5;
  full.outlier_codebook_size = 8;
  full.groups = 3;
  full.res_codebook_size = 4;
  full.block_size = 16;
  const Layer a = run(wt.get(), ht.get(), full);
  const Layer b = run(wt.get(), ht.get(), full);
  if (!a.dequant || !b.dequant) return;
  CHECK(same_bits(to_vector<float>(a.centroids.get()), to_vector<float>(b.centroids.get())));
  CHECK(to_vector<int32_t>(a.indices.get()) == to_vector<int32_t>(b.indices.get()));
  CHECK(to_vector<int32_t>(a.res_indices.get()) == to_vector<int32_t>(b.res_indices.get()));
  CHECK(same_bits(to_vector<float>(a.dequant.get()), to_vector<float>(b.dequant.get())));
  CHECK(shape_of(a.centroids.get()) == (std::vector<int64_t>{3, 8, 4}));
  CHECK(shape_of(a.indices.get()) == (std::vector<int64_t>{3, 12, 20}));
  CHECK(shape_of(a.outlier_indices.get()) == (std::vector<int64_t>{12, 5}));
  const auto rebuilt = reconstruct(a, m, n, full);
  const auto deq = to_vector<float>(a.dequant.get());
  float worst = 0;
  for (size_t i = 0; i < deq.size(); ++i) worst = std::fmax(worst, std::fabs(rebuilt[i] - deq[i]));
  CHECK(worst < 1e-5f);
  // Layer-wise fine-tuning of the codebooks never hurts the layer-output error, and here it helps.
  lb_vptq_options tuned = o;
  tuned.error_feedback = 1;
  tuned.finetune_steps = 60;
  tuned.finetune_lr = 1e-2;
  const Layer ft = run(wt.get(), ht.get(), tuned);
  std::printf("test_vptq_layer: proxy error with fine-tuning %.4f vs without %.4f\n", ft.proxy, second.proxy);
  CHECK(ft.proxy < second.proxy);
  // The residual codebook helps.
  lb_vptq_options no_res = full;
  no_res.res_codebook_size = 0;
  const Layer c = run(wt.get(), ht.get(), no_res);
  CHECK(a.proxy < c.proxy);
}

void test_bad_options() {
  Tensor wt = host_tensor(std::vector<float>(8 * 6, 1.0f), LB_DTYPE_F32, {8, 6});
  Tensor ht = host_tensor(hessian(6, 1), LB_DTYPE_F32, {6, 6});
  Tensor h_wrong = host_tensor(hessian(5, 1), LB_DTYPE_F32, {5, 5});
  lb_vptq_layer out{};
  out.struct_size = sizeof(out);
  lb_vptq_options o = options(0, 4);
  CHECK_FAILS(lb_vptq_quantize_layer(wt.get(), ht.get(), &o, &out), LB_ERR_INVALID_ARGUMENT, "vector_len=0");
  o = options(2, 4);
  o.outlier_columns = 6;
  CHECK_FAILS(lb_vptq_quantize_layer(wt.get(), ht.get(), &o, &out), LB_ERR_INVALID_ARGUMENT, "outlier_columns=6");
  o = options(2, 4);
  CHECK_FAILS(lb_vptq_quantize_layer(wt.get(), h_wrong.get(), &o, &out), LB_ERR_INVALID_ARGUMENT, "hessian");
}

// The same layer on CUDA: the second-order loop still wins, and two runs are identical.
void test_cuda() {
  if (!runtime_info().cuda_available) {
    std::printf("test_vptq_layer: no CUDA device, CUDA part skipped\n");
    return;
  }
  const int64_t m = 48, n = 64;
  std::mt19937_64 rng(7);
  std::normal_distribution<float> normal;
  std::vector<float> w(m * n);
  for (float& x : w) x = normal(rng);
  Tensor wt = convert(host_tensor(w, LB_DTYPE_F32, {m, n}).get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
  Tensor ht = convert(host_tensor(hessian(n, 9), LB_DTYPE_F32, {n, n}).get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
  lb_vptq_options o = options(4, 16);
  o.res_codebook_size = 4;
  o.outlier_columns = 3;
  o.outlier_codebook_size = 8;
  const Layer a = run(wt.get(), ht.get(), o);
  const Layer b = run(wt.get(), ht.get(), o);
  o.error_feedback = 0;
  const Layer plain = run(wt.get(), ht.get(), o);
  if (!a.dequant || !b.dequant || !plain.dequant) return;
  std::printf("test_vptq_layer: CUDA proxy error second-order %.4f vs plain %.4f\n", a.proxy, plain.proxy);
  CHECK(a.proxy < plain.proxy);
  CHECK(same_bits(to_vector<float>(convert(a.centroids.get(), LB_DTYPE_F32).get()),
                  to_vector<float>(convert(b.centroids.get(), LB_DTYPE_F32).get())));
  CHECK(to_vector<int32_t>(convert(a.indices.get(), LB_DTYPE_I32).get()) ==
        to_vector<int32_t>(convert(b.indices.get(), LB_DTYPE_I32).get()));
}

}  // namespace

int main() {
  test_cuda();
  test_exact();
  test_second_order_and_reconstruction();
  test_bad_options();
  return check::finish("test_vptq_layer");
}
