// lb_fake_quant_forward / lb_fake_quant_backward against a libtorch autograd reference built here from
// the spec's expression (specs/efficientqat.md, "Quantizer"), and lb_recon_loss against a plain
// double-precision loop. With a CUDA device: the CUDA kernels must give the CPU kernels' bits.
#include <ATen/ATen.h>
// c10 defines glog-style CHECK macros; this test uses check.h's.
#undef CHECK
#undef CHECK_EQ

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"

namespace {

bool g_cuda = false;

// ---- reference: autograd through round_ste / clamp_ste, the q clamp a real (masking) clamp ----
at::Tensor round_ste(const at::Tensor& x) { return (x.round() - x).detach() + x; }
at::Tensor clamp_ste(const at::Tensor& x, double lo, double hi) { return (x.clamp(lo, hi) - x).detach() + x; }

struct RefResult {
  at::Tensor w_hat, grad_w, grad_s, grad_z;
};

RefResult reference(const std::vector<float>& w, const std::vector<float>& s, const std::vector<float>& z,
                    const std::vector<float>& g, int64_t rows, int64_t cols, int64_t group, int bits) {
  const int64_t groups = cols / group;
  const double qmax = static_cast<double>((1 << bits) - 1);
  const auto f32 = at::TensorOptions().dtype(at::kFloat);
  at::Tensor tw = at::from_blob(const_cast<float*>(w.data()), {rows, cols}, f32).clone().requires_grad_(true);
  at::Tensor ts = at::from_blob(const_cast<float*>(s.data()), {rows, groups}, f32).clone().requires_grad_(true);
  at::Tensor tz = at::from_blob(const_cast<float*>(z.data()), {rows, groups}, f32).clone().requires_grad_(true);
  const at::Tensor tg = at::from_blob(const_cast<float*>(g.data()), {rows, cols}, f32).clone();
  const at::Tensor wg = tw.view({rows, groups, group});
  const at::Tensor sg = ts.unsqueeze(-1);
  const at::Tensor zq = clamp_ste(round_ste(tz.unsqueeze(-1)), 0.0, qmax);
  const at::Tensor q = (round_ste(wg / sg) + zq).clamp(0.0, qmax);
  const at::Tensor w_hat = ((q - zq) * sg).reshape({rows, cols});
  w_hat.backward(tg);
  return RefResult{w_hat.detach(), tw.grad(), ts.grad(), tz.grad()};
}

std::vector<float> values(const at::Tensor& t) {
  const at::Tensor c = t.contiguous().to(at::kFloat);
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// |got - want| <= tol[i] for every element; reports the worst one.
void expect_close(const std::vector<float>& got, const std::vector<float>& want, const std::vector<double>& tol,
                  const std::string& what) {
  if (got.size() != want.size()) {
    check::fail(__FILE__, __LINE__, what + ": size " + std::to_string(got.size()) + " vs " + std::to_string(want.size()));
    return;
  }
  size_t bad = 0, worst = 0;
  double worst_excess = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double diff = std::fabs(static_cast<double>(got[i]) - want[i]);
    if (!(diff <= tol[i])) {
      ++bad;
      if (!(diff - tol[i] <= worst_excess)) worst_excess = diff - tol[i], worst = i;
    }
  }
  if (bad > 0) {
    check::fail(__FILE__, __LINE__, what + ": " + std::to_string(bad) + " element(s) off, e.g. [" + std::to_string(worst) +
                                        "] " + std::to_string(got[worst]) + " vs " + std::to_string(want[worst]));
  }
}

struct FqOut {
  Tensor w_hat, grad_w, grad_s, grad_z;
};

FqOut run_fake_quant(lb_tensor w, lb_tensor s, lb_tensor z, lb_tensor g, int bits, int64_t group_size) {
  lb_tensor w_hat = nullptr, gw = nullptr, gs = nullptr, gz = nullptr;
  CHECK_OK(lb_fake_quant_forward(w, s, z, bits, group_size, &w_hat));
  CHECK_OK(lb_fake_quant_backward(w, s, z, bits, group_size, g, &gw, &gs, &gz));
  return FqOut{Tensor(w_hat), Tensor(gw), Tensor(gs), Tensor(gz)};
}

// Weights ~ N(0, 1) scaled per row; s, z from the spec's min/max init, then perturbed so that elements
// clip on both sides and z rounds (and sometimes leaves [0, qmax]). Row 0 holds exact .5 ties.
void make_case(int64_t rows, int64_t cols, int64_t group, int bits, uint32_t seed, std::vector<float>& w,
               std::vector<float>& s, std::vector<float>& z, std::vector<float>& g) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  const int64_t groups = cols / group;
  const float qmax = static_cast<float>((1 << bits) - 1);
  w.assign(static_cast<size_t>(rows * cols), 0.0f);
  g.assign(w.size(), 0.0f);
  s.assign(static_cast<size_t>(rows * groups), 0.0f);
  z.assign(s.size(), 0.0f);
  for (int64_t r = 0; r < rows; ++r) {
    const float row_scale = std::ldexp(1.0f, static_cast<int>(r % 5) - 6);
    for (int64_t c = 0; c < cols; ++c) w[r * cols + c] = normal(rng) * row_scale;
  }
  for (float& v : g) v = normal(rng);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t k = 0; k < groups; ++k) {
      const size_t gi = static_cast<size_t>(r * groups + k);
      float* wg = &w[r * cols + k * group];
      if (r == 0) {
        // ties: s = 2^-4, w = (m + 0.5) s exactly, m from -2*qmax to 2*qmax (some clip)
        s[gi] = 0.0625f;
        z[gi] = 0.5f + static_cast<float>((k + bits) % static_cast<int64_t>(qmax));  // z a tie too
        for (int64_t j = 0; j < group; ++j) {
          const float m = static_cast<float>(static_cast<int64_t>(j % static_cast<int64_t>(4 * qmax + 1)) -
                                             static_cast<int64_t>(2 * qmax));
          wg[j] = (m + 0.5f) * 0.0625f;
        }
        continue;
      }
      float mn = wg[0], mx = wg[0];
      for (int64_t j = 1; j < group; ++j) mn = std::fmin(mn, wg[j]), mx = std::fmax(mx, wg[j]);
      float scale = std::fmin(std::fmax((mx - mn) / qmax, 1e-4f), 1e4f);
      float zero = std::nearbyint(-mn / scale);
      scale *= 0.6f + 0.6f * uniform(rng);        // < 1: more clipping; > 1: less
      zero += 3.2f * (uniform(rng) - 0.5f);       // non-integer, may leave [0, qmax]
      if (r == 1) zero = std::nearbyint(zero) + 0.5f;  // ties of z, both parities
      s[gi] = scale;
      z[gi] = zero;
    }
  }
}

void test_fake_quant_case(int64_t rows, int64_t cols, int64_t group_size, int bits, uint32_t seed) {
  const int64_t group = group_size <= 0 ? cols : group_size;
  const int64_t groups = cols / group;
  std::vector<float> w, s, z, g;
  make_case(rows, cols, group, bits, seed, w, s, z, g);
  const std::string label = "rows=" + std::to_string(rows) + " cols=" + std::to_string(cols) +
                            " group_size=" + std::to_string(group_size) + " bits=" + std::to_string(bits);

  const Tensor tw = host_tensor(w, LB_DTYPE_F32, {rows, cols});
  const Tensor ts = host_tensor(s, LB_DTYPE_F32, {rows, groups});
  const Tensor tz = host_tensor(z, LB_DTYPE_F32, {rows, groups});
  const Tensor tg = host_tensor(g, LB_DTYPE_F32, {rows, cols});
  const FqOut out = run_fake_quant(tw.get(), ts.get(), tz.get(), tg.get(), bits, group_size);
  const RefResult ref = reference(w, s, z, g, rows, cols, group, bits);

  const std::vector<float> w_hat = to_vector<float>(out.w_hat.get());
  if (!same_bits(w_hat, values(ref.w_hat))) check::fail(__FILE__, __LINE__, label + ": w_hat differs from reference");
  CHECK(shape_of(out.grad_s.get()) == (std::vector<int64_t>{rows, groups}));

  // dW: the reference computes (g * s) / s; ours is g itself.
  const std::vector<float> gw_ref = values(ref.grad_w);
  std::vector<double> tol_w(gw_ref.size());
  for (size_t i = 0; i < tol_w.size(); ++i) tol_w[i] = 2.5e-7 * std::fabs(g[i]) + 1e-30;
  expect_close(to_vector<float>(out.grad_w.get()), gw_ref, tol_w, label + ": grad_w");

  // ds, dz: sums over a group, reference in a different order: tolerance relative to sum |terms|.
  const float qmax = static_cast<float>((1 << bits) - 1);
  std::vector<double> tol_s(s.size()), tol_z(s.size());
  size_t clipped = 0;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t k = 0; k < groups; ++k) {
      const size_t gi = static_cast<size_t>(r * groups + k);
      double l1 = 0.0;
      for (int64_t j = 0; j < group; ++j) {
        const size_t i = static_cast<size_t>(r * cols + k * group + j);
        l1 += std::fabs(g[i]) * (std::fabs(w[i] / s[gi]) + qmax + 1.0);
        clipped += gw_ref[i] == 0.0f;
      }
      tol_s[gi] = 1e-6 * l1 + 1e-7;
      tol_z[gi] = 1e-6 * l1 * s[gi] + 1e-12;
    }
  }
  CHECK(clipped > 0);  // the case exercises clipping
  expect_close(to_vector<float>(out.grad_s.get()), values(ref.grad_s), tol_s, label + ": grad_scales");
  expect_close(to_vector<float>(out.grad_z.get()), values(ref.grad_z), tol_z, label + ": grad_zeros");

  // 16-bit w: the same as quantizing its f32 value.
  if (rows == 7 && bits == 3) {
    for (int32_t dtype : {LB_DTYPE_F16, LB_DTYPE_BF16}) {
      const Tensor w16 = convert(tw.get(), dtype);
      const Tensor w16_as_32 = convert(w16.get(), LB_DTYPE_F32);
      const FqOut a = run_fake_quant(w16.get(), ts.get(), tz.get(), tg.get(), bits, group_size);
      const FqOut b = run_fake_quant(w16_as_32.get(), ts.get(), tz.get(), tg.get(), bits, group_size);
      CHECK(same_bits(to_vector<float>(a.w_hat.get()), to_vector<float>(b.w_hat.get())));
      CHECK(same_bits(to_vector<float>(a.grad_s.get()), to_vector<float>(b.grad_s.get())));
    }
  }

  if (g_cuda) {
    const Tensor cw = convert(tw.get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    const Tensor cs = convert(ts.get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    const Tensor cz = convert(tz.get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    const Tensor cg = convert(tg.get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    const FqOut c = run_fake_quant(cw.get(), cs.get(), cz.get(), cg.get(), bits, group_size);
    int32_t type = -1, index = -1;
    CHECK_OK(lb_tensor_device(c.grad_w.get(), &type, &index));
    CHECK_EQ(type, LB_DEVICE_CUDA);
    const bool exact = same_bits(to_vector<float>(c.w_hat.get()), w_hat) &&
                       same_bits(to_vector<float>(c.grad_w.get()), to_vector<float>(out.grad_w.get())) &&
                       same_bits(to_vector<float>(c.grad_s.get()), to_vector<float>(out.grad_s.get())) &&
                       same_bits(to_vector<float>(c.grad_z.get()), to_vector<float>(out.grad_z.get()));
    if (!exact) check::fail(__FILE__, __LINE__, label + ": CUDA differs from CPU");
  }
}

void test_fake_quant_cases() {
  int cases = 0;
  uint32_t seed = 1;
  for (int bits : {2, 3, 4}) {
    for (int64_t rows : {int64_t{1}, int64_t{7}, int64_t{33}}) {
      for (int64_t group_size : {int64_t{32}, int64_t{64}, int64_t{128}}) {
        for (int64_t cols : {int64_t{128}, int64_t{384}}) {
          test_fake_quant_case(rows, cols, group_size, bits, seed++);
          ++cases;
        }
      }
      for (int64_t cols : {int64_t{96}, int64_t{200}, int64_t{4099}}) {  // per-channel, tails
        test_fake_quant_case(rows, cols, 0, bits, seed++);
        ++cases;
      }
    }
  }
  std::printf("fake quant: %d cases vs autograd reference%s\n", cases, g_cuda ? " (and CUDA == CPU)" : "");
}

// CUDA vs CPU, bit for bit, at a Llama-2-7B MLP shape (only with a device).
void test_fake_quant_large_cuda() {
  if (!g_cuda) return;
  const int64_t rows = 4096, cols = 11008;
  for (int64_t group_size : {int64_t{128}, int64_t{0}}) {
    const int bits = group_size == 0 ? 4 : 2;
    const int64_t group = group_size == 0 ? cols : group_size;
    std::vector<float> w, s, z, g;
    make_case(rows, cols, group, bits, 7, w, s, z, g);
    const Tensor tw = host_tensor(w, LB_DTYPE_F32, {rows, cols});
    const Tensor ts = host_tensor(s, LB_DTYPE_F32, {rows, cols / group});
    const Tensor tz = host_tensor(z, LB_DTYPE_F32, {rows, cols / group});
    const Tensor tg = host_tensor(g, LB_DTYPE_F32, {rows, cols});
    const FqOut cpu = run_fake_quant(tw.get(), ts.get(), tz.get(), tg.get(), bits, group_size);
    const Tensor cw = convert(tw.get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    const Tensor cs = convert(ts.get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    const Tensor cz = convert(tz.get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    const Tensor cg = convert(tg.get(), LB_DTYPE_F32, LB_DEVICE_CUDA);
    const FqOut gpu = run_fake_quant(cw.get(), cs.get(), cz.get(), cg.get(), bits, group_size);
    const bool exact = same_bits(to_vector<float>(gpu.w_hat.get()), to_vector<float>(cpu.w_hat.get())) &&
                       same_bits(to_vector<float>(gpu.grad_w.get()), to_vector<float>(cpu.grad_w.get())) &&
                       same_bits(to_vector<float>(gpu.grad_s.get()), to_vector<float>(cpu.grad_s.get())) &&
                       same_bits(to_vector<float>(gpu.grad_z.get()), to_vector<float>(cpu.grad_z.get()));
    std::printf("fake quant 4096 x 11008 bits=%d group_size=%lld: CUDA %s CPU\n", bits,
                static_cast<long long>(group_size), exact ? "==" : "!=");
    if (!exact) check::fail(__FILE__, __LINE__, "large fake quant: CUDA differs from CPU");

    // rough timings (outputs are allocated per call, as the API does)
    const int repeats = 20;
    const double bytes = static_cast<double>(rows * cols) * 4.0;
    lb_tensor t = nullptr;
    auto time_ms = [&](auto&& call) {
      call();
      CHECK_OK(lb_synchronize(LB_DEVICE_CUDA, 0));
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < repeats; ++i) call();
      CHECK_OK(lb_synchronize(LB_DEVICE_CUDA, 0));
      return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / repeats;
    };
    const double fwd = time_ms([&] {
      CHECK_OK(lb_fake_quant_forward(cw.get(), cs.get(), cz.get(), bits, group_size, &t));
      lb_tensor_free(t);
    });
    const double bwd = time_ms([&] {
      lb_tensor a = nullptr, b = nullptr;
      CHECK_OK(lb_fake_quant_backward(cw.get(), cs.get(), cz.get(), bits, group_size, cg.get(), &t, &a, &b));
      lb_tensor_free(t), lb_tensor_free(a), lb_tensor_free(b);
    });
    std::printf("  cuda forward %.3f ms (%.0f GB/s), backward %.3f ms (%.0f GB/s)\n", fwd, 2 * bytes / fwd / 1e6, bwd,
                3 * bytes / bwd / 1e6);
  }
  // reconstruction loss on a Block-AP batch: [2, 2048, 4096] bf16
  std::vector<float> a(static_cast<size_t>(2 * 2048 * 4096), 0.5f), b(a.size(), 0.25f);
  const Tensor ha = host_tensor(a, LB_DTYPE_F32, {2, 2048, 4096});
  const Tensor hb = host_tensor(b, LB_DTYPE_F32, {2, 2048, 4096});
  const Tensor ca = convert(ha.get(), LB_DTYPE_BF16, LB_DEVICE_CUDA);
  const Tensor cb = convert(hb.get(), LB_DTYPE_BF16, LB_DEVICE_CUDA);
  double loss = 0.0;
  lb_tensor grad = nullptr;
  CHECK_OK(lb_recon_loss(ca.get(), cb.get(), &loss, &grad));
  lb_tensor_free(grad);
  CHECK(loss == 0.0625);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    CHECK_OK(lb_recon_loss(ca.get(), cb.get(), &loss, &grad));
    lb_tensor_free(grad);
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / 20;
  std::printf("recon loss [2, 2048, 4096] bf16 + f32 grad on CUDA: %.3f ms per call (incl. the loss read-back)\n", ms);
}

// A hand-checked group: bits 2 (qmax 3), s = 1, z = 1.4 -> z' = 1.
void test_fake_quant_by_hand() {
  const std::vector<float> w = {-2.0f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 0.25f, 3.0f};
  const std::vector<float> g = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f};
  const Tensor tw = host_tensor(w, LB_DTYPE_F32, {1, 8});
  const Tensor ts = host_tensor(std::vector<float>{1.0f}, LB_DTYPE_F32, {1, 1});
  const Tensor tz = host_tensor(std::vector<float>{1.4f}, LB_DTYPE_F32, {1, 1});
  const Tensor tg = host_tensor(g, LB_DTYPE_F32, {1, 8});
  const FqOut out = run_fake_quant(tw.get(), ts.get(), tz.get(), tg.get(), 2, -1);
  // round: -2, -2, -0, 0, 2, 2, 0, 3; + z' = 1: -1, -1, 1, 1, 3, 3, 1, 4 -> clip at 0 and 3
  const std::vector<float> w_hat = {-1.0f, -1.0f, 0.0f, 0.0f, 2.0f, 2.0f, 0.0f, 2.0f};
  CHECK(to_vector<float>(out.w_hat.get()) == w_hat);
  CHECK(to_vector<float>(out.grad_w.get()) == (std::vector<float>{0, 0, 3, 4, 5, 6, 7, 0}));
  // ds: clipped (q - z') g: -1*1 + -1*2 + 2*8 = 13; inside (r - x) g: 0.5*3 - 0.5*4 + 0.5*5 - 0.5*6 - 0.25*7
  CHECK_EQ(to_vector<float>(out.grad_s.get())[0], 13.0f + 1.5f - 2.0f + 2.5f - 3.0f - 1.75f);
  CHECK_EQ(to_vector<float>(out.grad_z.get())[0], -(1.0f + 2.0f + 8.0f));
}

void test_fake_quant_validation() {
  const std::vector<float> w(4 * 64, 0.5f), p(4 * 2, 1.0f);
  const Tensor tw = host_tensor(w, LB_DTYPE_F32, {4, 64});
  const Tensor ts = host_tensor(p, LB_DTYPE_F32, {4, 2});
  const Tensor tz = host_tensor(p, LB_DTYPE_F32, {4, 2});
  const Tensor bad = host_tensor(p, LB_DTYPE_F32, {2, 4});
  const Tensor ints = host_tensor(std::vector<int32_t>(8, 1), LB_DTYPE_I32, {4, 2});
  lb_tensor out = nullptr, a = nullptr, b = nullptr;
  CHECK_FAILS(lb_fake_quant_forward(tw.get(), ts.get(), tz.get(), 5, 32, &out), LB_ERR_INVALID_ARGUMENT,
              "bits=5 (expected 2, 3 or 4)");
  CHECK_FAILS(lb_fake_quant_forward(tw.get(), ts.get(), tz.get(), 4, 48, &out), LB_ERR_INVALID_ARGUMENT,
              "group_size=48 does not divide in=64");
  CHECK_FAILS(lb_fake_quant_forward(tw.get(), bad.get(), tz.get(), 4, 32, &out), LB_ERR_INVALID_ARGUMENT,
              "scales: shape [2, 4] (expected [4, 2])");
  CHECK_FAILS(lb_fake_quant_forward(tw.get(), ts.get(), ints.get(), 4, 32, &out), LB_ERR_INVALID_ARGUMENT,
              "zeros: dtype=I32 (expected F32, F16 or BF16)");
  CHECK_FAILS(lb_fake_quant_forward(tw.get(), ts.get(), tz.get(), 4, 32, nullptr), LB_ERR_INVALID_ARGUMENT,
              "w_hat is NULL");
  CHECK_FAILS(lb_fake_quant_forward(nullptr, ts.get(), tz.get(), 4, 32, &out), LB_ERR_INVALID_ARGUMENT, "w is NULL");
  CHECK_FAILS(lb_fake_quant_backward(tw.get(), ts.get(), tz.get(), 4, 32, ts.get(), &out, &a, &b),
              LB_ERR_INVALID_ARGUMENT, "grad_w_hat: shape [4, 2] (expected [4, 64])");
  CHECK_FAILS(lb_fake_quant_backward(tw.get(), ts.get(), tz.get(), 4, 32, tw.get(), &out, nullptr, &b),
              LB_ERR_INVALID_ARGUMENT, "grad_scales is NULL");
  CHECK(out == nullptr && a == nullptr && b == nullptr);
}

// ---- reconstruction loss ----
void test_recon_case(const std::vector<int64_t>& shape, int32_t dtype, uint32_t seed) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
  for (size_t i = 0; i < a.size(); ++i) a[i] = normal(rng), b[i] = a[i] + 0.1f * normal(rng);
  const Tensor ta32 = host_tensor(a, LB_DTYPE_F32, shape);
  const Tensor tb32 = host_tensor(b, LB_DTYPE_F32, shape);
  const Tensor ta = convert(ta32.get(), dtype);
  const Tensor tb = convert(tb32.get(), dtype);
  // the reference sees the values the kernel sees (rounded to 16 bits where dtype is 16-bit)
  const std::vector<float> av = to_vector<float>(convert(ta.get(), LB_DTYPE_F32).get());
  const std::vector<float> bv = to_vector<float>(convert(tb.get(), LB_DTYPE_F32).get());
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += (static_cast<double>(av[i]) - bv[i]) * (static_cast<double>(av[i]) - bv[i]);
  const double want = sum / static_cast<double>(n);
  const std::string label = "recon n=" + std::to_string(n) + " dtype=" + std::to_string(dtype);

  double loss = -1.0, loss_only = -1.0;
  lb_tensor grad = nullptr;
  CHECK_OK(lb_recon_loss(ta.get(), tb.get(), &loss, &grad));
  const Tensor tgrad(grad);
  CHECK_OK(lb_recon_loss(ta.get(), tb.get(), &loss_only, nullptr));
  CHECK(loss == loss_only);
  if (!(std::fabs(loss - want) <= 1e-5 * want)) {
    check::fail(__FILE__, __LINE__, label + ": loss " + std::to_string(loss) + " vs " + std::to_string(want));
  }
  CHECK(shape_of(grad) == shape);
  int32_t grad_dtype = -1;
  CHECK_OK(lb_tensor_dtype(grad, &grad_dtype));
  CHECK_EQ(grad_dtype, LB_DTYPE_F32);
  const std::vector<float> gv = to_vector<float>(grad);
  std::vector<float> gref(gv.size());
  std::vector<double> tol(gv.size());
  for (int64_t i = 0; i < n; ++i) {
    const double r = 2.0 * (static_cast<double>(av[i]) - bv[i]) / static_cast<double>(n);
    gref[i] = static_cast<float>(r);
    tol[i] = 3e-7 * std::fabs(r) + 1e-30;
  }
  expect_close(gv, gref, tol, label + ": grad");

  if (g_cuda) {
    const Tensor ca = convert(ta.get(), dtype, LB_DEVICE_CUDA);
    const Tensor cb = convert(tb.get(), dtype, LB_DEVICE_CUDA);
    double closs = -1.0;
    lb_tensor cgrad = nullptr;
    CHECK_OK(lb_recon_loss(ca.get(), cb.get(), &closs, &cgrad));
    const Tensor tcgrad(cgrad);
    if (closs != loss) check::fail(__FILE__, __LINE__, label + ": CUDA loss differs from CPU loss");
    if (!same_bits(to_vector<float>(cgrad), gv)) check::fail(__FILE__, __LINE__, label + ": CUDA grad differs");
    double again = -1.0;
    CHECK_OK(lb_recon_loss(ca.get(), cb.get(), &again, nullptr));
    CHECK(again == closs);
  }
}

void test_recon() {
  uint32_t seed = 100;
  int cases = 0;
  for (int32_t dtype : {LB_DTYPE_F32, LB_DTYPE_F16, LB_DTYPE_BF16}) {
    for (const auto& shape : std::vector<std::vector<int64_t>>{{1}, {2, 5, 33}, {3, 1000, 7}, {1, 1100003}}) {
      test_recon_case(shape, dtype, seed++);
      ++cases;
    }
  }
  std::printf("recon loss: %d cases vs double reference%s\n", cases, g_cuda ? " (and CUDA == CPU)" : "");

  const Tensor a = host_tensor(std::vector<float>(6, 1.0f), LB_DTYPE_F32, {2, 3});
  const Tensor b = host_tensor(std::vector<float>(6, 1.0f), LB_DTYPE_F32, {3, 2});
  const Tensor h = convert(a.get(), LB_DTYPE_F16);
  const Tensor e = host_tensor(std::vector<float>{}, LB_DTYPE_F32, {0, 3});
  double loss = 0.0;
  lb_tensor grad = nullptr;
  CHECK_FAILS(lb_recon_loss(a.get(), b.get(), &loss, &grad), LB_ERR_INVALID_ARGUMENT, "b: shape [3, 2] (expected [2, 3])");
  CHECK_FAILS(lb_recon_loss(a.get(), h.get(), &loss, &grad), LB_ERR_INVALID_ARGUMENT, "b: dtype=F16 (expected F32");
  CHECK_FAILS(lb_recon_loss(a.get(), a.get(), nullptr, &grad), LB_ERR_INVALID_ARGUMENT, "loss is NULL");
  CHECK_FAILS(lb_recon_loss(e.get(), e.get(), &loss, &grad), LB_ERR_INVALID_ARGUMENT, "has no elements");
  CHECK(grad == nullptr);
}

}  // namespace

int main() {
  const lb_runtime_info info = runtime_info();
  g_cuda = info.cuda_built && info.cuda_available;
  if (!g_cuda) {
    std::printf("test_fake_quant: CUDA comparisons SKIPPED (%s)\n",
                info.cuda_built ? "no CUDA device visible" : "liblowbit was built without CUDA");
  }
  test_fake_quant_by_hand();
  test_fake_quant_validation();
  test_fake_quant_cases();
  test_fake_quant_large_cuda();
  test_recon();
  return check::finish("test_fake_quant");
}
