// extern "C": LR-QAT (lb_lrqat_*).
#include <c10/core/GradMode.h>
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "lowbit.h"
#include "src/api/guard.h"
#include "src/devices.h"
#include "src/dtypes.h"
#include "src/error.h"
#include "src/lrqat/lrqat_distillation.h"
#include "src/lrqat/lrqat_model.h"
#include "src/tensor_handle.h"

struct lb_lrqat_model_s {
  std::unique_ptr<lb::lrqat::Model> impl;
};

using lb::api::guard;

namespace {

lb::lrqat::ModelOptions checked_options(const lb_lrqat_options* o) {
  lb::require_non_null(o, "options");
  if (o->struct_size < static_cast<int64_t>(sizeof(lb_lrqat_options))) {
    lb::throw_invalid("options->struct_size=" + std::to_string(o->struct_size) + " is too small (expected >= " +
                      std::to_string(sizeof(lb_lrqat_options)) + ")");
  }
  if (o->bits < 2 || o->bits > 4) lb::throw_invalid("options->bits=" + std::to_string(o->bits) + " (expected 2, 3 or 4)");
  if (o->downcast < 0 || o->downcast > 2) {
    lb::throw_invalid("options->downcast=" + std::to_string(o->downcast) + " (expected LB_LRQAT_DOWNCAST_Q8, _INT4 or _BF16)");
  }
  lb::lrqat::ModelOptions m;
  m.spec.bits = o->bits;
  m.spec.group_size = o->group_size;
  m.spec.downcast = static_cast<lb::lrqat::Downcast>(o->downcast);
  m.spec.alpha = o->alpha;
  m.symmetric = o->symmetric != 0;
  m.rank = o->rank;
  m.ab_dtype = lb::scalar_type_from_code(o->ab_dtype, "options->ab_dtype");
  if (!at::isFloatingType(m.ab_dtype)) lb::throw_invalid("options->ab_dtype must be F32, F16 or BF16");
  m.full_qat = o->full_qat != 0;
  m.seed = o->seed;
  if (!(o->alpha > 0.0)) lb::throw_invalid("options->alpha=" + std::to_string(o->alpha) + " (expected > 0)");
  if (o->rank < 1) lb::throw_invalid("options->rank=" + std::to_string(o->rank) + " (expected >= 1)");
  return m;
}

lb::lrqat::Model& model_of(lb_lrqat_model m) { return *lb::require_non_null(m, "model")->impl; }

}  // namespace

extern "C" {

int lb_lrqat_scale_init(lb_tensor weight, const lb_lrqat_options* options, lb_tensor* scales, lb_tensor* zeros) {
  return guard("lb_lrqat_scale_init", [&] {
    lb::require_non_null(scales, "scales");
    lb::require_non_null(zeros, "zeros");
    const auto o = checked_options(options);
    auto r = lb::lrqat::grid_search_init(lb::unwrap(weight, "weight"), o.spec.bits, o.symmetric, o.spec.group_size);
    auto s = lb::make_handle(r.scales);
    auto z = lb::make_handle(r.zeros);
    *scales = s.release();
    *zeros = z.release();
  });
}

int lb_lrqat_downcast(lb_tensor weight, lb_tensor scales, lb_tensor zeros, const lb_lrqat_options* options,
                      lb_tensor* phi0) {
  return guard("lb_lrqat_downcast", [&] {
    lb::require_non_null(phi0, "phi0");
    const auto o = checked_options(options);
    const at::Tensor& w = lb::unwrap(weight, "weight");
    *phi0 = lb::make_handle(lb::lrqat::downcast(w, lb::unwrap(scales, "scales").to(w.device(), at::kFloat),
                                                lb::unwrap(zeros, "zeros").to(w.device(), at::kFloat), o.spec))
                .release();
  });
}

int lb_lrqat_upcast(lb_tensor phi0, const lb_lrqat_options* options, lb_tensor* grid) {
  return guard("lb_lrqat_upcast", [&] {
    lb::require_non_null(grid, "grid");
    const auto o = checked_options(options);
    *grid = lb::make_handle(lb::lrqat::upcast(lb::unwrap(phi0, "phi0"), o.spec)).release();
  });
}

int lb_lrqat_linear(lb_tensor x, lb_tensor phi0, lb_tensor a, lb_tensor b, lb_tensor scales, lb_tensor zeros,
                    const lb_lrqat_options* options, lb_tensor grad_y, lb_tensor* y, lb_tensor* grad_x,
                    lb_tensor* grad_a, lb_tensor* grad_b, lb_tensor* grad_scales) {
  return guard("lb_lrqat_linear", [&] {
    lb::require_non_null(y, "y");
    const auto o = checked_options(options);
    const at::Tensor& xv = lb::unwrap(x, "x");
    const at::Tensor& p = lb::unwrap(phi0, "phi0");
    const at::Tensor& av = lb::unwrap(a, "a");
    const at::Tensor& bv = lb::unwrap(b, "b");
    const at::Tensor& sv = lb::unwrap(scales, "scales");
    const at::Tensor& zv = lb::unwrap(zeros, "zeros");
    if (xv.dim() != 2 || av.dim() != 2 || bv.dim() != 2 || av.size(1) != bv.size(0) || bv.size(1) != xv.size(1)) {
      lb::throw_invalid("shapes must be x [m, in], a [out, r], b [r, in]");
    }
    c10::AutoGradMode grad_mode(true);
    const at::Tensor xg = xv.detach().clone().requires_grad_(true);
    const at::Tensor ag = av.detach().clone().requires_grad_(true);
    const at::Tensor bg = bv.detach().clone().requires_grad_(true);
    const at::Tensor sg = sv.detach().to(at::kFloat).clone().requires_grad_(true);
    const at::Tensor w = lb::lrqat::quantized_weight(p, ag, bg, sg, zv.to(at::kFloat), o.spec, xv.scalar_type());
    const at::Tensor out = at::linear(xg, w);
    auto y_handle = lb::make_handle(out.detach());
    if (grad_y != nullptr) {
      lb::require_non_null(grad_x, "grad_x");
      lb::require_non_null(grad_a, "grad_a");
      lb::require_non_null(grad_b, "grad_b");
      lb::require_non_null(grad_scales, "grad_scales");
      torch::autograd::backward({out}, {lb::unwrap(grad_y, "grad_y").to(out.scalar_type())});
      auto gx = lb::make_handle(xg.grad());
      auto ga = lb::make_handle(ag.grad());
      auto gb = lb::make_handle(bg.grad());
      auto gs = lb::make_handle(sg.grad());
      *grad_x = gx.release();
      *grad_a = ga.release();
      *grad_b = gb.release();
      *grad_scales = gs.release();
    }
    *y = y_handle.release();
  });
}

int lb_lrqat_model_create(const lb_llama_config* config, const lb_lrqat_options* options, int64_t num_layers,
                          lb_tensor embed, lb_tensor final_norm, lb_tensor lm_head, int32_t device_type,
                          int32_t device_index, lb_lrqat_model* out) {
  return guard("lb_lrqat_model_create", [&] {
    lb::require_non_null(out, "out");
    const auto c = lb::model::checked_config(config);
    const auto o = checked_options(options);
    const c10::Device device = lb::device_from_codes(device_type, device_index);
    auto m = std::make_unique<lb_lrqat_model_s>();
    m->impl = std::make_unique<lb::lrqat::Model>(c, o, num_layers, lb::unwrap(embed, "embed"),
                                                 lb::unwrap(final_norm, "final_norm"), lb::unwrap(lm_head, "lm_head"),
                                                 device);
    *out = m.release();
  });
}

void lb_lrqat_model_free(lb_lrqat_model model) { delete model; }

int lb_lrqat_model_add_layer(lb_lrqat_model model, const lb_llama_block_weights* weights, double* sq_error,
                             double* sq_reference) {
  return guard("lb_lrqat_model_add_layer", [&] {
    lb::require_non_null(weights, "weights");
    if (weights->struct_size < static_cast<int64_t>(sizeof(lb_llama_block_weights))) {
      lb::throw_invalid("weights->struct_size is too small (expected sizeof(lb_llama_block_weights))");
    }
    const auto [err, ref] = model_of(model).add_layer(*weights);
    if (sq_error != nullptr) *sq_error = err;
    if (sq_reference != nullptr) *sq_reference = ref;
  });
}

namespace {
void report_step(const lb::lrqat::Model& m, const lb::lrqat::StepResult& r, double* loss, double* grad_norm) {
  if (loss != nullptr) {
    *loss = r.loss.item<double>();
    if (!std::isfinite(*loss)) {
      throw lb::Error(LB_ERR_INTERNAL, "the training loss is " + std::to_string(*loss) + " at step " +
                                           std::to_string(m.step()) + " (lower the learning rates or the clip)");
    }
    // A finite loss with a non-finite gradient (e.g. NaN hidden by an attention kernel) poisons the weights.
    const double norm = r.grad_norm.item<double>();
    if (!std::isfinite(norm)) {
      throw lb::Error(LB_ERR_INTERNAL, "the gradient norm is " + std::to_string(norm) + " at step " +
                                           std::to_string(m.step()) + " (lower the learning rates or the clip)");
    }
  }
  if (grad_norm != nullptr) *grad_norm = r.grad_norm.item<double>();
}
}  // namespace

int lb_lrqat_model_train_step(lb_lrqat_model model, lb_tensor ids, double lr_ab, double lr_s, double clip,
                              double* loss, double* grad_norm) {
  return guard("lb_lrqat_model_train_step", [&] {
    auto& m = model_of(model);
    report_step(m, m.train_step(lb::unwrap(ids, "ids"), lr_ab, lr_s, clip), loss, grad_norm);
  });
}

int lb_lrqat_model_set_teacher(lb_lrqat_model model, lb_tensor pool_ids, int64_t top_k) {
  return guard("lb_lrqat_model_set_teacher", [&] { model_of(model).set_teacher(lb::unwrap(pool_ids, "pool_ids"), top_k); });
}

int lb_lrqat_model_train_step_kd(lb_lrqat_model model, lb_tensor rows, double kd_weight, double lr_ab, double lr_s,
                                 double clip, double* loss, double* grad_norm) {
  return guard("lb_lrqat_model_train_step_kd", [&] {
    auto& m = model_of(model);
    report_step(m, m.train_step_kd(lb::unwrap(rows, "rows"), kd_weight, lr_ab, lr_s, clip), loss, grad_norm);
  });
}

int lb_lrqat_distillation_loss(lb_tensor logits, lb_tensor teacher_ids, lb_tensor teacher_log_probs, lb_tensor targets,
                               double kd_weight, lb_tensor* loss, lb_tensor* grad_logits) {
  return guard("lb_lrqat_distillation_loss", [&] {
    lb::require_non_null(loss, "loss");
    const at::Tensor& lv = lb::unwrap(logits, "logits");
    if (lv.dim() != 2 || lv.size(0) < 1) lb::throw_invalid("logits must be [n, vocab]");
    const at::Tensor& tv = lb::unwrap(targets, "targets");
    if (tv.dim() != 1 || tv.size(0) != lv.size(0)) lb::throw_invalid("targets must be [n]");
    const at::Tensor& ti = lb::unwrap(teacher_ids, "teacher_ids");
    const at::Tensor& tl = lb::unwrap(teacher_log_probs, "teacher_log_probs");
    lb::lrqat::check_teacher(ti, tl, lv.size(0), lv.size(1));
    if ((tv < 0).any().item<bool>() || (tv >= lv.size(1)).any().item<bool>()) lb::throw_invalid("targets outside the vocabulary");
    c10::AutoGradMode grad_mode(true);
    const at::Tensor x = lv.detach().to(at::kFloat).clone().requires_grad_(true);
    const at::Tensor l = lb::lrqat::distillation_loss(at::log_softmax(x, -1), ti.to(x.device()), tl.to(x.device()),
                                                      tv.to(x.device()), kd_weight);
    auto loss_handle = lb::make_handle(l.detach());
    if (grad_logits != nullptr) {
      torch::autograd::backward({l});
      *grad_logits = lb::make_handle(x.grad()).release();
    }
    *loss = loss_handle.release();
  });
}

int lb_lrqat_model_nll(lb_lrqat_model model, lb_tensor ids, lb_tensor* nll) {
  return guard("lb_lrqat_model_nll", [&] {
    lb::require_non_null(nll, "nll");
    *nll = lb::make_handle(model_of(model).nll(lb::unwrap(ids, "ids"))).release();
  });
}

int lb_lrqat_model_merge(lb_lrqat_model model, int64_t layer, int32_t projection, lb_tensor* codes, lb_tensor* scales,
                         lb_tensor* zeros) {
  return guard("lb_lrqat_model_merge", [&] {
    lb::require_non_null(codes, "codes");
    lb::require_non_null(scales, "scales");
    lb::require_non_null(zeros, "zeros");
    auto& m = model_of(model);
    if (m.options().full_qat) lb::throw_unsupported("merge of the full-QAT baseline model");
    const auto& l = m.linear(layer, projection);
    c10::NoGradGuard no_grad;
    auto c = lb::make_handle(lb::lrqat::merged_codes(l.phi0, l.a, l.b, m.options().spec));
    auto s = lb::make_handle(l.scales.detach().to(at::kHalf).to(at::kFloat));
    auto z = lb::make_handle(l.zeros.clone());
    *codes = c.release();
    *scales = s.release();
    *zeros = z.release();
  });
}

int lb_lrqat_model_dequantized(lb_lrqat_model model, int64_t layer, int32_t projection, lb_tensor* weight) {
  return guard("lb_lrqat_model_dequantized", [&] {
    lb::require_non_null(weight, "weight");
    *weight = lb::make_handle(model_of(model).dequantized(layer, projection)).release();
  });
}

int lb_lrqat_model_state_count(lb_lrqat_model model, int64_t* count) {
  return guard("lb_lrqat_model_state_count", [&] {
    lb::require_non_null(count, "count");
    *count = static_cast<int64_t>(model_of(model).state().size());
  });
}

namespace {
at::Tensor* state_at(lb_lrqat_model model, int64_t index) {
  auto s = model_of(model).state();
  if (index < 0 || index >= static_cast<int64_t>(s.size())) {
    lb::throw_invalid("index=" + std::to_string(index) + " (expected 0.." + std::to_string(s.size()) + "-1)");
  }
  return s[index];
}
}  // namespace

int lb_lrqat_model_state_name(lb_lrqat_model model, int64_t index, char* buf, int64_t capacity) {
  return guard("lb_lrqat_model_state_name", [&] {
    lb::require_non_null(buf, "buf");
    state_at(model, index);
    const std::string name = model_of(model).state_names()[index];
    if (capacity < 1) lb::throw_invalid("capacity must be >= 1");
    const size_t n = std::min<size_t>(name.size(), static_cast<size_t>(capacity - 1));
    std::memcpy(buf, name.data(), n);
    buf[n] = '\0';
  });
}

int lb_lrqat_model_state_get(lb_lrqat_model model, int64_t index, lb_tensor* out) {
  return guard("lb_lrqat_model_state_get", [&] {
    lb::require_non_null(out, "out");
    *out = lb::make_handle(state_at(model, index)->detach().clone()).release();
  });
}

int lb_lrqat_model_state_set(lb_lrqat_model model, int64_t index, lb_tensor value) {
  return guard("lb_lrqat_model_state_set", [&] {
    at::Tensor* t = state_at(model, index);
    const at::Tensor& v = lb::unwrap(value, "value");
    if (v.sizes() != t->sizes()) lb::throw_invalid("value has the wrong shape for state " + std::to_string(index));
    c10::NoGradGuard no_grad;
    t->copy_(v);
  });
}

int lb_lrqat_model_step(lb_lrqat_model model, int64_t* step) {
  return guard("lb_lrqat_model_step", [&] {
    lb::require_non_null(step, "step");
    *step = model_of(model).step();
  });
}

int lb_lrqat_model_set_step(lb_lrqat_model model, int64_t step) {
  return guard("lb_lrqat_model_set_step", [&] {
    if (step < 0) lb::throw_invalid("step must be >= 0");
    model_of(model).set_step(step);
  });
}

}  // extern "C"
