// lb_vq_dequantize against a reference written from specs/vptq.md (bit for bit), and lb_vq_linear against
// "reference dequantize, then an fp32 matmul in double": residual codebooks, outlier columns, permutation,
// per-column scale/bias, layer bias, M not a multiple of v, index elements straddling words (T = 5, 10,
// 12, 24), several groups with a short last group, m in {1, 2, 7}, x in f32/bf16. CUDA cases (the fused GEMV in
// every variant: LOWBIT_VQ_GEMV=old, =wide, the default (tensor cores where they apply) and the default on
// lb_vq_bank_indices' slots, each vs the reference and vs old; the dequantize + matmul fallback, bit-exact dequant
// vs CPU) run when a device is visible.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"

namespace {

struct Config {
  int64_t M, N;
  int v, k, k_res;  // k_res 0: none
  int64_t O;
  int v0, k0;
  int64_t G, S;
  bool perm, norm, bias;
};

struct Host {  // host copies; f16 tensors kept as the exact f32 values of their f16 rounding
  std::vector<float> C, R, OC, scale, wbias, bias;
  std::vector<int32_t> indices;
  std::vector<int16_t> oidx, perm;
};

struct Built {
  Config cfg;
  Host h;
  Tensor C, R, idx, OC, oidx, perm, scale, wbias, bias;  // CPU tensors
  int T = 0, main_bits = 0;
  int64_t vrows = 0, row_words = 0, ovrows = 0;
};

int log2i(int v) {
  int b = 0;
  while ((1 << b) < v) ++b;
  return b;
}

// f32 values -> an F16 tensor, and the f16-rounded values back
Tensor f16_tensor(std::vector<float>& values, const std::vector<int64_t>& shape) {
  const Tensor f = host_tensor(values, LB_DTYPE_F32, shape);
  Tensor h = convert(f.get(), LB_DTYPE_F16);
  values = to_vector<float>(convert(h.get(), LB_DTYPE_F32).get());
  return h;
}

Built build(const Config& c, uint32_t seed) {
  Built b;
  b.cfg = c;
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  b.main_bits = log2i(c.k);
  b.T = b.main_bits + (c.k_res > 0 ? log2i(c.k_res) : 0);
  b.vrows = (c.M + c.v - 1) / c.v;
  b.row_words = (c.S * b.T + 31) / 32;
  b.ovrows = c.O > 0 ? (c.M + c.v0 - 1) / c.v0 : 0;
  b.h.C.resize(static_cast<size_t>(c.G * c.k * c.v));
  for (auto& x : b.h.C) x = normal(rng);
  b.C = f16_tensor(b.h.C, {c.G, int64_t{c.k} * c.v});
  if (c.k_res > 0) {
    b.h.R.resize(static_cast<size_t>(c.G * c.k_res * c.v));
    for (auto& x : b.h.R) x = 0.1f * normal(rng);
    b.R = f16_tensor(b.h.R, {c.G, int64_t{c.k_res} * c.v});
  }
  // packed indices, bit by bit: element j of row (g, vr) at stream bits [j*T, (j+1)*T)
  std::uniform_int_distribution<uint32_t> main_code(0, static_cast<uint32_t>(c.k - 1));
  std::uniform_int_distribution<uint32_t> res_code(0, static_cast<uint32_t>(c.k_res > 0 ? c.k_res - 1 : 0));
  std::vector<uint32_t> words(static_cast<size_t>(c.G * b.vrows * b.row_words), 0u);
  for (int64_t g = 0; g < c.G; ++g)
    for (int64_t vr = 0; vr < b.vrows; ++vr)
      for (int64_t j = 0; j < c.S; ++j) {
        const uint64_t code = main_code(rng) | (static_cast<uint64_t>(res_code(rng)) << b.main_bits);
        for (int bit = 0; bit < b.T; ++bit) {
          const int64_t sb = j * b.T + bit;
          words[static_cast<size_t>((g * b.vrows + vr) * b.row_words + sb / 32)] |=
              static_cast<uint32_t>((code >> bit) & 1u) << (sb % 32);
        }
      }
  b.h.indices.assign(words.begin(), words.end());
  b.idx = host_tensor(b.h.indices, LB_DTYPE_I32, {c.G, b.vrows, b.row_words});
  if (c.O > 0) {
    b.h.OC.resize(static_cast<size_t>(c.k0 * c.v0));
    for (auto& x : b.h.OC) x = 2.0f * normal(rng);
    b.OC = f16_tensor(b.h.OC, {1, int64_t{c.k0} * c.v0});
    std::uniform_int_distribution<int> oc(0, c.k0 - 1);
    b.h.oidx.resize(static_cast<size_t>(b.ovrows * c.O));
    for (auto& x : b.h.oidx) x = static_cast<int16_t>(oc(rng));
    b.oidx = host_tensor(b.h.oidx, LB_DTYPE_I16, {1, b.ovrows, c.O});
  }
  if (c.perm) {
    std::vector<int> p(static_cast<size_t>(c.N));
    std::iota(p.begin(), p.end(), 0);
    std::shuffle(p.begin(), p.end(), rng);
    b.h.perm.assign(p.begin(), p.end());
    b.perm = host_tensor(b.h.perm, LB_DTYPE_I16, {c.N});
  }
  if (c.norm) {
    b.h.scale.resize(static_cast<size_t>(c.N));
    b.h.wbias.resize(static_cast<size_t>(c.N));
    for (auto& x : b.h.scale) x = 0.5f + std::fabs(normal(rng));
    for (auto& x : b.h.wbias) x = 0.2f * normal(rng);
    b.scale = f16_tensor(b.h.scale, {c.N});
    b.wbias = f16_tensor(b.h.wbias, {c.N});
  }
  if (c.bias) {
    b.h.bias.resize(static_cast<size_t>(c.M));
    for (auto& x : b.h.bias) x = normal(rng);
    b.bias = f16_tensor(b.h.bias, {c.M});
  }
  return b;
}

// The spec's dequant, written independently of the library (float, no contraction).
std::vector<float> reference_weight(const Built& b) {
  const Config& c = b.cfg;
  std::vector<float> W(static_cast<size_t>(c.M * c.N), 0.0f);
  for (int64_t r = 0; r < c.M; ++r)
    for (int64_t j = 0; j < c.N; ++j) {
      float q;
      if (j < c.O) {
        const int idx = static_cast<uint16_t>(b.h.oidx[static_cast<size_t>((r / c.v0) * c.O + j)]);
        q = b.h.OC[static_cast<size_t>(idx * c.v0 + r % c.v0)];
      } else {
        const int64_t g = (j - c.O) / c.S, jj = (j - c.O) % c.S;
        uint64_t code = 0;
        for (int bit = 0; bit < b.T; ++bit) {
          const int64_t sb = jj * b.T + bit;
          const uint32_t word = static_cast<uint32_t>(
              b.h.indices[static_cast<size_t>((g * b.vrows + r / c.v) * b.row_words + sb / 32)]);
          code |= static_cast<uint64_t>((word >> (sb % 32)) & 1u) << bit;
        }
        const int64_t idx = static_cast<int64_t>(code & ((1u << b.main_bits) - 1u));
        q = b.h.C[static_cast<size_t>(g * c.k * c.v + idx * c.v + r % c.v)];
        if (c.k_res > 0) {
          const int64_t ridx = static_cast<int64_t>(code >> b.main_bits);
          q = q + b.h.R[static_cast<size_t>(g * c.k_res * c.v + ridx * c.v + r % c.v)];
        }
      }
      const int64_t col = c.perm ? static_cast<uint16_t>(b.h.perm[static_cast<size_t>(j)]) : j;
      const float s = c.norm ? b.h.scale[static_cast<size_t>(col)] : 1.0f;
      const float bb = c.norm ? b.h.wbias[static_cast<size_t>(col)] : 0.0f;
      W[static_cast<size_t>(r * c.N + col)] = s * q + bb;
    }
  return W;
}

struct Weights {
  lb_vq_weights w{};
  std::vector<Tensor> keep;  // device copies
};

// The CUDA GEMV variants: LOWBIT_VQ_GEMV (NULL: unset, the default) and whether w carries banked indices.
struct Variant {
  const char* name;
  const char* env;
  bool banked;
};
constexpr Variant kVariants[] = {{"old", "old", false}, {"wide", "wide", false}, {"default", nullptr, false},
                                 {"banked", nullptr, true}};

// lb_vq_bank_indices for w (CUDA), or an empty tensor where the layout does not take them (LB_ERR_UNSUPPORTED).
Tensor bank_indices_of(const lb_vq_weights& w) {
  lb_tensor slots = nullptr;
  const int status = lb_vq_bank_indices(&w, &slots);
  if (status != LB_OK && status != LB_ERR_UNSUPPORTED) CHECK_OK(status);
  return Tensor(slots);
}

Weights weights_on(const Built& b, int32_t device) {
  Weights o;
  const Config& c = b.cfg;
  auto put = [&](const Tensor& t, int32_t dtype) -> lb_tensor {
    if (t == nullptr) return nullptr;
    if (device == LB_DEVICE_CPU) return t.get();
    o.keep.push_back(convert(t.get(), dtype, device));
    return o.keep.back().get();
  };
  lb_vq_weights& w = o.w;
  w.struct_size = sizeof(lb_vq_weights);
  w.out_features = c.M;
  w.in_features = c.N;
  w.vector_len = c.v;
  w.num_centroids = c.k;
  w.num_res_centroids = c.k_res > 0 ? c.k_res : -1;
  w.outlier_vector_len = c.v0;
  w.num_outlier_centroids = c.O > 0 ? c.k0 : -1;
  w.group_num = c.G;
  w.group_size = c.S;
  w.outlier_size = c.O;
  w.centroids = put(b.C, LB_DTYPE_F16);
  w.res_centroids = put(b.R, LB_DTYPE_F16);
  w.indices = put(b.idx, LB_DTYPE_I32);
  w.outlier_centroids = put(b.OC, LB_DTYPE_F16);
  w.outlier_indices = put(b.oidx, LB_DTYPE_I16);
  w.perm = put(b.perm, LB_DTYPE_I16);
  w.weight_scale = put(b.scale, LB_DTYPE_F16);
  w.weight_bias = put(b.wbias, LB_DTYPE_F16);
  w.bias = put(b.bias, LB_DTYPE_F16);
  return o;
}

double relative_error(const std::vector<float>& xs, const Built& b, const std::vector<float>& W,
                      const std::vector<float>& got, int64_t m) {
  const Config& c = b.cfg;
  double err = 0.0, ref = 0.0;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t r = 0; r < c.M; ++r) {
      double acc = c.bias ? b.h.bias[static_cast<size_t>(r)] : 0.0;
      for (int64_t col = 0; col < c.N; ++col)
        acc += static_cast<double>(xs[static_cast<size_t>(i * c.N + col)]) * W[static_cast<size_t>(r * c.N + col)];
      const double d = got[static_cast<size_t>(i * c.M + r)] - acc;
      err += d * d;
      ref += acc * acc;
    }
  return ref > 0 ? std::sqrt(err / ref) : std::sqrt(err);
}

int cases = 0;
bool has_cuda = false;

void check_config(const std::string& name, const Config& c, uint32_t seed) {
  const Built b = build(c, seed);
  const std::vector<float> W = reference_weight(b);
  for (int32_t device : {LB_DEVICE_CPU, LB_DEVICE_CUDA}) {
    if (device == LB_DEVICE_CUDA && !has_cuda) continue;
    const std::string where = name + (device == LB_DEVICE_CPU ? " [cpu]" : " [cuda]");
    const Weights w = weights_on(b, device);
    lb_tensor wq_raw = nullptr;
    CHECK_OK(lb_vq_dequantize(&w.w, &wq_raw));
    const Tensor wq(wq_raw);
    if (wq == nullptr) continue;
    CHECK(shape_of(wq.get()) == (std::vector<int64_t>{c.M, c.N}));
    if (!same_bits(to_vector<float>(convert(wq.get(), LB_DTYPE_F32).get()), W)) {
      check::fail(__FILE__, __LINE__, where + ": lb_vq_dequantize differs from the reference dequant");
    }
    const Tensor slots = device == LB_DEVICE_CUDA ? bank_indices_of(w.w) : Tensor(nullptr);
    lb_vq_weights banked = w.w;
    banked.bank_indices = slots.get();
    std::mt19937 rng(seed + 7);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (int64_t m : {int64_t{1}, int64_t{2}, int64_t{7}}) {
      std::vector<float> xv(static_cast<size_t>(m * c.N));
      for (auto& x : xv) x = normal(rng);
      for (int32_t xdtype : {LB_DTYPE_F32, LB_DTYPE_BF16}) {
        const Tensor x = convert(host_tensor(xv, LB_DTYPE_F32, {m, c.N}).get(), xdtype, device);
        const std::vector<float> xs = to_vector<float>(convert(x.get(), LB_DTYPE_F32).get());
        // on CUDA every GEMV variant vs the reference and vs old
        std::vector<float> first;
        for (const Variant& var : kVariants) {
          if (var.banked && slots == nullptr) continue;
          const char* variant = var.name;
          if (device == LB_DEVICE_CUDA && var.env != nullptr) setenv("LOWBIT_VQ_GEMV", var.env, 1);
          if (device == LB_DEVICE_CUDA && var.env == nullptr) unsetenv("LOWBIT_VQ_GEMV");
          lb_tensor y_raw = nullptr;
          CHECK_OK(lb_vq_linear(x.get(), var.banked ? &banked : &w.w, &y_raw));
          const Tensor y(y_raw);
          if (y == nullptr) continue;
          CHECK(shape_of(y.get()) == (std::vector<int64_t>{m, c.M}));
          const std::vector<float> got = to_vector<float>(convert(y.get(), LB_DTYPE_F32).get());
          const double rel = relative_error(xs, b, W, got, m);
          ++cases;
          if (!(rel < 1e-4)) {
            check::fail(__FILE__, __LINE__, where + " " + variant + " m=" + std::to_string(m) + " x dtype=" +
                                                std::to_string(xdtype) + ": relative error " + std::to_string(rel));
          }
          if (first.empty()) {
            first = got;
          } else {
            double d = 0, r = 0;
            for (size_t i = 0; i < got.size() && i < first.size(); ++i) {
              d += (static_cast<double>(got[i]) - first[i]) * (static_cast<double>(got[i]) - first[i]);
              r += static_cast<double>(first[i]) * first[i];
            }
            if (!(std::sqrt(d) <= 1e-5 * std::sqrt(r) + 1e-6)) {
              check::fail(__FILE__, __LINE__, where + " m=" + std::to_string(m) + ": " + variant + " GEMV differs from old by " +
                                                  std::to_string(std::sqrt(d / (r > 0 ? r : 1))));
            }
          }
          if (device == LB_DEVICE_CPU) break;  // the variants are CUDA kernels
        }
        if (device == LB_DEVICE_CUDA) unsetenv("LOWBIT_VQ_GEMV");
      }
    }
  }
}

void test_layouts() {
  //                       M    N   v    k  k_r  O  v0  k0  G   S  perm norm bias
  check_config("plain v8", {64, 48, 8, 256, 0, 0, 4, 0, 1, 48, false, false, false}, 1);
  check_config("residual+outliers+perm, T=10 straddling, M % v != 0",
               {37, 75, 6, 64, 16, 5, 4, 16, 2, 35, true, true, true}, 2);
  check_config("v4 k4096 + residual 4096 (T=24), short last group",
               {30, 70, 4, 4096, 4096, 3, 2, 8, 3, 23, true, true, false}, 3);
  check_config("v12 k32 (T=5)", {50, 64, 12, 32, 0, 0, 4, 0, 1, 64, false, true, true}, 4);
  check_config("v3 (CUDA fallback path), outliers", {31, 40, 3, 16, 0, 4, 3, 8, 1, 36, true, false, true}, 5);
  check_config("only outliers (no groups)", {20, 12, 8, 16, 0, 12, 4, 8, 0, 1, true, true, true}, 6);
  check_config("v8 k4096 (T=12), 2 groups", {40, 96, 8, 4096, 0, 0, 4, 0, 2, 48, true, true, false}, 7);
  check_config("v16 k16 v2 k8", {33, 40, 16, 16, 0, 0, 4, 0, 1, 40, false, false, false}, 8);
  check_config("v2 k8", {33, 40, 2, 8, 0, 0, 4, 0, 1, 40, false, false, false}, 9);
  // the column-stationary CUDA GEMV (T = 8, 12, 16, 24): short runs, padded v12 rows, two column blocks
  check_config("v6 k4096 (T=12), M % 6 != 0, S % 32 != 0, outliers",
               {100, 300, 6, 4096, 0, 4, 4, 16, 1, 296, true, true, true}, 10);
  check_config("v12 k256 + residual 256 (T=16), 2 groups", {45, 140, 12, 256, 256, 0, 4, 0, 2, 70, true, true, true}, 11);
  check_config("v2 k4096 (T=12), 8300 columns", {24, 8300, 2, 4096, 0, 0, 4, 0, 1, 8300, false, true, false}, 12);
  check_config("v16 k256 (T=8)", {40, 200, 16, 256, 0, 0, 4, 0, 1, 200, true, false, true}, 13);
}

// A real width on CUDA: fused GEMV vs the CPU kernel (v8 / k4096, 4096 x 4096, perm + norm + outliers).
void test_cuda_real_width() {
  if (!has_cuda) return;
  const Config c{4096, 4096, 8, 4096, 0, 64, 4, 4096, 1, 4032, true, true, true};
  const Built b = build(c, 11);
  const Weights wc = weights_on(b, LB_DEVICE_CPU);
  const Weights wg = weights_on(b, LB_DEVICE_CUDA);
  std::vector<float> xv(static_cast<size_t>(c.N));
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (auto& x : xv) x = normal(rng);
  const Tensor xc = host_tensor(xv, LB_DTYPE_F32, {1, c.N});
  const Tensor xg = convert(xc.get(), LB_DTYPE_F16, LB_DEVICE_CUDA);
  const Tensor xc16 = convert(xg.get(), LB_DTYPE_F16, LB_DEVICE_CPU);
  lb_tensor yc_raw = nullptr;
  CHECK_OK(lb_vq_linear(xc16.get(), &wc.w, &yc_raw));
  const Tensor yc(yc_raw);
  if (yc == nullptr) return;
  const std::vector<float> a = to_vector<float>(yc.get());
  const Tensor slots = bank_indices_of(wg.w);
  CHECK(slots != nullptr);  // v8 / k4096 takes banked indices
  lb_vq_weights banked = wg.w;
  banked.bank_indices = slots.get();
  for (const Variant& var : kVariants) {  // every GEMV variant
    const char* variant = var.name;
    if (var.env != nullptr) setenv("LOWBIT_VQ_GEMV", var.env, 1);
    if (var.env == nullptr) unsetenv("LOWBIT_VQ_GEMV");
    lb_tensor yg_raw = nullptr;
    CHECK_OK(lb_vq_linear(xg.get(), var.banked ? &banked : &wg.w, &yg_raw));
    const Tensor yg(yg_raw);
    if (yg == nullptr) continue;
    const std::vector<float> g = to_vector<float>(convert(yg.get(), LB_DTYPE_F32).get());
    double err = 0, ref = 0;
    for (size_t i = 0; i < a.size() && i < g.size(); ++i) {
      err += (static_cast<double>(g[i]) - a[i]) * (static_cast<double>(g[i]) - a[i]);
      ref += static_cast<double>(a[i]) * a[i];
    }
    const double rel = std::sqrt(err / ref);
    std::printf("4096 x 4096 v8/k4096 CUDA (%s GEMV) vs CPU: relative difference %.3g\n", variant, rel);
    CHECK(a.size() == g.size());
    CHECK(rel < 1e-4);
    ++cases;
  }
  // a NaN in x reaches every output
  xv[17] = std::numeric_limits<float>::quiet_NaN();
  const Tensor xn = convert(host_tensor(xv, LB_DTYPE_F32, {1, c.N}).get(), LB_DTYPE_F16, LB_DEVICE_CUDA);
  for (const Variant& var : kVariants) {
    const char* variant = var.name;
    if (var.env != nullptr) setenv("LOWBIT_VQ_GEMV", var.env, 1);
    if (var.env == nullptr) unsetenv("LOWBIT_VQ_GEMV");
    lb_tensor yn_raw = nullptr;
    CHECK_OK(lb_vq_linear(xn.get(), var.banked ? &banked : &wg.w, &yn_raw));
    const Tensor yn(yn_raw);
    if (yn == nullptr) continue;
    int finite = 0;
    for (float v : to_vector<float>(convert(yn.get(), LB_DTYPE_F32).get())) finite += std::isfinite(v) ? 1 : 0;
    if (finite != 0) {
      check::fail(__FILE__, __LINE__, std::string(variant) + " GEMV: " + std::to_string(finite) + " finite outputs from a NaN input");
    }
  }
  unsetenv("LOWBIT_VQ_GEMV");
}

void test_errors() {
  const Config c{16, 32, 4, 16, 0, 4, 2, 4, 1, 28, true, true, false};
  Built b = build(c, 21);
  Weights w = weights_on(b, LB_DEVICE_CPU);
  const Tensor x = host_tensor(std::vector<float>(32, 1.0f), LB_DTYPE_F32, {1, 32});
  lb_tensor y = nullptr;
  lb_vq_weights bad = w.w;
  bad.num_centroids = 12;
  CHECK_FAILS(lb_vq_linear(x.get(), &bad, &y), LB_ERR_INVALID_ARGUMENT, "w->num_centroids=12 (expected a power of two)");
  bad = w.w;
  bad.struct_size = 8;
  CHECK_FAILS(lb_vq_linear(x.get(), &bad, &y), LB_ERR_INVALID_ARGUMENT, "w->struct_size=8 is too small");
  bad = w.w;
  bad.indices = b.C.get();
  CHECK_FAILS(lb_vq_linear(x.get(), &bad, &y), LB_ERR_INVALID_ARGUMENT, "w->indices: dtype=F16 (expected I32)");
  bad = w.w;
  bad.group_size = 20;
  CHECK_FAILS(lb_vq_linear(x.get(), &bad, &y), LB_ERR_INVALID_ARGUMENT, "group_num * group_size >= in_features - outlier_size");
  bad = w.w;
  bad.centroids = nullptr;
  CHECK_FAILS(lb_vq_dequantize(&bad, &y), LB_ERR_INVALID_ARGUMENT, "w->centroids is NULL");
  const Tensor x_short = host_tensor(std::vector<float>(30, 1.0f), LB_DTYPE_F32, {1, 30});
  CHECK_FAILS(lb_vq_linear(x_short.get(), &w.w, &y), LB_ERR_INVALID_ARGUMENT, "x: size 30 along dim 1 (expected in_features = 32)");
  // an outlier index beyond k0
  std::vector<int16_t> oidx = b.h.oidx;
  oidx[3] = 9;
  const Tensor oidx_bad = host_tensor(oidx, LB_DTYPE_I16, {1, b.ovrows, c.O});
  bad = w.w;
  bad.outlier_indices = oidx_bad.get();
  CHECK_FAILS(lb_vq_dequantize(&bad, &y), LB_ERR_INVALID_ARGUMENT, "w->outlier_indices: value 9 (expected < num_outlier_centroids = 4)");
  CHECK_FAILS(lb_vq_linear(x.get(), nullptr, &y), LB_ERR_INVALID_ARGUMENT, "w is NULL");
  CHECK(y == nullptr);
  // banked indices: a wrong shape, CPU weights, and a caller built before the field (struct ends at bias)
  const Tensor wrong_slots = host_tensor(std::vector<int16_t>(16, 0), LB_DTYPE_I16, {1, 4, 4});
  bad = w.w;
  bad.bank_indices = wrong_slots.get();
  CHECK_FAILS(lb_vq_linear(x.get(), &bad, &y), LB_ERR_INVALID_ARGUMENT,
              "w->bank_indices: shape [1, 4, 4] (expected [group_num, ceil(M/v), ceil(S/16)*16] = [1, 4, 32])");
  CHECK_FAILS(lb_vq_bank_indices(&w.w, &y), LB_ERR_UNSUPPORTED, "banked indices serve the CUDA GEMV only");
  bad = w.w;
  bad.struct_size = static_cast<int64_t>(offsetof(lb_vq_weights, bank_indices));
  bad.bank_indices = wrong_slots.get();  // past the caller's struct: not read
  lb_tensor y_old = nullptr;
  CHECK_OK(lb_vq_linear(x.get(), &bad, &y_old));
  const Tensor y_old_owned(y_old);
  CHECK(y_old != nullptr);
  if (has_cuda) {  // a layout the banked GEMV does not take (v4) names why
    Weights wg = weights_on(b, LB_DEVICE_CUDA);
    CHECK_FAILS(lb_vq_bank_indices(&wg.w, &y), LB_ERR_UNSUPPORTED, "vector_len is not 8");
  }
}

}  // namespace

int main() {
  const lb_runtime_info info = runtime_info();
  has_cuda = info.cuda_built && info.cuda_available;
  if (!has_cuda) std::printf("test_vq_linear: CUDA cases SKIPPED (no CUDA device or liblowbit without CUDA)\n");
  test_layouts();
  test_cuda_real_width();
  test_errors();
  std::printf("test_vq_linear: %d cases\n", cases);
  return check::finish("test_vq_linear");
}
