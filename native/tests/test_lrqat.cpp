// LR-QAT: p=4 grid-search init vs a plain loop, down-cast exactness, the native quantized linear (forward and
// every gradient) vs a libtorch autograd reference, and the whole-model handle: training lowers the loss,
// merge equals the training forward's weights bit for bit, checkpoint state resumes identically, NaN is an error.
// CUDA cases run (against the CPU results) only where a device is visible.
#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"

namespace {

int32_t code_of(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return LB_DTYPE_F32;
    case at::kHalf: return LB_DTYPE_F16;
    case at::kBFloat16: return LB_DTYPE_BF16;
    case at::kChar: return LB_DTYPE_I8;
    case at::kByte: return LB_DTYPE_U8;
    case at::kInt: return LB_DTYPE_I32;
    case at::kLong: return LB_DTYPE_I64;
    default: return -1;
  }
}

at::ScalarType type_of(int32_t code) {
  switch (code) {
    case LB_DTYPE_F32: return at::kFloat;
    case LB_DTYPE_F16: return at::kHalf;
    case LB_DTYPE_BF16: return at::kBFloat16;
    case LB_DTYPE_I8: return at::kChar;
    case LB_DTYPE_U8: return at::kByte;
    case LB_DTYPE_I32: return at::kInt;
    default: return at::kLong;
  }
}

Tensor from_at(const at::Tensor& t, int32_t device = LB_DEVICE_CPU) {
  const at::Tensor c = t.contiguous().cpu();
  std::vector<int64_t> shape(c.sizes().begin(), c.sizes().end());
  lb_tensor out = nullptr;
  CHECK_OK(lb_tensor_from_host(c.data_ptr(), code_of(c.scalar_type()), shape.data(), static_cast<int32_t>(shape.size()),
                               device, 0, &out));
  return Tensor(out);
}

at::Tensor to_at(lb_tensor t) {
  int32_t dtype = 0;
  CHECK_OK(lb_tensor_dtype(t, &dtype));
  const std::vector<int64_t> shape = shape_of(t);
  at::Tensor out = at::empty(shape, at::TensorOptions().dtype(type_of(dtype)));
  CHECK_OK(lb_tensor_to_host(t, out.data_ptr(), static_cast<int64_t>(out.nbytes())));
  return out;
}

lb_lrqat_options options(int bits, bool sym, int64_t group, int32_t downcast, int64_t rank = 4, int32_t ab = LB_DTYPE_F32) {
  lb_lrqat_options o{};
  o.struct_size = sizeof(o);
  o.bits = bits;
  o.symmetric = sym ? 1 : 0;
  o.group_size = group;
  o.rank = rank;
  o.alpha = 1.0;
  o.downcast = downcast;
  o.ab_dtype = ab;
  o.seed = 7;
  return o;
}

float f16(float x) { return static_cast<float>(c10::Half(x)); }

void expect_equal(const at::Tensor& got, const at::Tensor& want, const std::string& what) {
  if (!got.sizes().equals(want.sizes()) || !at::equal(got, want)) {
    check::fail(__FILE__, __LINE__, what + ": not bit-identical (max diff " +
                                        std::to_string((got.to(at::kDouble) - want.to(at::kDouble)).abs().max().item<double>()) + ")");
  }
}

void expect_close(const at::Tensor& got, const at::Tensor& want, double rtol, double atol, const std::string& what) {
  const at::Tensor g = got.to(at::kDouble), w = want.to(at::kDouble);
  if (!g.sizes().equals(w.sizes())) {
    check::fail(__FILE__, __LINE__, what + ": shape differs");
    return;
  }
  const double scale = w.abs().max().item<double>();
  const double diff = (g - w).abs().max().item<double>();
  if (!(diff <= atol + rtol * scale)) {
    check::fail(__FILE__, __LINE__, what + ": max diff " + std::to_string(diff) + " (scale " + std::to_string(scale) + ")");
  }
}

// ---- 1. grid search vs a plain loop over the same 100 candidates ----
void test_grid_search(int bits, bool sym, int64_t group) {
  const int64_t out = 5, in = 64;
  at::manual_seed(bits * 10 + (sym ? 1 : 0));
  at::Tensor w = at::randn({out, in}) * 0.05;
  w.index_put_({2}, 0.0);  // an all-zero row
  auto o = options(bits, sym, group, LB_LRQAT_DOWNCAST_Q8);
  lb_tensor s = nullptr, z = nullptr;
  Tensor tw = from_at(w);
  CHECK_OK(lb_lrqat_scale_init(tw.get(), &o, &s, &z));
  Tensor ts(s), tz(z);
  const at::Tensor scales = to_at(ts.get()), zeros = to_at(tz.get());
  const int64_t g = group <= 0 ? in : group, groups = in / g;
  CHECK_EQ(scales.size(1), groups);
  const double half = std::pow(2.0, bits - 1), levels = std::pow(2.0, bits) - 1;
  const auto err_of = [&](const float* x, float sc, float zp) {
    double e = 0;
    for (int64_t i = 0; i < g; ++i) {
      double q;
      if (sym) {
        q = std::min(std::max(static_cast<double>(std::nearbyint(x[i] / sc)), -half), half - 1) * sc;
      } else {
        const double c = std::min(std::max(static_cast<double>(std::nearbyint(x[i] / sc)) + zp, 0.0), levels);
        q = (c - zp) * sc;
      }
      e += std::pow(std::fabs(q - x[i]), 4);
    }
    return e;
  };
  const at::Tensor wc = w.contiguous();
  for (int64_t r = 0; r < out; ++r) {
    for (int64_t k = 0; k < groups; ++k) {
      const float* x = wc.data_ptr<float>() + r * in + k * g;
      float mx = 0, lo = 0, hi = 0;
      for (int64_t i = 0; i < g; ++i) mx = std::max(mx, std::fabs(x[i])), lo = std::min(lo, x[i]), hi = std::max(hi, x[i]);
      if (!sym) {
        lo = x[0], hi = x[0];
        for (int64_t i = 0; i < g; ++i) lo = std::min(lo, x[i]), hi = std::max(hi, x[i]);
      }
      double best = std::numeric_limits<double>::infinity();
      for (int c = 1; c <= 100; ++c) {
        float sc, zp = static_cast<float>(half);
        if (sym) {
          sc = mx * static_cast<float>(c / 100.0) / static_cast<float>(half - 1);
        } else {
          const float l = lo * static_cast<float>(c / 100.0), h = hi * static_cast<float>(c / 100.0);
          sc = (h - l) / static_cast<float>(levels);
        }
        sc = f16(sc > 0 ? std::max(sc, 1e-7f) : 1.0f);
        if (!sym) zp = static_cast<float>(std::min(std::max(static_cast<double>(std::nearbyint(-(lo * static_cast<float>(c / 100.0)) / sc)), 0.0), levels));
        best = std::min(best, err_of(x, sc, zp));
      }
      const float got_s = scales[r][k].item<float>(), got_z = zeros[r][k].item<float>();
      CHECK(got_s > 0 && f16(got_s) == got_s);
      CHECK(got_z == std::nearbyint(got_z) && got_z >= 0 && got_z <= levels);
      if (sym) CHECK(got_z == static_cast<float>(half));
      const double got = err_of(x, got_s, got_z);
      if (!(got <= best * (1 + 1e-4) + 1e-30)) {
        check::fail(__FILE__, __LINE__, "grid search bits=" + std::to_string(bits) + " sym=" + std::to_string(sym) +
                                            ": chosen error " + std::to_string(got) + " > best " + std::to_string(best));
      }
    }
  }
}

// ---- 2. down-cast exactness ----
void test_downcast(int bits, bool sym, int32_t kind) {
  const int64_t out = 6, in = 32, group = 16;
  at::manual_seed(100 + bits);
  const at::Tensor w = at::randn({out, in}) * 0.1;
  auto o = options(bits, sym, group, kind);
  lb_tensor s = nullptr, z = nullptr, phi = nullptr, grid = nullptr;
  Tensor tw = from_at(w);
  CHECK_OK(lb_lrqat_scale_init(tw.get(), &o, &s, &z));
  Tensor ts(s), tz(z);
  CHECK_OK(lb_lrqat_downcast(tw.get(), ts.get(), tz.get(), &o, &phi));
  Tensor tp(phi);
  CHECK_OK(lb_lrqat_upcast(tp.get(), &o, &grid));
  Tensor tg(grid);
  const at::Tensor phi0 = to_at(tp.get()), up = to_at(tg.get());
  const at::Tensor sc = to_at(ts.get()), zp = to_at(tz.get());
  const double qmin = -std::pow(2.0, bits - 1), qmax = std::pow(2.0, bits - 1) - 1;
  const double frac = std::pow(2.0, 8 - bits);
  const at::Tensor wc = w.contiguous();
  for (int64_t r = 0; r < out; ++r) {
    for (int64_t i = 0; i < in; ++i) {
      const float sv = sc[r][i / group].item<float>();
      const float ov = zp[r][i / group].item<float>() - static_cast<float>(-qmin);
      const float x = wc[r][i].item<float>() / sv + ov;
      const float clipped = static_cast<float>(std::min(std::max(static_cast<double>(x), qmin), qmax));
      float want_up;
      if (kind == LB_LRQAT_DOWNCAST_Q8) {
        const float want = std::nearbyint(clipped * static_cast<float>(frac));
        CHECK_EQ(static_cast<int>(phi0[r][i].item<int8_t>()), static_cast<int>(want));
        want_up = want / static_cast<float>(frac);
      } else if (kind == LB_LRQAT_DOWNCAST_INT4) {
        const int v = static_cast<int>(std::nearbyint(clipped));
        const int byte = phi0[r][i / 2].item<uint8_t>();
        CHECK_EQ((i % 2 == 0 ? byte & 15 : byte >> 4), v - static_cast<int>(qmin));
        want_up = static_cast<float>(v);
      } else {
        want_up = static_cast<float>(c10::BFloat16(x));
        CHECK(phi0[r][i].item<float>() == want_up);
      }
      if (up[r][i].item<float>() != want_up) {
        check::fail(__FILE__, __LINE__, "upcast(downcast) kind " + std::to_string(kind) + " bits " + std::to_string(bits) +
                                            " at " + std::to_string(r) + "," + std::to_string(i));
      }
    }
  }
  if (kind == LB_LRQAT_DOWNCAST_INT4) CHECK_EQ(phi0.size(1), in / 2);
}

// ---- 3. the quantized linear vs autograd ----
void test_linear(int bits, bool sym, int64_t group, int32_t kind, int32_t device) {
  const int64_t m = 3, out = 7, in = 48, r = 5;
  at::manual_seed(bits * 100 + kind * 10 + (sym ? 1 : 0) + static_cast<int>(group));
  const at::Tensor w = at::randn({out, in}) * 0.1;
  auto o = options(bits, sym, group, kind, r);
  o.alpha = 3.0;
  lb_tensor s = nullptr, z = nullptr, phi = nullptr, grid = nullptr;
  Tensor tw = from_at(w);
  CHECK_OK(lb_lrqat_scale_init(tw.get(), &o, &s, &z));
  Tensor ts(s), tz(z);
  CHECK_OK(lb_lrqat_downcast(tw.get(), ts.get(), tz.get(), &o, &phi));
  Tensor tp(phi);
  CHECK_OK(lb_lrqat_upcast(tp.get(), &o, &grid));
  Tensor tg(grid);
  // A B large enough that many values move across grid points and some are clipped.
  const at::Tensor a = at::randn({out, r}), b = at::randn({r, in}) * 1.5, x = at::randn({m, in}), gy = at::randn({m, out});
  const at::Tensor scales = to_at(ts.get()) * 1.01f;  // not f16 values, so the f16 rounding is exercised
  const at::Tensor zeros = to_at(tz.get());

  // reference
  const double qmin = -std::pow(2.0, bits - 1), qmax = std::pow(2.0, bits - 1) - 1;
  at::Tensor ra = a.clone().requires_grad_(true), rb = b.clone().requires_grad_(true);
  at::Tensor rs = scales.clone().requires_grad_(true), rx = x.clone().requires_grad_(true);
  const int64_t groups = scales.size(1);
  const at::Tensor zz = to_at(tg.get()) + (o.alpha / r) * at::mm(ra, rb);
  const at::Tensor w_int = (zz + (zz.round() - zz).detach()).clamp(qmin, qmax);
  const at::Tensor s16 = rs + (rs.to(at::kHalf).to(at::kFloat) - rs).detach();
  const at::Tensor off = (zeros + qmin).unsqueeze(-1).expand({out, groups, in / groups}).reshape({out, in});
  const at::Tensor se = s16.unsqueeze(-1).expand({out, groups, in / groups}).reshape({out, in});
  const at::Tensor ref_y = at::linear(rx, se * (w_int - off));
  ref_y.backward(gy);

  Tensor tx = from_at(x, device), ta = from_at(a, device), tb = from_at(b, device), tsc = from_at(scales, device);
  Tensor tzz = from_at(zeros, device), tgy = from_at(gy, device), tph = from_at(to_at(tp.get()), device);
  lb_tensor y = nullptr, gx = nullptr, ga = nullptr, gb = nullptr, gs = nullptr;
  CHECK_OK(lb_lrqat_linear(tx.get(), tph.get(), ta.get(), tb.get(), tsc.get(), tzz.get(), &o, tgy.get(), &y, &gx, &ga, &gb, &gs));
  Tensor ty(y), tgx(gx), tga(ga), tgb(gb), tgs(gs);
  const std::string what = "linear bits=" + std::to_string(bits) + " sym=" + std::to_string(sym) + " group=" +
                           std::to_string(group) + " kind=" + std::to_string(kind) + (device ? " cuda" : "");
  expect_close(to_at(ty.get()), ref_y.detach(), 1e-5, 1e-6, what + " y");
  expect_close(to_at(tgx.get()), rx.grad(), 1e-5, 1e-6, what + " grad_x");
  expect_close(to_at(tga.get()), ra.grad(), 1e-5, 1e-6, what + " grad_a");
  expect_close(to_at(tgb.get()), rb.grad(), 1e-5, 1e-6, what + " grad_b");
  expect_close(to_at(tgs.get()), rs.grad(), 1e-5, 1e-6, what + " grad_scales");
  // Some values must have been clipped, or the mask was not exercised.
  const at::Tensor rounded = zz.detach().round();
  CHECK(((rounded < qmin) | (rounded > qmax)).any().item<bool>());
}

// ---- 4. the model handle ----
struct TinyModel {
  lb_llama_config config{};
  std::vector<Tensor> keep;
  std::vector<lb_llama_block_weights> layers;
  Tensor embed, norm;
  int64_t vocab = 50;
};

TinyModel tiny_model() {
  TinyModel t;
  t.config.struct_size = sizeof(t.config);
  t.config.hidden_size = 32;
  t.config.intermediate_size = 48;
  t.config.num_heads = 4;
  t.config.num_kv_heads = 2;
  t.config.head_dim = 8;
  t.config.rope_theta = 10000.0;
  t.config.rms_norm_eps = 1e-5;
  t.config.compute_dtype = LB_DTYPE_F32;
  at::manual_seed(42);
  t.embed = from_at(at::randn({t.vocab, 32}));
  t.norm = from_at(at::ones({32}) + 0.1 * at::randn({32}));
  for (int l = 0; l < 2; ++l) {
    lb_llama_block_weights w{};
    w.struct_size = sizeof(w);
    auto add = [&](std::vector<int64_t> shape, double scale, double bias) {
      t.keep.push_back(from_at(at::randn(shape) * scale + bias));
      return t.keep.back().get();
    };
    w.input_norm = add({32}, 0.1, 1.0);
    w.q_proj = add({32, 32}, 0.2, 0);
    w.k_proj = add({16, 32}, 0.2, 0);
    w.v_proj = add({16, 32}, 0.2, 0);
    w.o_proj = add({32, 32}, 0.2, 0);
    w.post_attention_norm = add({32}, 0.1, 1.0);
    w.gate_proj = add({48, 32}, 0.2, 0);
    w.up_proj = add({48, 32}, 0.2, 0);
    w.down_proj = add({32, 48}, 0.2, 0);
    t.layers.push_back(w);
  }
  return t;
}

struct ModelHandle {
  lb_lrqat_model m = nullptr;
  ~ModelHandle() { lb_lrqat_model_free(m); }
};

void make_model(TinyModel& t, const lb_lrqat_options& o, ModelHandle& h) {
  CHECK_OK(lb_lrqat_model_create(&t.config, &o, 2, t.embed.get(), t.norm.get(), t.embed.get(), LB_DEVICE_CPU, 0, &h.m));
  for (auto& w : t.layers) {
    double err = -1, ref = -1;
    CHECK_OK(lb_lrqat_model_add_layer(h.m, &w, &err, &ref));
    CHECK(err > 0 && ref > err);
  }
}

void test_model(int bits, bool sym, int64_t group) {
  TinyModel t = tiny_model();
  auto o = options(bits, sym, group, LB_LRQAT_DOWNCAST_Q8, 4);
  ModelHandle h;
  make_model(t, o, h);
  at::manual_seed(5);
  Tensor ids = from_at(at::randint(0, t.vocab, {4, 12}, at::TensorOptions().dtype(at::kLong)));
  double first = 0, last = 0, norm = 0;
  for (int i = 0; i < 30; ++i) {
    double loss = 0;
    CHECK_OK(lb_lrqat_model_train_step(h.m, ids.get(), 1e-2, 1e-4, 1.0, &loss, &norm));
    if (i == 0) first = loss;
    last = loss;
  }
  CHECK(norm > 0);
  if (!(last < first * 0.97)) {
    check::fail(__FILE__, __LINE__, "training did not lower the loss: " + std::to_string(first) + " -> " + std::to_string(last));
  }
  // merge == training forward's weights, bit for bit
  for (int p = 0; p < 7; ++p) {
    lb_tensor c = nullptr, s = nullptr, z = nullptr, d = nullptr;
    CHECK_OK(lb_lrqat_model_merge(h.m, 1, p, &c, &s, &z));
    CHECK_OK(lb_lrqat_model_dequantized(h.m, 1, p, &d));
    Tensor tc(c), ts(s), tz(z), td(d);
    const at::Tensor codes = to_at(tc.get()).to(at::kFloat), sc = to_at(ts.get()), zp = to_at(tz.get());
    CHECK(codes.max().item<float>() <= std::pow(2.0f, bits) - 1);
    const int64_t out = codes.size(0), in = codes.size(1), groups = sc.size(1);
    const auto ex = [&](const at::Tensor& g) { return g.unsqueeze(-1).expand({out, groups, in / groups}).reshape({out, in}); };
    expect_equal(ex(sc) * (codes - ex(zp)), to_at(td.get()), "merge vs forward weight, projection " + std::to_string(p));
    expect_equal(ex(sc).to(at::kHalf).to(at::kFloat), ex(sc), "merged scales are f16 values");
  }
  // checkpoint state: a second model given the state continues identically
  int64_t count = 0, step = 0;
  CHECK_OK(lb_lrqat_model_state_count(h.m, &count));
  CHECK_OK(lb_lrqat_model_step(h.m, &step));
  CHECK_EQ(step, int64_t{30});
  CHECK_EQ(count, int64_t{2 * 7 * 3 * 3});
  std::vector<Tensor> saved;
  for (int64_t i = 0; i < count; ++i) {
    lb_tensor s = nullptr;
    CHECK_OK(lb_lrqat_model_state_get(h.m, i, &s));
    saved.emplace_back(s);
  }
  char name[128];
  CHECK_OK(lb_lrqat_model_state_name(h.m, count - 1, name, sizeof(name)));
  CHECK(std::string(name).rfind("adam_v.", 0) == 0);
  ModelHandle h2;
  make_model(t, o, h2);
  for (int64_t i = 0; i < count; ++i) CHECK_OK(lb_lrqat_model_state_set(h2.m, i, saved[i].get()));
  CHECK_OK(lb_lrqat_model_set_step(h2.m, step));
  for (int i = 0; i < 3; ++i) {
    double l1 = 0, l2 = 0;
    CHECK_OK(lb_lrqat_model_train_step(h.m, ids.get(), 1e-2, 1e-4, 1.0, &l1, nullptr));
    CHECK_OK(lb_lrqat_model_train_step(h2.m, ids.get(), 1e-2, 1e-4, 1.0, &l2, nullptr));
    CHECK(l1 == l2);
  }
  // nll agrees with the train loss definition
  lb_tensor nll = nullptr;
  CHECK_OK(lb_lrqat_model_nll(h.m, ids.get(), &nll));
  Tensor tn(nll);
  CHECK_EQ(shape_of(tn.get())[1], int64_t{11});
  // bad input and NaN
  Tensor bad = from_at(at::full({1, 4}, 50, at::TensorOptions().dtype(at::kLong)));
  CHECK_FAILS(lb_lrqat_model_train_step(h.m, bad.get(), 1e-2, 1e-4, 1.0, nullptr, nullptr), LB_ERR_INVALID_ARGUMENT, "vocabulary");
  // NaN in the last down_proj's scales reaches the logits through the residual whatever the attention kernel
  // does (torch 2.x's CPU SDPA turns all-NaN score rows of a NaN q_proj into finite output).
  int64_t nan_index = -1;
  for (int64_t i = 0; i < count; ++i) {
    CHECK_OK(lb_lrqat_model_state_name(h.m, i, name, sizeof(name)));
    if (std::string(name) == "layers.1.down_proj.scales") nan_index = i;
  }
  CHECK(nan_index >= 0);
  Tensor nan_scales = from_at(at::full(shape_of(saved[nan_index].get()), std::nanf("")));
  CHECK_OK(lb_lrqat_model_state_set(h.m, nan_index, nan_scales.get()));
  double loss = 0;
  CHECK_FAILS(lb_lrqat_model_train_step(h.m, ids.get(), 1e-2, 1e-4, 1.0, &loss, nullptr), LB_ERR_INTERNAL, "at step 34");
}

// The distillation loss against a dense reference: q = exp(teacher log-probs) on the top-k ids, r = 1 - sum q on
// the rest; loss = kd * KL(q, r || p on the ids, p_rest) + (1 - kd) * CE, mean over rows; gradient by autograd of
// that dense formula and by its closed form.
void test_distillation_loss(double kd_weight) {
  at::manual_seed(11);
  const int64_t n = 7, vocab = 50, k = 6;
  const at::Tensor logits = at::randn({n, vocab}) * 2;
  const at::Tensor ids = at::stack({at::randperm(vocab).narrow(0, 0, k), at::randperm(vocab).narrow(0, 0, k),
                                    at::randperm(vocab).narrow(0, 0, k), at::randperm(vocab).narrow(0, 0, k),
                                    at::randperm(vocab).narrow(0, 0, k), at::randperm(vocab).narrow(0, 0, k),
                                    at::randperm(vocab).narrow(0, 0, k)}).to(at::kInt);
  const at::Tensor tlp = at::log_softmax(at::randn({n, vocab}), -1).narrow(1, 0, k);  // not normalised over k
  const at::Tensor targets = at::randint(0, vocab, {n}, at::TensorOptions().dtype(at::kLong));
  Tensor tl = from_at(logits), ti = from_at(ids), tt = from_at(tlp), tg = from_at(targets);
  lb_tensor loss = nullptr, grad = nullptr;
  CHECK_OK(lb_lrqat_distillation_loss(tl.get(), ti.get(), tt.get(), tg.get(), kd_weight, &loss, &grad));
  Tensor tloss(loss), tgrad(grad);
  const at::Tensor q = tlp.exp();
  const at::Tensor r = 1.0 - q.sum(1);
  const at::Tensor in_ids = at::zeros({n, vocab}).scatter(1, ids.to(at::kLong), 1.0);
  const at::Tensor onehot = at::zeros({n, vocab}).scatter(1, targets.unsqueeze(1), 1.0);
  c10::AutoGradMode grad_mode(true);
  const at::Tensor x = logits.clone().requires_grad_(true);
  const at::Tensor logp = at::log_softmax(x, -1);
  const at::Tensor p_rest = (logp.exp() * (1.0 - in_ids)).sum(1);
  const at::Tensor kl = (q * (q.log() - logp.gather(1, ids.to(at::kLong)))).sum(1) + r * (r.log() - p_rest.log());
  const at::Tensor ce = -(onehot * logp).sum(-1);
  const at::Tensor ref = (kl * kd_weight + ce * (1.0 - kd_weight)).mean();
  ref.backward();
  // closed form: kd * (p - q on the ids - r p / p_rest elsewhere) + (1 - kd) * (p - onehot), over n
  const at::Tensor p = at::softmax(logits, -1);
  const at::Tensor q_dense = at::zeros({n, vocab}).scatter(1, ids.to(at::kLong), q);
  const at::Tensor kd_grad = p - q_dense - (1.0 - in_ids) * p * (r / (p * (1.0 - in_ids)).sum(1)).unsqueeze(1);
  const at::Tensor closed = (kd_grad * kd_weight + (p - onehot) * (1.0 - kd_weight)) / n;
  const std::string what = "distillation loss kd_weight=" + std::to_string(kd_weight);
  expect_close(to_at(tloss.get()), ref.detach(), 1e-5, 1e-6, what + " value");
  expect_close(to_at(tgrad.get()), x.grad(), 1e-5, 1e-7, what + " grad (autograd)");
  expect_close(to_at(tgrad.get()), closed, 1e-4, 1e-6, what + " grad (closed form)");
  lb_tensor none = nullptr;
  Tensor bad_ids = from_at(at::full({n, k}, vocab, at::TensorOptions().dtype(at::kLong)));
  CHECK_FAILS(lb_lrqat_distillation_loss(tl.get(), bad_ids.get(), tt.get(), tg.get(), kd_weight, &none, nullptr),
              LB_ERR_INVALID_ARGUMENT, "vocabulary");
  CHECK_FAILS(lb_lrqat_distillation_loss(tl.get(), ti.get(), tt.get(), tg.get(), 1.5, &none, nullptr),
              LB_ERR_INVALID_ARGUMENT, "kd_weight");
}

// A model with a distillation teacher: kd_weight 0 is the plain next-token loss of the pool windows; the KD loss
// falls while training; misuse fails with clear errors.
void test_model_kd() {
  TinyModel t = tiny_model();
  auto o = options(3, true, 0, LB_LRQAT_DOWNCAST_Q8, 4);
  at::manual_seed(6);
  const at::Tensor pool = at::randint(0, t.vocab, {6, 12}, at::TensorOptions().dtype(at::kLong));
  Tensor tpool = from_at(pool);
  ModelHandle h;
  CHECK_OK(lb_lrqat_model_create(&t.config, &o, 2, t.embed.get(), t.norm.get(), t.embed.get(), LB_DEVICE_CPU, 0, &h.m));
  CHECK_FAILS(lb_lrqat_model_set_teacher(h.m, tpool.get(), 0), LB_ERR_INVALID_ARGUMENT, "top_k");
  CHECK_OK(lb_lrqat_model_set_teacher(h.m, tpool.get(), 8));
  for (auto& w : t.layers) CHECK_OK(lb_lrqat_model_add_layer(h.m, &w, nullptr, nullptr));
  CHECK_FAILS(lb_lrqat_model_set_teacher(h.m, tpool.get(), 8), LB_ERR_INVALID_ARGUMENT, "before the first layer");
  const at::Tensor rows = at::tensor(std::vector<int64_t>{4, 1, 4, 0});
  Tensor trows = from_at(rows);
  lb_tensor nll = nullptr;
  Tensor tids = from_at(pool.index_select(0, rows));
  CHECK_OK(lb_lrqat_model_nll(h.m, tids.get(), &nll));
  Tensor tnll(nll);
  double ce = 0, first = 0, last = 0;
  CHECK_OK(lb_lrqat_model_train_step_kd(h.m, trows.get(), 0.0, 0.0, 0.0, 1.0, &ce, nullptr));
  const double want_ce = to_at(tnll.get()).mean().item<double>();
  if (!(std::abs(ce - want_ce) <= 1e-5 * want_ce)) {
    check::fail(__FILE__, __LINE__, "kd_weight 0 loss " + std::to_string(ce) + " != next-token NLL " + std::to_string(want_ce));
  }
  for (int i = 0; i < 30; ++i) {
    double loss = 0;
    CHECK_OK(lb_lrqat_model_train_step_kd(h.m, trows.get(), 1.0, 1e-2, 1e-4, 1.0, &loss, nullptr));
    if (i == 0) first = loss;
    last = loss;
  }
  if (!(last < first * 0.97)) {
    check::fail(__FILE__, __LINE__, "distillation did not lower the loss: " + std::to_string(first) + " -> " + std::to_string(last));
  }
  Tensor bad_rows = from_at(at::tensor(std::vector<int64_t>{6}));
  CHECK_FAILS(lb_lrqat_model_train_step_kd(h.m, bad_rows.get(), 1.0, 1e-2, 1e-4, 1.0, nullptr, nullptr),
              LB_ERR_INVALID_ARGUMENT, "teacher pool");
  ModelHandle plain;
  make_model(t, o, plain);
  CHECK_FAILS(lb_lrqat_model_train_step_kd(plain.m, trows.get(), 1.0, 1e-2, 1e-4, 1.0, nullptr, nullptr),
              LB_ERR_INVALID_ARGUMENT, "no distillation teacher");
}

void test_errors() {
  auto o = options(5, true, 0, LB_LRQAT_DOWNCAST_Q8);
  Tensor w = from_at(at::randn({4, 6}));
  lb_tensor s = nullptr, z = nullptr;
  CHECK_FAILS(lb_lrqat_scale_init(w.get(), &o, &s, &z), LB_ERR_INVALID_ARGUMENT, "bits=5");
  o = options(4, true, 4, LB_LRQAT_DOWNCAST_Q8);
  CHECK_FAILS(lb_lrqat_scale_init(w.get(), &o, &s, &z), LB_ERR_INVALID_ARGUMENT, "does not divide");
  o = options(4, true, 0, 9);
  CHECK_FAILS(lb_lrqat_scale_init(w.get(), &o, &s, &z), LB_ERR_INVALID_ARGUMENT, "downcast");
}

}  // namespace

int main() {
  const bool cuda = runtime_info().cuda_available != 0;
  for (int bits : {2, 3, 4}) {
    for (bool sym : {true, false}) {
      test_grid_search(bits, sym, 0);
      test_grid_search(bits, sym, 16);
      for (int32_t kind : {LB_LRQAT_DOWNCAST_Q8, LB_LRQAT_DOWNCAST_INT4, LB_LRQAT_DOWNCAST_BF16}) {
        test_downcast(bits, sym, kind);
        test_linear(bits, sym, 16, kind, LB_DEVICE_CPU);
        test_linear(bits, sym, 0, kind, LB_DEVICE_CPU);
        if (cuda) test_linear(bits, sym, 16, kind, LB_DEVICE_CUDA);
      }
    }
  }
  test_model(4, true, 0);
  test_model(2, false, 16);
  test_errors();
  for (double kd : {1.0, 0.6, 0.0}) test_distillation_loss(kd);
  test_model_kd();
  if (!cuda) std::printf("test_lrqat: no CUDA device, CUDA cases skipped\n");
  return check::finish("test_lrqat");
}
