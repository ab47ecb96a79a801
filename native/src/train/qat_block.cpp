#include "src/train/qat_block.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/version.h>

#include <cmath>
#include <string>
#include <vector>

#include "src/error.h"
#include "src/model/argument_checks.h"
#include "src/tensor_handle.h"
#include "src/train/qat_autograd.h"

namespace lb::train {
namespace {

at::Tensor required(lb_tensor handle, const char* name, std::vector<int64_t> shape) {
  if (handle == nullptr) throw_invalid(std::string("weights->") + name + " is NULL");
  const at::Tensor& t = handle->value;
  if (!t.defined()) throw_invalid(std::string("weights->") + name + " is an empty handle");
  if (t.sizes() != at::IntArrayRef(shape)) {
    throw_invalid(std::string("weights->") + name + " has shape " + model::shape_text(t.sizes()) + ", expected " +
                  model::shape_text(shape));
  }
  if (!(t.scalar_type() == at::kFloat || t.scalar_type() == at::kHalf || t.scalar_type() == at::kBFloat16)) {
    throw_invalid(std::string("weights->") + name + " must be F32, F16 or BF16");
  }
  return t;
}

int64_t capped_group(int64_t group_size, int64_t in) {
  int64_t g = group_size;
  if (g <= 0 || g > in) g = in;
  if (in % g != 0) {
    throw_invalid("group_size=" + std::to_string(group_size) + " does not divide in=" + std::to_string(in) +
                  " (expected a divisor, or <= 0 for per channel)");
  }
  return g;
}

}  // namespace

QatBlock::QatBlock(const model::LlamaConfig& c, const lb_llama_block_weights& w, const QatOptions& options,
                   c10::Device device)
    : config_(c), options_(options), device_(device), rotary_(c.head_dim, c.rope_theta) {
  if (w.q_bias || w.k_bias || w.v_bias || w.o_bias) {
    throw_unsupported("EfficientQAT training: linear biases (Qwen2-style q/k/v/o biases) are not supported yet");
  }
  const int64_t hidden = c.hidden_size, inter = c.intermediate_size, qd = c.query_dim(), kvd = c.kv_dim();
  const auto f32 = [&](const at::Tensor& t) {
    return t.to(device, at::kFloat, /*non_blocking=*/false, /*copy=*/true).contiguous();
  };
  const float qmax = static_cast<float>((1 << options.bits) - 1);
  const auto make = [&](at::Tensor weight) {
    Quantized q;
    q.w = f32(weight);
    q.group = capped_group(options.group_size, q.w.size(1));
    const at::Tensor grouped = q.w.view({q.w.size(0), q.w.size(1) / q.group, q.group});
    const at::Tensor mx = std::get<0>(grouped.max(-1)), mn = std::get<0>(grouped.min(-1));
    q.s = ((mx - mn) / qmax).clamp(1e-4, 1e4).contiguous();
    q.z = (-mn / q.s).round().contiguous();
    q.w.set_requires_grad(true);
    q.s.set_requires_grad(true);
    q.z.set_requires_grad(true);
    return q;
  };
  input_norm_ = f32(required(w.input_norm, "input_norm", {hidden}));
  post_norm_ = f32(required(w.post_attention_norm, "post_attention_norm", {hidden}));
  input_norm_.set_requires_grad(true);
  post_norm_.set_requires_grad(true);
  {
    at::NoGradGuard no_grad;
    qkv_ = make(at::cat({required(w.q_proj, "q_proj", {qd, hidden}).to(device, at::kFloat),
                         required(w.k_proj, "k_proj", {kvd, hidden}).to(device, at::kFloat),
                         required(w.v_proj, "v_proj", {kvd, hidden}).to(device, at::kFloat)},
                        0));
    o_ = make(required(w.o_proj, "o_proj", {hidden, qd}));
    gate_up_ = make(at::cat({required(w.gate_proj, "gate_proj", {inter, hidden}).to(device, at::kFloat),
                             required(w.up_proj, "up_proj", {inter, hidden}).to(device, at::kFloat)},
                            0));
    down_ = make(required(w.down_proj, "down_proj", {hidden, inter}));
  }
  weights_group_ = {qkv_.w, o_.w, gate_up_.w, down_.w, input_norm_, post_norm_};
  quant_group_ = {qkv_.s, qkv_.z, o_.s, o_.z, gate_up_.s, gate_up_.z, down_.s, down_.z};
  for (const auto& p : weights_group_) {
    m_w_.push_back(at::zeros_like(p));
    v_w_.push_back(at::zeros_like(p));
  }
  for (const auto& p : quant_group_) {
    m_q_.push_back(at::zeros_like(p));
    v_q_.push_back(at::zeros_like(p));
  }
  step_tensor_ = at::zeros({}, at::TensorOptions().dtype(at::kFloat).device(device));  // 0-dim, as torch.optim keeps it
  loss_scale_ = options.compute_dtype == at::kHalf ? options.loss_scale : 1.0;
}

namespace {

at::Tensor round_ste(const at::Tensor& x) { return (x.round() - x).detach() + x; }

// The same quantizer from ATen ops with autograd (what a plain PyTorch implementation does).
at::Tensor plain_fake_quant(const at::Tensor& w, const at::Tensor& s, const at::Tensor& z, int bits, int64_t group) {
  const double qmax = static_cast<double>((1 << bits) - 1);
  const int64_t rows = w.size(0), cols = w.size(1);
  const at::Tensor zq = round_ste(z).clamp(0.0, qmax).unsqueeze(-1);
  const at::Tensor sg = s.unsqueeze(-1);
  const at::Tensor q = (round_ste(w.view({rows, cols / group, group}) / sg) + zq).clamp(0.0, qmax);
  return ((q - zq) * sg).view({rows, cols});
}

}  // namespace

at::Tensor QatBlock::weight(const Quantized& q, bool grad) const {
  if (options_.plain_ops && grad) return plain_fake_quant(q.w, q.s, q.z, options_.bits, q.group).to(options_.compute_dtype);
  const at::Tensor w_hat = grad ? fake_quant(q.w, q.s, q.z, options_.bits, q.group)
                                : fake_quant_no_grad(q.w.detach(), q.s.detach(), q.z.detach(), options_.bits, q.group);
  return w_hat.to(options_.compute_dtype);
}

at::Tensor QatBlock::forward(const at::Tensor& x) {
  const bool grad = at::GradMode::is_enabled();
  const model::LlamaConfig& c = config_;
  const auto dtype = options_.compute_dtype;
  const int64_t batch = x.size(0), seq = x.size(1);
  const int64_t heads = c.num_heads, kv_heads = c.num_kv_heads, dim = c.head_dim;

  const at::Tensor qkv = at::linear(model::rms_norm(x, input_norm_.to(dtype), c.rms_norm_eps), weight(qkv_, grad));
  const auto split = [&](int64_t offset, int64_t count) {
    return qkv.narrow(-1, offset, count * dim).view({batch, seq, count, dim}).transpose(1, 2);
  };
  const auto [cos, sin] = rotary_.get(seq, dtype, device_);
  const at::Tensor q = model::apply_rotary(split(0, heads), cos, sin);
  const at::Tensor k = model::apply_rotary(split(heads * dim, kv_heads), cos, sin);
  const at::Tensor v = split((heads + kv_heads) * dim, kv_heads);
  const at::Tensor attended = model::causal_attention(q, k, v).transpose(1, 2).reshape({batch, seq, heads * dim});
  const at::Tensor after_attention = x + at::linear(attended, weight(o_, grad));
  return after_attention + model::swiglu_mlp(model::rms_norm(after_attention, post_norm_.to(dtype), c.rms_norm_eps),
                                             weight(gate_up_, grad), weight(down_, grad));
}

at::Tensor QatBlock::to_device(const at::Tensor& t) const {
  return t.to(device_, options_.compute_dtype, /*non_blocking=*/true);
}

void QatBlock::adamw(std::vector<at::Tensor>& params, std::vector<at::Tensor>& m, std::vector<at::Tensor>& v,
                     double lr) {
  constexpr double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  std::vector<at::Tensor> grads;
  grads.reserve(params.size());
  for (auto& p : params) {
    at::Tensor g = p.grad();
    grads.push_back(g.defined() ? g : at::zeros_like(p));
  }
#if defined(TORCH_VERSION_MAJOR) && TORCH_VERSION_MAJOR >= 2
  if (device_.is_cuda()) {
    std::vector<at::Tensor> steps(params.size(), step_tensor_);
    std::vector<at::Tensor> params_data;
    for (auto& p : params) params_data.push_back(p.detach());
    at::_fused_adamw_(params_data, grads, m, v, /*max_exp_avg_sqs=*/{}, steps, lr, beta1, beta2,
                      /*weight_decay=*/0.0, eps, /*amsgrad=*/false, /*maximize=*/false);
    return;
  }
#endif
  const double t = static_cast<double>(step_);
  const double bc1 = 1.0 - std::pow(beta1, t), bc2 = 1.0 - std::pow(beta2, t);
  for (size_t i = 0; i < params.size(); ++i) {
    at::Tensor p = params[i].detach();
    m[i].mul_(beta1).add_(grads[i], 1.0 - beta1);
    v[i].mul_(beta2).addcmul_(grads[i], grads[i], 1.0 - beta2);
    const at::Tensor denom = (v[i].sqrt() / std::sqrt(bc2)).add_(eps);
    p.addcdiv_(m[i], denom, -lr / bc1);
  }
}

void QatBlock::train_step(const at::Tensor& inputs, const at::Tensor& targets, double lr_w, double lr_q) {
  const at::Tensor x = to_device(inputs);
  const at::Tensor y = to_device(targets);
  for (auto* group : {&weights_group_, &quant_group_}) {
    for (auto& p : *group) p.mutable_grad() = at::Tensor();
  }
  const at::Tensor out = forward(x);
  const at::Tensor loss = options_.plain_ops ? (out.to(at::kFloat) - y.to(at::kFloat)).pow(2).mean() : recon_loss(out, y);
  const at::Tensor scaled = loss_scale_ != 1.0 ? loss * loss_scale_ : loss;
  torch::autograd::backward({scaled});
  if (pending_losses_.empty()) pending_first_step_ = step_ + 1;
  pending_losses_.push_back(loss.detach());

  if (options_.compute_dtype == at::kHalf) {
    // Dynamic loss scaling: unscale, skip the step on inf/NaN gradients and halve the scale (one sync for all).
    std::vector<at::Tensor> all_finite;
    for (auto* group : {&weights_group_, &quant_group_}) {
      for (auto& p : *group) {
        if (!p.grad().defined()) continue;
        p.mutable_grad().div_(loss_scale_);
        all_finite.push_back(at::isfinite(p.grad()).all());
      }
    }
    const bool finite = all_finite.empty() || at::stack(all_finite).all().item<bool>();
    if (!finite) {
      loss_scale_ /= 2.0;
      if (loss_scale_ < 1.0) {
        throw Error(LB_ERR_INTERNAL, "f16 loss scaling: gradients stay non-finite at loss scale < 1 (step " +
                                         std::to_string(step_ + 1) + "); use bf16 or f32");
      }
      ++step_;
      return;
    }
  }
  ++step_;
  step_tensor_.add_(1);
  at::NoGradGuard no_grad;
  adamw(weights_group_, m_w_, v_w_, lr_w);
  adamw(quant_group_, m_q_, v_q_, lr_q);
}

std::vector<double> QatBlock::take_losses() {
  std::vector<double> out;
  if (pending_losses_.empty()) return out;
  const at::Tensor all = at::stack(pending_losses_).to(at::kDouble).cpu();
  const int64_t first = pending_first_step_;
  pending_losses_.clear();
  const double* values = all.data_ptr<double>();
  for (int64_t i = 0; i < all.numel(); ++i) {
    if (!std::isfinite(values[i])) {
      throw Error(LB_ERR_INTERNAL, "non-finite loss (" + std::to_string(values[i]) + ") at step " +
                                       std::to_string(first + i) +
                                       (options_.compute_dtype == at::kHalf ? " under f16; try bf16 or f32"
                                                                            : "; try a lower learning rate or f32"));
    }
    out.push_back(values[i]);
  }
  return out;
}

double QatBlock::eval_loss(const at::Tensor& inputs, const at::Tensor& targets) {
  at::NoGradGuard no_grad;
  return recon_loss(forward(to_device(inputs)), to_device(targets)).item<double>();
}

at::Tensor QatBlock::forward_quantized(const at::Tensor& inputs) {
  at::NoGradGuard no_grad;
  return forward(to_device(inputs));
}

QatBlock::Slice QatBlock::slice(int index) const {
  if (index < 0 || index >= kLinears) {
    throw_invalid("linear=" + std::to_string(index) + " (expected 0..6: q, k, v, o, gate, up, down)");
  }
  const int64_t qd = config_.query_dim(), kvd = config_.kv_dim(), inter = config_.intermediate_size;
  switch (index) {
    case 0: return {&qkv_, 0, qd};
    case 1: return {&qkv_, qd, kvd};
    case 2: return {&qkv_, qd + kvd, kvd};
    case 3: return {&o_, 0, o_.w.size(0)};
    case 4: return {&gate_up_, 0, inter};
    case 5: return {&gate_up_, inter, inter};
    default: return {&down_, 0, down_.w.size(0)};
  }
}

void QatBlock::export_linear(int index, at::Tensor* codes, at::Tensor* scales, at::Tensor* zeros) const {
  const Slice sl = slice(index);
  const Quantized* q = sl.q;
  const int64_t offset = sl.offset, rows = sl.rows;
  at::NoGradGuard no_grad;
  const double qmax = static_cast<double>((1 << options_.bits) - 1);
  const at::Tensor w = q->w.detach().narrow(0, offset, rows);
  const at::Tensor s = q->s.detach().narrow(0, offset, rows).contiguous();
  const at::Tensor z = q->z.detach().narrow(0, offset, rows).round().clamp(0.0, qmax).contiguous();
  const int64_t groups = s.size(1);
  const at::Tensor grouped = w.reshape({rows, groups, q->group});
  // The kernel's arithmetic: round(w / s) (true division, half to even), then + z', clamp.
  const at::Tensor u = (grouped / s.unsqueeze(-1)).round() + z.unsqueeze(-1);
  *codes = u.clamp(0.0, qmax).reshape({rows, w.size(1)}).to(at::kByte);
  *scales = s.clone();
  *zeros = z.clone();
}

void QatBlock::load_linear(int index, const at::Tensor& weight, const at::Tensor& scales, const at::Tensor& zeros) {
  const Slice sl = slice(index);
  const std::vector<int64_t> w_shape{sl.rows, sl.q->w.size(1)}, p_shape{sl.rows, sl.q->s.size(1)};
  const auto check = [](const at::Tensor& t, const char* name, const std::vector<int64_t>& shape) {
    if (t.sizes() != at::IntArrayRef(shape) || !at::isFloatingType(t.scalar_type())) {
      throw_invalid(std::string(name) + " has shape " + model::shape_text(t.sizes()) + ", expected a float " +
                    model::shape_text(shape));
    }
  };
  check(weight, "weight", w_shape);
  check(scales, "scales", p_shape);
  check(zeros, "zeros", p_shape);
  at::NoGradGuard no_grad;
  sl.q->w.detach().narrow(0, sl.offset, sl.rows).copy_(weight);
  sl.q->s.detach().narrow(0, sl.offset, sl.rows).copy_(scales);
  sl.q->z.detach().narrow(0, sl.offset, sl.rows).copy_(zeros);
}

}  // namespace lb::train
