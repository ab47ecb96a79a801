#include "src/vptq/vptq_layer.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <cmath>

#include <map>
#include <string>
#include <vector>

#include "src/error.h"
#include "src/kmeans.h"
#include "src/tensor_handle.h"
#include "src/vptq/fused_block.h"

namespace lb::vptq {
namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

at::Tensor to_f16_grid(const at::Tensor& t) { return t.to(at::kHalf).to(at::kFloat); }

// One codebook family (main + optional residual) over a range of permuted columns.
struct Codebook {
  int64_t v = 0;
  int64_t first = 0;     // first permuted column
  int64_t columns = 0;   // columns in the range
  at::Tensor main;       // f32 [k, v]
  at::Tensor residual;   // f32 [k_r, v] or undefined
  at::Tensor indices;    // i32 [Mv, columns]
  at::Tensor res_indices;
};

struct Layer {
  int64_t m = 0, n = 0;
  at::Tensor w;      // f32 [M, N] permuted, dead columns zeroed
  at::Tensor h;      // f64 [N, N] normalized, damped, permuted
  at::Tensor u;      // f32 [N, N] upper Cholesky of H^-1
  at::Tensor scale;  // f32 [N] permuted
  at::Tensor bias;   // f32 [N] permuted
};

// Normalized vectors of columns [first, first + count) of w: [count * ceil(M/v), v], column-major in vectors.
at::Tensor column_vectors(const at::Tensor& w, const at::Tensor& scale, const at::Tensor& bias, int64_t first,
                          int64_t count, int64_t v) {
  const int64_t m = w.size(0);
  const int64_t mp = ceil_div(m, v) * v;
  at::Tensor cols = (w.narrow(1, first, count) - bias.narrow(0, first, count)) / scale.narrow(0, first, count);
  if (mp != m) cols = at::constant_pad_nd(cols, {0, 0, 0, mp - m}, 0.0);
  return cols.t().contiguous().view({count * (mp / v), v});
}

at::Tensor vector_weights(const Layer& L, int64_t first, int64_t count, int64_t per_column, bool norm) {
  at::Tensor w = L.h.diagonal().narrow(0, first, count).to(at::kFloat);
  if (norm) w = w * L.scale.narrow(0, first, count).pow(2);
  return w.repeat_interleave(per_column).contiguous();
}

lb_kmeans_options kmeans_options(const lb_vptq_options& o, int64_t k, uint64_t salt) {
  lb_kmeans_options k_opts{};
  k_opts.struct_size = sizeof(k_opts);
  k_opts.k = k;
  k_opts.max_iter = o.kmeans_max_iter;
  k_opts.init = o.kmeans_init;
  k_opts.tol = o.kmeans_tol;
  k_opts.seed = o.seed * 0x9E3779B97F4A7C15ULL + salt;
  return k_opts;
}

// Quantizes one column (original space in and out); records its indices; appends the residual if asked.
at::Tensor quantize_column(const Layer& L, Codebook& cb, int64_t j, const at::Tensor& w_col, bool use_residual,
                           at::Tensor* residual_out) {
  const int64_t m = L.m, v = cb.v, mp = ceil_div(m, v) * v;
  const at::Tensor s = L.scale.narrow(0, j, 1), b = L.bias.narrow(0, j, 1);
  at::Tensor wn = (w_col - b) / s;
  if (mp != m) wn = at::constant_pad_nd(wn, {0, mp - m}, 0.0);
  const at::Tensor points = wn.view({mp / v, v}).contiguous();
  const at::Tensor labels = kmeans_assign_labels(points, cb.main, nullptr);
  at::Tensor q = cb.main.index_select(0, labels.to(at::kLong));
  const int64_t local = j - cb.first;
  cb.indices.select(1, local).copy_(labels);
  if (use_residual) {
    const at::Tensor r = (points - q).contiguous();
    const at::Tensor rl = kmeans_assign_labels(r, cb.residual, nullptr);
    cb.res_indices.select(1, local).copy_(rl);
    q = q + cb.residual.index_select(0, rl.to(at::kLong));
  }
  if (residual_out != nullptr) *residual_out = points - q;
  return q.reshape({mp}).narrow(0, 0, m) * s + b;
}

// The same loop with the in-block part fused (src/vptq/fused_block.h): one step per run of columns of one
// codebook inside a block instead of ~15 ops per column; the cross-block update stays one matmul.
bool fused_loop_applies(const Layer& L, const std::vector<Codebook*>& owner_of, int64_t block) {
  if (!fused_enabled()) return false;
  for (const Codebook* cb : owner_of)
    if (!fused_supported(L.w, static_cast<int>(cb->v), std::min(block, L.n))) return false;
  return true;
}

at::Tensor column_loop_fused(const Layer& L, std::vector<Codebook*>& owner_of, bool use_residual, bool feedback,
                             int64_t block, std::vector<at::Tensor>* residuals) {
  at::Tensor w = L.w.clone().contiguous();
  at::Tensor q_all = at::zeros_like(w);
  const int64_t n = L.n;
  std::map<const Codebook*, at::Tensor> residual_of;  // [columns, ceil(M/v)*v] per codebook
  if (residuals != nullptr) {
    for (const Codebook* cb : owner_of) {
      if (residual_of.count(cb) == 0) residual_of[cb] = at::empty({cb->columns, ceil_div(L.m, cb->v) * cb->v}, w.options());
    }
  }
  for (int64_t b0 = 0; b0 < n; b0 += block) {
    const int64_t count = std::min(block, n - b0);
    const at::Tensor err = feedback ? at::empty({L.m, count}, w.options()) : at::Tensor();
    for (int64_t c0 = 0; c0 < count;) {
      Codebook& cb = *owner_of[b0 + c0];
      int64_t c1 = c0 + 1;
      while (c1 < count && owner_of[b0 + c1] == &cb) ++c1;
      FusedStep step;
      step.b0 = b0;
      step.count = count;
      step.c0 = c0;
      step.c1 = c1;
      step.v = static_cast<int>(cb.v);
      step.centroids = cb.main;
      if (use_residual && cb.residual.defined()) {
        step.res_centroids = cb.residual;
        step.res_indices = cb.res_indices;
      }
      step.indices = cb.indices;
      step.index_first = cb.first;
      step.err = err;
      if (residuals != nullptr) step.residual_out = residual_of[&cb];
      fused_block_step(w, q_all, L.scale, L.bias, L.u, step);
      c0 = c1;
    }
    if (feedback && b0 + count < n) {
      w.narrow(1, b0 + count, n - b0 - count).sub_(err.mm(L.u.narrow(0, b0, count).narrow(1, b0 + count, n - b0 - count)));
    }
  }
  if (residuals != nullptr) {
    for (int64_t j = 0; j < n; ++j) {
      const Codebook* cb = owner_of[static_cast<size_t>(j)];
      (*residuals)[static_cast<size_t>(j)] = residual_of[cb].select(0, j - cb->first).view({ceil_div(L.m, cb->v), cb->v});
    }
  }
  return q_all;
}

// The GPTQ-style loop over permuted columns; returns Q [M, N] (permuted, original space).
at::Tensor column_loop(const Layer& L, std::vector<Codebook*>& owner_of, bool use_residual, bool feedback,
                       int64_t block, std::vector<at::Tensor>* residuals) {
  if (fused_loop_applies(L, owner_of, block)) return column_loop_fused(L, owner_of, use_residual, feedback, block, residuals);
  at::Tensor w = L.w.clone();
  at::Tensor q_all = at::zeros_like(w);
  const int64_t n = L.n;
  const at::Tensor u_diag = L.u.diagonal().contiguous();
  for (int64_t b0 = 0; b0 < n; b0 += block) {
    const int64_t count = std::min(block, n - b0);
    at::Tensor w1 = w.narrow(1, b0, count).clone();
    at::Tensor err = at::zeros_like(w1);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t j = b0 + i;
      Codebook& cb = *owner_of[j];
      const at::Tensor w_col = w1.select(1, i);
      at::Tensor residual;
      const bool res_here = use_residual && cb.residual.defined();
      const at::Tensor q = quantize_column(L, cb, j, w_col, res_here, residuals != nullptr ? &residual : nullptr);
      if (residuals != nullptr) (*residuals)[j] = residual;
      q_all.select(1, j).copy_(q);
      if (!feedback) continue;
      const at::Tensor e = (w_col - q) / u_diag.narrow(0, j, 1);
      w1.narrow(1, i, count - i).sub_(e.unsqueeze(1) * L.u.narrow(0, j, 1).narrow(1, j, count - i));
      err.select(1, i).copy_(e);
    }
    if (feedback && b0 + count < n) {
      w.narrow(1, b0 + count, n - b0 - count).sub_(err.mm(L.u.narrow(0, b0, count).narrow(1, b0 + count, n - b0 - count)));
    }
  }
  return q_all;
}

void check_options(const lb_vptq_options& o, int64_t m, int64_t n) {
  const auto bad = [](const std::string& what) { throw_invalid("options->" + what); };
  if (o.vector_len < 1 || o.vector_len > 32) bad("vector_len=" + std::to_string(o.vector_len) + " (expected 1..32)");
  if (o.codebook_size < 1) bad("codebook_size=" + std::to_string(o.codebook_size) + " (expected >= 1)");
  if (o.res_codebook_size < 0) bad("res_codebook_size=" + std::to_string(o.res_codebook_size) + " (expected >= 0)");
  if (o.groups < 1) bad("groups=" + std::to_string(o.groups) + " (expected >= 1)");
  if (o.outlier_columns < 0 || o.outlier_columns > n - o.groups) {
    bad("outlier_columns=" + std::to_string(o.outlier_columns) + " (expected 0.." + std::to_string(n - o.groups) +
        ": N - groups)");
  }
  if (o.outlier_columns > 0) {
    if (o.outlier_vector_len < 1 || o.outlier_vector_len > 32) bad("outlier_vector_len (expected 1..32)");
    if (o.outlier_codebook_size < 1) bad("outlier_codebook_size (expected >= 1)");
  }
  if (o.block_size < 1) bad("block_size=" + std::to_string(o.block_size) + " (expected >= 1)");
  if (o.kmeans_max_iter < 0) bad("kmeans_max_iter (expected >= 0)");
  if (o.kmeans_init != LB_KMEANS_INIT_RANDOM && o.kmeans_init != LB_KMEANS_INIT_PLUSPLUS) bad("kmeans_init");
  if (!(o.kmeans_tol >= 0)) bad("kmeans_tol (expected >= 0)");
  if (!(o.damp > 0)) bad("damp (expected > 0)");
  if (o.finetune_steps < 0) bad("finetune_steps (expected >= 0)");
  if (o.finetune_steps > 0 && !(o.finetune_lr > 0)) bad("finetune_lr (expected > 0 with finetune_steps)");
  if (m < 1 || n < 1) throw_invalid("weight: empty");
}

Layer prepare(const at::Tensor& weight, const at::Tensor& hessian, const lb_vptq_options& o, at::Tensor& perm,
              at::Tensor& w_orig, at::Tensor& h_orig) {
  Layer L;
  L.m = weight.size(0);
  L.n = weight.size(1);
  at::Tensor w = weight.to(at::kFloat).clone();
  at::Tensor h = hessian.to(weight.device(), at::kDouble).clone();
  if (!at::isfinite(w).all().item<bool>()) throw_invalid("weight: contains NaN or infinity");
  if (!at::isfinite(h).all().item<bool>()) throw_invalid("hessian: contains NaN or infinity");
  const at::Tensor dead = h.diagonal() == 0;
  w.index_put_({at::indexing::Slice(), dead}, 0.0f);
  const double mean = h.diagonal().mean().item<double>();
  if (!(mean > 0)) throw_invalid("hessian: the diagonal is all zero (no calibration input reached this layer?)");
  h.div_(mean);
  h.diagonal().add_(o.damp * h.diagonal().mean().item<double>());
  h.diagonal().masked_fill_(dead, 1.0);
  w_orig = w;
  h_orig = h;

  at::Tensor scale, bias;
  if (o.enable_norm) {
    bias = to_f16_grid(std::get<0>(w.min(0)));
    scale = to_f16_grid(std::get<0>(w.max(0)) - bias);
    scale = at::where(scale > 0, scale, at::ones_like(scale));
  } else {
    scale = at::ones({L.n}, w.options());
    bias = at::zeros({L.n}, w.options());
  }
  if (o.enable_perm) {
    perm = std::get<1>(at::sort(h.diagonal(), /*stable=*/true, /*dim=*/0, /*descending=*/true));
  } else {
    perm = at::arange(L.n, w.options().dtype(at::kLong));
  }
  L.w = w.index_select(1, perm).contiguous();
  L.h = h.index_select(0, perm).index_select(1, perm).contiguous();
  L.scale = scale.index_select(0, perm).contiguous();
  L.bias = bias.index_select(0, perm).contiguous();

  // U = upper Cholesky factor of H^-1; more damping if H is numerically not positive definite.
  at::Tensor hp = L.h;
  for (int attempt = 0;; ++attempt) {
    auto [chol, info] = at::linalg_cholesky_ex(hp, /*upper=*/false, /*check_errors=*/false);
    if (info.item<int64_t>() == 0) {
      const at::Tensor inv = at::cholesky_inverse(chol, /*upper=*/false);
      auto [u, info2] = at::linalg_cholesky_ex(inv, /*upper=*/true, /*check_errors=*/false);
      if (info2.item<int64_t>() == 0) {
        L.u = u.to(at::kFloat).contiguous();
        break;
      }
    }
    if (attempt == 6) throw Error(LB_ERR_INTERNAL, "hessian: Cholesky failed even with extra damping");
    hp = hp.clone();
    hp.diagonal().add_(o.damp * std::pow(10.0, attempt + 1));
  }
  return L;
}

at::Tensor fit_codebook(const at::Tensor& points, const at::Tensor& weights, int64_t k, const lb_vptq_options& o,
                        uint64_t salt) {
  return to_f16_grid(kmeans_fit(points, weights, at::Tensor(), kmeans_options(o, k, salt)).centroids).contiguous();
}


// Q [M, N] (permuted columns, original space) from the codebooks and indices; differentiable in the codebooks.
at::Tensor gather_weights(const Layer& L, const std::vector<Codebook>& books, const std::vector<at::Tensor>& main,
                          const std::vector<at::Tensor>& residual) {
  std::vector<at::Tensor> parts;
  for (size_t b = 0; b < books.size(); ++b) {
    const Codebook& cb = books[b];
    const int64_t v = cb.v, mv = ceil_div(L.m, v), cols = cb.columns;
    const at::Tensor idx = cb.indices.narrow(1, 0, cols).reshape({-1}).to(at::kLong);
    at::Tensor q = main[b].index_select(0, idx);
    if (residual[b].defined()) q = q + residual[b].index_select(0, cb.res_indices.narrow(1, 0, cols).reshape({-1}).to(at::kLong));
    q = q.view({mv, cols, v}).permute({0, 2, 1}).reshape({mv * v, cols}).narrow(0, 0, L.m);
    parts.push_back(q * L.scale.narrow(0, cb.first, cols) + L.bias.narrow(0, cb.first, cols));
  }
  return at::cat(parts, 1);
}

double proxy_loss(const Layer& L, const at::Tensor& h32, const at::Tensor& q) {
  const at::Tensor d = L.w - q;
  return (d.mm(h32) * d).sum().item<double>();
}

// Layer-wise fine-tuning of the codebooks (indices fixed): Adam on tr(D H D^T); keeps the best iterate.
void finetune_codebooks(const Layer& L, std::vector<Codebook>& books, int32_t steps, double lr) {
  const at::Tensor h32 = L.h.to(at::kFloat);
  std::vector<at::Tensor> params, main, residual;
  for (Codebook& cb : books) {
    main.push_back(cb.main.detach().clone().requires_grad_(true));
    params.push_back(main.back());
    residual.push_back(cb.residual.defined() ? cb.residual.detach().clone().requires_grad_(true) : at::Tensor());
    if (residual.back().defined()) params.push_back(residual.back());
  }
  const double initial = proxy_loss(L, h32, gather_weights(L, books, main, residual).detach());
  const double normalizer = initial > 0 ? initial : 1.0;
  std::vector<at::Tensor> m1, m2, best;
  for (const at::Tensor& p : params) {
    m1.push_back(at::zeros_like(p));
    m2.push_back(at::zeros_like(p));
    best.push_back(p.detach().clone());
  }
  double best_loss = initial;
  const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  for (int32_t step = 1; step <= steps; ++step) {
    for (at::Tensor& p : params) p.mutable_grad() = at::Tensor();
    const at::Tensor q = gather_weights(L, books, main, residual);
    const at::Tensor d = L.w - q;
    const at::Tensor loss = (d.mm(h32) * d).sum() / normalizer;
    loss.backward();
    const double value = loss.item<double>() * normalizer;
    if (step > 1 && value < best_loss) {
      best_loss = value;
      for (size_t i = 0; i < params.size(); ++i) best[i] = params[i].detach().clone();
    }
    {
      at::NoGradGuard no_grad;
      for (size_t i = 0; i < params.size(); ++i) {
        const at::Tensor g = params[i].grad();
        if (!g.defined()) continue;
        m1[i].mul_(beta1).add_(g, 1 - beta1);
        m2[i].mul_(beta2).addcmul_(g, g, 1 - beta2);
        const double c1 = 1 - std::pow(beta1, step), c2 = 1 - std::pow(beta2, step);
        params[i].sub_(m1[i] / c1 / ((m2[i] / c2).sqrt() + eps) * lr);
      }
    }
  }
  // Round the best to f16 (the stored precision); keep the original codebooks unless that is better.
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> r_main, r_res;
  size_t at_param = 0;
  for (size_t b = 0; b < books.size(); ++b) {
    r_main.push_back(to_f16_grid(best[at_param++]).contiguous());
    r_res.push_back(books[b].residual.defined() ? to_f16_grid(best[at_param++]).contiguous() : at::Tensor());
  }
  if (proxy_loss(L, h32, gather_weights(L, books, r_main, r_res)) < initial) {
    for (size_t b = 0; b < books.size(); ++b) {
      books[b].main = r_main[b];
      if (r_res[b].defined()) books[b].residual = r_res[b];
    }
  }
}
}  // namespace

void quantize_layer_api(lb_tensor weight_handle, lb_tensor hessian_handle, const lb_vptq_options* options,
                        lb_vptq_layer* out) {
  require_non_null(options, "options");
  require_non_null(out, "out");
  if (options->struct_size < static_cast<int64_t>(sizeof(lb_vptq_options))) {
    throw_invalid("options->struct_size=" + std::to_string(options->struct_size) + " is too small (expected >= " +
                  std::to_string(sizeof(lb_vptq_options)) + ")");
  }
  if (out->struct_size < static_cast<int64_t>(sizeof(lb_vptq_layer))) {
    throw_invalid("out->struct_size=" + std::to_string(out->struct_size) + " is too small (expected >= " +
                  std::to_string(sizeof(lb_vptq_layer)) + ")");
  }
  const at::Tensor& weight = unwrap(weight_handle, "weight");
  const at::Tensor& hessian = unwrap(hessian_handle, "hessian");
  if (weight.dim() != 2 || !weight.is_floating_point()) throw_invalid("weight: expected a float [out, in] tensor");
  if (!weight.is_cpu() && !weight.is_cuda()) throw_unsupported("weight: expected a CPU or CUDA tensor");
  const int64_t m = weight.size(0), n = weight.size(1);
  if (hessian.dim() != 2 || hessian.size(0) != n || hessian.size(1) != n || !hessian.is_floating_point()) {
    throw_invalid("hessian: expected a float [" + std::to_string(n) + ", " + std::to_string(n) + "] tensor (in x in)");
  }
  const lb_vptq_options& o = *options;
  check_options(o, m, n);

  at::Tensor perm, w_orig, h_orig;
  Layer L = prepare(weight, hessian, o, perm, w_orig, h_orig);

  const int64_t outliers = o.outlier_columns;
  const int64_t groups = o.groups;
  const int64_t rest = n - outliers;
  const int64_t group_cols = ceil_div(rest, groups);
  const int64_t v = o.vector_len, mv = ceil_div(m, v);
  const auto idx_options = L.w.options().dtype(at::kInt);

  std::vector<Codebook> books(static_cast<size_t>(groups + (outliers > 0 ? 1 : 0)));
  std::vector<Codebook*> owner_of(static_cast<size_t>(n), nullptr);
  size_t slot = 0;
  if (outliers > 0) {
    Codebook& cb = books[slot++];
    cb.v = o.outlier_vector_len;
    cb.first = 0;
    cb.columns = outliers;
    const int64_t per = ceil_div(m, cb.v);
    cb.main = fit_codebook(column_vectors(L.w, L.scale, L.bias, 0, outliers, cb.v),
                           vector_weights(L, 0, outliers, per, o.enable_norm), o.outlier_codebook_size, o, 1000);
    cb.indices = at::zeros({per, outliers}, idx_options);
  }
  for (int64_t g = 0; g < groups; ++g) {
    Codebook& cb = books[slot++];
    cb.v = v;
    cb.first = outliers + g * group_cols;
    cb.columns = std::max<int64_t>(0, std::min(group_cols, n - cb.first));
    if (cb.columns == 0) throw_invalid("options->groups=" + std::to_string(groups) + " leaves an empty group");
    cb.main = fit_codebook(column_vectors(L.w, L.scale, L.bias, cb.first, cb.columns, v),
                           vector_weights(L, cb.first, cb.columns, mv, o.enable_norm), o.codebook_size, o,
                           static_cast<uint64_t>(g));
    cb.indices = at::zeros({mv, group_cols}, idx_options);
    if (o.res_codebook_size > 0) cb.res_indices = at::zeros({mv, group_cols}, idx_options);
  }
  for (Codebook& cb : books)
    for (int64_t j = cb.first; j < cb.first + cb.columns; ++j) owner_of[static_cast<size_t>(j)] = &cb;

  const bool feedback = o.error_feedback != 0;
  at::Tensor q;
  if (o.res_codebook_size > 0) {
    std::vector<at::Tensor> residuals(static_cast<size_t>(n));
    column_loop(L, owner_of, /*use_residual=*/false, feedback, o.block_size, &residuals);
    for (size_t g = outliers > 0 ? 1 : 0, gi = 0; g < books.size(); ++g, ++gi) {
      Codebook& cb = books[g];
      std::vector<at::Tensor> parts(residuals.begin() + cb.first, residuals.begin() + cb.first + cb.columns);
      const at::Tensor points = at::cat(parts, 0).contiguous();
      cb.residual = fit_codebook(points, vector_weights(L, cb.first, cb.columns, mv, o.enable_norm),
                                 o.res_codebook_size, o, 2000 + gi);
    }
    q = column_loop(L, owner_of, /*use_residual=*/true, feedback, o.block_size, nullptr);
  } else {
    q = column_loop(L, owner_of, false, feedback, o.block_size, nullptr);
  }

  if (o.finetune_steps > 0) {
    finetune_codebooks(L, books, o.finetune_steps, o.finetune_lr);
    q = gather_weights(L, books, [&] {
      std::vector<at::Tensor> m;
      for (const Codebook& cb : books) m.push_back(cb.main);
      return m;
    }(), [&] {
      std::vector<at::Tensor> r;
      for (const Codebook& cb : books) r.push_back(cb.residual);
      return r;
    }());
  }

  // Back to the original column order.
  const at::Tensor inverse = at::argsort(perm);
  const at::Tensor dequant = q.index_select(1, inverse).contiguous();
  const at::Tensor diff = (w_orig - dequant).to(at::kDouble);
  const double proxy = (diff.mm(h_orig) * diff).sum().item<double>();
  const double werr = diff.pow(2).sum().item<double>();

  // Outputs.
  std::vector<at::Tensor> main, res, idx, ridx;
  for (size_t g = outliers > 0 ? 1 : 0; g < books.size(); ++g) {
    main.push_back(books[g].main);
    idx.push_back(books[g].indices);
    if (o.res_codebook_size > 0) {
      res.push_back(books[g].residual);
      ridx.push_back(books[g].res_indices);
    }
  }
  TensorHandle h_centroids = make_handle(at::stack(main, 0));
  TensorHandle h_res = o.res_codebook_size > 0 ? make_handle(at::stack(res, 0)) : nullptr;
  TensorHandle h_idx = make_handle(at::stack(idx, 0));
  TensorHandle h_ridx = o.res_codebook_size > 0 ? make_handle(at::stack(ridx, 0)) : nullptr;
  TensorHandle h_oc = outliers > 0 ? make_handle(books[0].main) : nullptr;
  TensorHandle h_oi = outliers > 0 ? make_handle(books[0].indices) : nullptr;
  TensorHandle h_perm = make_handle(perm);
  TensorHandle h_scale = make_handle(L.scale.index_select(0, inverse).contiguous());
  TensorHandle h_bias = make_handle(L.bias.index_select(0, inverse).contiguous());
  TensorHandle h_deq = make_handle(dequant);
  out->centroids = h_centroids.release();
  out->res_centroids = h_res.release();
  out->indices = h_idx.release();
  out->res_indices = h_ridx.release();
  out->outlier_centroids = h_oc.release();
  out->outlier_indices = h_oi.release();
  out->perm = h_perm.release();
  out->weight_scale = h_scale.release();
  out->weight_bias = h_bias.release();
  out->dequant = h_deq.release();
  out->proxy_error = proxy;
  out->weight_error = werr;
}

}  // namespace lb::vptq
