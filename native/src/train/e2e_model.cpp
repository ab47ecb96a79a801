#include "src/train/e2e_model.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/version.h>

#include <cmath>
#include <string>

#include "src/scale_grad.h"
#include "src/error.h"
#include "src/model/argument_checks.h"
#include "src/pack_bits.h"
#include "src/train/kd_loss.h"

#if LOWBIT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#endif

namespace lb::train {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

at::Tensor scale_grad(const at::Tensor& x2, const at::Tensor& dy2, const at::Tensor& packed, const at::Tensor& zeros,
                      int64_t group, int bits) {
  return scale_grad_packed_tensor(x2.to(at::kFloat).contiguous(), dy2.to(at::kFloat).contiguous(), packed, zeros, group, bits);
}

// y = x W^T with W^T [in, out] = (q - z) * s per group; gradient to x and s only.
struct QuantLinearFn : public torch::autograd::Function<QuantLinearFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& s, const at::Tensor& codes,
                            const at::Tensor& packed, const at::Tensor& zeros, int64_t bits) {
    const at::Tensor wt = (codes * s.unsqueeze(1)).reshape({-1, s.size(1)}).to(x.scalar_type());  // [in, out]
    ctx->save_for_backward({x, s, codes, packed, zeros});
    ctx->saved_data["bits"] = bits;
    return at::matmul(x, wt);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &s = saved[1], &codes = saved[2], &packed = saved[3], &zeros = saved[4];
    const int bits = static_cast<int>(ctx->saved_data["bits"].toInt());
    const at::Tensor dy = grads[0];
    const at::Tensor wt = (codes * s.unsqueeze(1)).reshape({-1, s.size(1)}).to(x.scalar_type());
    const at::Tensor dx = at::matmul(dy.to(x.scalar_type()), wt.t());
    const int64_t in = x.size(-1), out = dy.size(-1);
    const at::Tensor ds = scale_grad(x.reshape({-1, in}), dy.reshape({-1, out}), packed, zeros, codes.size(1), bits);
    return {dx, ds, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

E2eModel::E2eModel(const model::LlamaConfig& c, const at::Tensor& embed, const at::Tensor& final_norm,
                   const at::Tensor& lm_head, int bits, int64_t group_size, c10::Device device)
    : config_(c), bits_(bits), group_size_(group_size), device_(device), rotary_(c.head_dim, c.rope_theta) {
  if (embed.dim() != 2 || embed.size(1) != c.hidden_size) throw_invalid("embed: expected [vocab, hidden_size]");
  if (lm_head.dim() != 2 || lm_head.size(1) != c.hidden_size) throw_invalid("lm_head: expected [vocab, hidden_size]");
  if (final_norm.dim() != 1 || final_norm.size(0) != c.hidden_size) throw_invalid("final_norm: expected [hidden_size]");
  embed_ = embed.to(device, c.compute_dtype, false, true);
  final_norm_ = final_norm.to(device, at::kFloat, false, true);
  lm_head_ = lm_head.to(device, c.compute_dtype, false, true);
  step_tensor_ = at::zeros({}, at::TensorOptions().dtype(at::kFloat).device(device));
}

void E2eModel::add_block(const at::Tensor& input_norm, const at::Tensor& post_norm,
                         const std::array<at::Tensor, kLinears>& codes, const std::array<at::Tensor, kLinears>& scales,
                         const std::array<at::Tensor, kLinears>& zeros) {
  const int64_t h = config_.hidden_size, qd = config_.query_dim(), kvd = config_.kv_dim(), inter = config_.intermediate_size;
  const int64_t shapes[kLinears][2] = {{qd, h}, {kvd, h}, {kvd, h}, {h, qd}, {inter, h}, {inter, h}, {h, inter}};
  Block b;
  b.input_norm = input_norm.to(device_, config_.compute_dtype, false, true);
  b.post_norm = post_norm.to(device_, config_.compute_dtype, false, true);
  const double qmax = (1 << bits_) - 1;
  for (int i = 0; i < kLinears; ++i) {
    const int64_t out = shapes[i][0], in = shapes[i][1];
    if (codes[i].sizes() != at::IntArrayRef({out, in})) {
      throw_invalid("codes[" + std::to_string(i) + "] has shape " + model::shape_text(codes[i].sizes()) +
                    ", expected " + model::shape_text({out, in}));
    }
    int64_t g = group_size_ <= 0 || group_size_ > in ? in : group_size_;
    if (in % g) throw_invalid("group_size does not divide in=" + std::to_string(in));
    const int64_t groups = in / g;
    if (scales[i].sizes() != at::IntArrayRef({out, groups}) || zeros[i].sizes() != at::IntArrayRef({out, groups})) {
      throw_invalid("scales/zeros[" + std::to_string(i) + "]: expected [" + std::to_string(out) + ", " +
                    std::to_string(groups) + "]");
    }
    Linear l;
    l.in = in;
    l.out = out;
    l.group = g;
    const at::Tensor q_io = codes[i].to(at::kInt).t().contiguous();  // [in, out]
    if (q_io.max().item<int>() > qmax || q_io.min().item<int>() < 0) throw_invalid("codes out of range for the bit width");
    l.packed = pack_bits(q_io, bits_, 0).to(device_);
    l.zeros = zeros[i].to(at::kFloat).t().contiguous().to(device_);  // [groups, out]
    l.codes = (q_io.to(at::kFloat).view({groups, g, out}).to(device_) - l.zeros.unsqueeze(1)).contiguous();
    l.s = scales[i].to(at::kFloat).t().contiguous().to(device_);
    l.s.set_requires_grad(true);
    params_.push_back(l.s);
    m_.push_back(at::zeros_like(l.s));
    v_.push_back(at::zeros_like(l.s));
    b.linears[i] = std::move(l);
  }
  blocks_.push_back(std::move(b));
}

at::Tensor E2eModel::linear(const Linear& l, const at::Tensor& x) const {
  return QuantLinearFn::apply(x, l.s, l.codes, l.packed, l.zeros, static_cast<int64_t>(bits_));
}

at::Tensor E2eModel::block_forward(const Block& b, const at::Tensor& x) {
  const model::LlamaConfig& c = config_;
  const int64_t batch = x.size(0), seq = x.size(1), heads = c.num_heads, kv = c.num_kv_heads, dim = c.head_dim;
  const at::Tensor h = model::rms_norm(x, b.input_norm, c.rms_norm_eps);
  const auto [cos, sin] = rotary_.get(seq, c.compute_dtype, device_);
  const auto heads_of = [&](const at::Tensor& t, int64_t n) { return t.view({batch, seq, n, dim}).transpose(1, 2); };
  const at::Tensor q = model::apply_rotary(heads_of(linear(b.linears[0], h), heads), cos, sin);
  const at::Tensor k = model::apply_rotary(heads_of(linear(b.linears[1], h), kv), cos, sin);
  const at::Tensor v = heads_of(linear(b.linears[2], h), kv);
  const at::Tensor att = model::causal_attention(q, k, v).transpose(1, 2).reshape({batch, seq, heads * dim});
  const at::Tensor mid = x + linear(b.linears[3], att);
  const at::Tensor h2 = model::rms_norm(mid, b.post_norm, c.rms_norm_eps);
  return mid + linear(b.linears[6], at::silu(linear(b.linears[4], h2)) * linear(b.linears[5], h2));
}

at::Tensor E2eModel::head_logits(const at::Tensor& hidden) {
  const at::Tensor normed = model::rms_norm(hidden.to(at::kFloat), final_norm_, config_.rms_norm_eps);
  const int64_t seq = hidden.size(1);
  return at::matmul(normed.narrow(1, 0, seq - 1), lm_head_.to(at::kFloat).t());
}

at::Tensor E2eModel::head_loss(const at::Tensor& hidden, const at::Tensor& ids) {
  const int64_t seq = hidden.size(1);
  const at::Tensor logits = head_logits(hidden);
  const at::Tensor targets = ids.narrow(1, 1, seq - 1).to(at::kLong);
  return at::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}));
}

void E2eModel::train_step(const at::Tensor& ids_in, double lr, double max_grad_norm) {
  if (blocks_.size() == 0) throw_invalid("E2E-QP model has no blocks");
  const at::Tensor ids = ids_in.to(device_, at::kLong);
  if (ids.dim() != 2 || ids.size(1) < 2) throw_invalid("ids: expected [rows, seq >= 2]");
  step_with(ids, [&](const at::Tensor& top) { return head_loss(top, ids); }, lr, max_grad_norm);
}

void E2eModel::train_step_kd(const at::Tensor& ids_in, const at::Tensor& teacher_ids, const at::Tensor& teacher_logprobs,
                             double hard_weight, double lr, double max_grad_norm) {
  if (blocks_.size() == 0) throw_invalid("E2E-QP model has no blocks");
  if (!(hard_weight >= 0 && hard_weight <= 1)) throw_invalid("kd hard-label weight must be in [0, 1]");
  const at::Tensor ids = ids_in.to(device_, at::kLong);
  if (ids.dim() != 2 || ids.size(1) < 2) throw_invalid("ids: expected [rows, seq >= 2]");
  const int64_t rows = ids.size(0), seq = ids.size(1);
  if (teacher_ids.dim() != 3 || teacher_ids.size(0) != rows || teacher_ids.size(1) != seq - 1) {
    throw_invalid("teacher_ids: expected [" + std::to_string(rows) + ", " + std::to_string(seq - 1) + ", k], got " +
                  model::shape_text(teacher_ids.sizes()));
  }
  const int64_t k = teacher_ids.size(2);
  const at::Tensor t_ids = teacher_ids.reshape({-1, k}).to(device_, at::kLong, true);
  const at::Tensor t_lp = teacher_logprobs.sizes() == teacher_ids.sizes()
                              ? teacher_logprobs.reshape({-1, k}).to(device_, at::kFloat, true)
                              : teacher_logprobs;  // shape error reported by topk_distillation_loss
  step_with(ids, [&](const at::Tensor& top) {
    const at::Tensor logits = head_logits(top);
    const at::Tensor flat = logits.reshape({-1, logits.size(-1)});
    at::Tensor loss = topk_distillation_loss(flat, t_ids, t_lp);
    if (hard_weight > 0) {
      const at::Tensor ce = at::cross_entropy_loss(flat, ids.narrow(1, 1, seq - 1).reshape({-1}));
      loss = loss * (1.0 - hard_weight) + ce * hard_weight;
    }
    return loss;
  }, lr, max_grad_norm);
}

template <class LossOf>
void E2eModel::step_with(const at::Tensor& ids, const LossOf& loss_of, double lr, double max_grad_norm) {
  for (auto& p : params_) p.mutable_grad() = at::Tensor();
  // Forward without graphs, keeping each block's input (activation checkpointing).
  std::vector<at::Tensor> inputs;
  at::Tensor h;
  {
    at::NoGradGuard no_grad;
    h = at::embedding(embed_, ids);
    for (const Block& b : blocks_) {
      inputs.push_back(h);
      h = block_forward(b, h);
    }
  }
  // Head: loss and the gradient at the last hidden state.
  at::Tensor top = h.detach().requires_grad_(true);
  const at::Tensor loss = loss_of(top);
  torch::autograd::backward({loss});
  at::Tensor grad = top.grad();
  // Backward block by block, recomputing each block's graph from its saved input.
  for (int64_t i = static_cast<int64_t>(blocks_.size()) - 1; i >= 0; --i) {
    at::Tensor x = inputs[i].detach().requires_grad_(i > 0);
    const at::Tensor y = block_forward(blocks_[i], x);
    torch::autograd::backward({y}, {grad.to(y.scalar_type())});
    if (i > 0) grad = x.grad();
    inputs[i] = at::Tensor();
  }
  if (pending_.empty()) pending_first_ = step_ + 1;
  pending_.push_back(loss.detach());
  ++step_;
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> grads;
  for (auto& p : params_) grads.push_back(p.grad().defined() ? p.grad() : at::zeros_like(p));
  if (max_grad_norm > 0) {
    std::vector<at::Tensor> norms;
    for (const auto& g : grads) norms.push_back(g.norm().pow(2));
    const at::Tensor total = at::stack(norms).sum().sqrt();
    const at::Tensor coef = (max_grad_norm / (total + 1e-6)).clamp_max(1.0);
    for (auto& g : grads) g.mul_(coef);
  }
  constexpr double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  step_tensor_.add_(1);
#if defined(TORCH_VERSION_MAJOR) && TORCH_VERSION_MAJOR >= 2
  if (device_.is_cuda()) {
    std::vector<at::Tensor> steps(params_.size(), step_tensor_), data;
    for (auto& p : params_) data.push_back(p.detach());
    at::_fused_adamw_(data, grads, m_, v_, {}, steps, lr, beta1, beta2, 0.0, eps, false, false);
    return;
  }
#endif
  const double t = static_cast<double>(step_);
  const double bc1 = 1.0 - std::pow(beta1, t), bc2 = 1.0 - std::pow(beta2, t);
  for (size_t i = 0; i < params_.size(); ++i) {
    m_[i].mul_(beta1).add_(grads[i], 1.0 - beta1);
    v_[i].mul_(beta2).addcmul_(grads[i], grads[i], 1.0 - beta2);
    params_[i].detach().addcdiv_(m_[i], (v_[i].sqrt() / std::sqrt(bc2)).add_(eps), -lr / bc1);
  }
}

std::vector<double> E2eModel::take_losses() {
  std::vector<double> out;
  if (pending_.empty()) return out;
  const at::Tensor all = at::stack(pending_).to(at::kDouble).cpu();
  pending_.clear();
  for (int64_t i = 0; i < all.numel(); ++i) {
    const double v = all.data_ptr<double>()[i];
    if (!std::isfinite(v)) {
      throw Error(LB_ERR_INTERNAL, "E2E-QP: non-finite loss at step " + std::to_string(pending_first_ + i) +
                                       "; try a lower learning rate or f32");
    }
    out.push_back(v);
  }
  return out;
}

double E2eModel::eval_loss(const at::Tensor& ids_in) {
  at::NoGradGuard no_grad;
  const at::Tensor ids = ids_in.to(device_, at::kLong);
  at::Tensor h = at::embedding(embed_, ids);
  for (const Block& b : blocks_) h = block_forward(b, h);
  return head_loss(h, ids).item<double>();
}

at::Tensor E2eModel::scales(int64_t layer, int linear) const {
  if (layer < 0 || layer >= blocks()) throw_invalid("layer " + std::to_string(layer) + " out of range");
  if (linear < 0 || linear >= kLinears) throw_invalid("linear " + std::to_string(linear) + " (expected 0..6)");
  return blocks_[layer].linears[linear].s.detach().t().contiguous().cpu();
}

std::array<at::Tensor, 3> E2eModel::state(int64_t index) const {
  if (index < 0 || index >= state_size()) {
    throw_invalid("state index " + std::to_string(index) + " out of range 0.." + std::to_string(state_size() - 1));
  }
  const size_t i = static_cast<size_t>(index);
  return {params_[i].detach().cpu().clone(), m_[i].cpu().clone(), v_[i].cpu().clone()};
}

void E2eModel::set_state(int64_t index, const at::Tensor& scales, const at::Tensor& exp_avg, const at::Tensor& exp_avg_sq) {
  if (index < 0 || index >= state_size()) {
    throw_invalid("state index " + std::to_string(index) + " out of range 0.." + std::to_string(state_size() - 1));
  }
  const size_t i = static_cast<size_t>(index);
  const at::Tensor* parts[3] = {&scales, &exp_avg, &exp_avg_sq};
  const char* names[3] = {"scales", "exp_avg", "exp_avg_sq"};
  for (int k = 0; k < 3; ++k) {
    if (!parts[k]->defined() || parts[k]->sizes() != params_[i].sizes() || !at::isFloatingType(parts[k]->scalar_type())) {
      throw_invalid(std::string(names[k]) + " of parameter " + std::to_string(index) + ": expected float " +
                    model::shape_text(params_[i].sizes()) + ", got " +
                    (parts[k]->defined() ? model::shape_text(parts[k]->sizes()) : std::string("none")));
    }
    if (!parts[k]->isfinite().all().item<bool>()) {
      throw_invalid(std::string(names[k]) + " of parameter " + std::to_string(index) + " is not finite");
    }
  }
  at::NoGradGuard no_grad;
  params_[i].detach().copy_(scales.to(at::kFloat));
  m_[i].copy_(exp_avg.to(at::kFloat));
  v_[i].copy_(exp_avg_sq.to(at::kFloat));
}

void E2eModel::set_step(int64_t step) {
  if (step < 0) throw_invalid("step must be >= 0, got " + std::to_string(step));
  if (!pending_.empty()) throw_invalid("losses are pending: take them before setting the step");
  step_ = step;
  step_tensor_.fill_(static_cast<double>(step));
}

}  // namespace lb::train
