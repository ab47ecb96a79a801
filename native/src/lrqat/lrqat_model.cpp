#include <c10/core/GradMode.h>
#include "src/lrqat/lrqat_model.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/variable.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "src/error.h"
#include "src/lrqat/lrqat_distillation.h"
#include "src/tensor_handle.h"

namespace lb::lrqat {
namespace {

const char* const kProjectionNames[7] = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};
constexpr double kBeta1 = 0.9, kBeta2 = 0.95, kEps = 1e-8;

at::Tensor required(lb_tensor handle, const std::string& name) {
  if (handle == nullptr || !handle->value.defined()) throw_invalid("weights->" + name + " is NULL");
  return handle->value;
}

void require_shape(const at::Tensor& t, std::vector<int64_t> shape, const std::string& name) {
  if (t.sizes() != at::IntArrayRef(shape)) {
    std::string expected = "[";
    for (size_t i = 0; i < shape.size(); ++i) expected += (i ? ", " : "") + std::to_string(shape[i]);
    throw_invalid(name + " has the wrong shape (expected " + expected + "])");
  }
  if (!at::isFloatingType(t.scalar_type())) throw_invalid(name + " must be F32, F16 or BF16");
}

}  // namespace

Model::Model(const model::LlamaConfig& config, const ModelOptions& options, int64_t num_layers, const at::Tensor& embed,
             const at::Tensor& final_norm, const at::Tensor& lm_head, c10::Device device)
    : config_(config),
      options_(options),
      num_layers_(num_layers),
      device_(device),
      rotary_(config.head_dim, config.rope_theta) {
  if (num_layers < 1) throw_invalid("num_layers=" + std::to_string(num_layers) + " (expected >= 1)");
  if (options.rank < 1) throw_invalid("rank=" + std::to_string(options.rank) + " (expected >= 1)");
  if (embed.dim() != 2 || embed.size(1) != config.hidden_size) throw_invalid("embed must be [vocab, hidden_size]");
  require_shape(final_norm, {config.hidden_size}, "final_norm");
  require_shape(lm_head, {embed.size(0), config.hidden_size}, "lm_head");
  check_spec(options.spec, config.hidden_size);
  const auto dt = config.compute_dtype;
  embed_ = embed.to(device, dt, false, true);
  final_norm_ = final_norm.to(device, dt, false, true);
  lm_head_ = lm_head.is_same(embed) ? embed_ : lm_head.to(device, dt, false, true);
}

std::pair<double, double> Model::add_layer(const lb_llama_block_weights& w) {
  if (static_cast<int64_t>(layers_.size()) >= num_layers_) {
    throw_invalid("all " + std::to_string(num_layers_) + " layers were already added");
  }
  const model::LlamaConfig& c = config_;
  const int64_t hidden = c.hidden_size, inter = c.intermediate_size, qd = c.query_dim(), kvd = c.kv_dim();
  const lb_tensor handles[7] = {w.q_proj, w.k_proj, w.v_proj, w.o_proj, w.gate_proj, w.up_proj, w.down_proj};
  const lb_tensor biases[7] = {w.q_bias, w.k_bias, w.v_bias, w.o_bias, nullptr, nullptr, nullptr};
  const int64_t outs[7] = {qd, kvd, kvd, hidden, inter, inter, hidden};
  const int64_t ins[7] = {hidden, hidden, hidden, qd, hidden, hidden, inter};
  const int64_t index = static_cast<int64_t>(layers_.size());
  Layer layer;
  const auto dt = c.compute_dtype;
  layer.input_norm = required(w.input_norm, "input_norm");
  require_shape(layer.input_norm, {hidden}, "weights->input_norm");
  layer.post_norm = required(w.post_attention_norm, "post_attention_norm");
  require_shape(layer.post_norm, {hidden}, "weights->post_attention_norm");
  layer.input_norm = layer.input_norm.to(device_, dt, false, true);
  layer.post_norm = layer.post_norm.to(device_, dt, false, true);
  double sq_err = 0.0, sq_ref = 0.0;
  at::Tensor fp[7];  // the fp weights, kept for this layer only when the distillation teacher needs them
  c10::NoGradGuard no_grad;
  for (int p = 0; p < 7; ++p) {
    const std::string name = std::string("weights->") + kProjectionNames[p];
    const at::Tensor weight = required(handles[p], kProjectionNames[p]);
    require_shape(weight, {outs[p], ins[p]}, name);
    check_spec(options_.spec, ins[p]);
    QuantLinear& l = layer.linears[p];
    l.in = ins[p];
    const at::Tensor w32 = weight.to(device_, at::kFloat);
    if (teacher_.k > 0) fp[p] = w32.to(dt);
    Scales init = grid_search_init(w32, options_.spec.bits, options_.symmetric, options_.spec.group_size);
    l.scales = init.scales.requires_grad_(true);
    l.zeros = init.zeros;
    if (biases[p] != nullptr) {
      l.bias = biases[p]->value.to(device_, dt, false, true);
      require_shape(l.bias, {outs[p]}, name + " bias");
    }
    if (options_.full_qat) {
      l.weight = w32.to(options_.ab_dtype).requires_grad_(true);
    } else {
      l.phi0 = downcast(w32, l.scales, l.zeros, options_.spec);
      const auto ab = at::TensorOptions().dtype(options_.ab_dtype).device(device_);
      l.a = at::zeros({outs[p], options_.rank}, ab).requires_grad_(true);
      // Kaiming uniform (a = sqrt(5), as nn.Linear): U(-1/sqrt(in), 1/sqrt(in)), from a seeded CPU generator.
      auto gen = at::make_generator<at::CPUGeneratorImpl>(options_.seed * 1000003ULL + static_cast<uint64_t>(index * 7 + p));
      const double bound = 1.0 / std::sqrt(static_cast<double>(ins[p]));
      l.b = (at::rand({options_.rank, ins[p]}, gen, at::TensorOptions().dtype(at::kFloat)) * (2 * bound) - bound)
                .to(device_, options_.ab_dtype)
                .requires_grad_(true);
    }
    const at::Tensor what = weight_of(l).to(at::kFloat);
    sq_err += (what - w32).pow(2).sum().item<double>();
    sq_ref += w32.pow(2).sum().item<double>();
  }
  if (teacher_.k > 0) {
    teacher_layer(layer, fp);
    for (auto& t : fp) t = at::Tensor();
  }
  layers_.push_back(std::move(layer));
  if (teacher_.k > 0 && static_cast<int64_t>(layers_.size()) == num_layers_) teacher_head();
  // Moments for the new layer's parameters (appended in the same order as for_each_param visits them).
  Layer& added = layers_.back();
  for (auto& l : added.linears) {
    for (at::Tensor* t : {&l.weight, &l.a, &l.b, &l.scales}) {
      if (!t->defined()) continue;
      moments_.push_back(at::zeros(t->sizes(), t->options().dtype(at::kFloat)));
      moments_.push_back(at::zeros(t->sizes(), t->options().dtype(at::kFloat)));
    }
  }
  return {sq_err, sq_ref};
}

void Model::for_each_param(const std::function<void(at::Tensor&, bool, const std::string&)>& f) {
  for (size_t i = 0; i < layers_.size(); ++i) {
    for (int p = 0; p < 7; ++p) {
      QuantLinear& l = layers_[i].linears[p];
      const std::string prefix = "layers." + std::to_string(i) + "." + kProjectionNames[p] + ".";
      if (l.weight.defined()) f(l.weight, false, prefix + "weight");
      if (l.a.defined()) f(l.a, false, prefix + "a");
      if (l.b.defined()) f(l.b, false, prefix + "b");
      f(l.scales, true, prefix + "scales");
    }
  }
}

std::vector<at::Tensor*> Model::state() {
  std::vector<at::Tensor*> out;
  for_each_param([&](at::Tensor& t, bool, const std::string&) { out.push_back(&t); });
  for (auto& m : moments_) out.push_back(&m);
  return out;
}

std::vector<std::string> Model::state_names() {
  std::vector<std::string> names, params;
  for_each_param([&](at::Tensor&, bool, const std::string& n) { params.push_back(n); });
  names = params;
  for (const auto& n : params) {
    names.push_back("adam_m." + n);
    names.push_back("adam_v." + n);
  }
  return names;
}

at::Tensor Model::weight_of(const QuantLinear& l) const {
  const auto dt = config_.compute_dtype;
  if (!options_.full_qat) return quantized_weight(l.phi0, l.a, l.b, l.scales, l.zeros, options_.spec, dt);
  // Full-model QAT baseline: STE fake quant of the trainable weight with trainable scales.
  const QuantSpec& spec = options_.spec;
  const int64_t out = l.weight.size(0), in = l.weight.size(1), groups = l.scales.size(1);
  const at::Tensor se = l.scales.unsqueeze(-1).expand({out, groups, in / groups}).reshape({out, in});
  const at::Tensor o = (l.zeros - static_cast<double>(int64_t{1} << (spec.bits - 1)))
                           .unsqueeze(-1).expand({out, groups, in / groups}).reshape({out, in});
  const at::Tensor z = l.weight.to(at::kFloat) / se + o;
  const at::Tensor q = z + (at::round(z) - z).detach();
  return (se * (at::clamp(q, static_cast<double>(spec.qmin()), static_cast<double>(spec.qmax())) - o)).to(dt);
}

const QuantLinear& Model::linear(int64_t layer, int64_t projection) const {
  if (layer < 0 || layer >= static_cast<int64_t>(layers_.size())) {
    throw_invalid("layer=" + std::to_string(layer) + " (expected 0.." + std::to_string(layers_.size()) + "-1, added layers)");
  }
  if (projection < 0 || projection >= 7) throw_invalid("projection=" + std::to_string(projection) + " (expected 0..6)");
  return layers_[layer].linears[projection];
}

at::Tensor Model::dequantized(int64_t layer, int64_t projection) const {
  const QuantLinear& l = linear(layer, projection);
  c10::NoGradGuard no_grad;
  if (options_.full_qat) return weight_of(l).to(at::kFloat);
  return dequantized_weight(l.phi0, l.a, l.b, l.scales, l.zeros, options_.spec);
}

at::Tensor Model::block_forward(const Layer& layer, const at::Tensor& x) {
  return block_forward_with(layer, x, [&](const at::Tensor& in, int p) {
    const QuantLinear& l = layer.linears[p];
    return at::linear(in, weight_of(l), l.bias);
  });
}

at::Tensor Model::block_forward_with(const Layer& layer, const at::Tensor& x,
                                     const std::function<at::Tensor(const at::Tensor&, int)>& lin) {
  const model::LlamaConfig& c = config_;
  const int64_t batch = x.size(0), seq = x.size(1), heads = c.num_heads, kv = c.num_kv_heads, dim = c.head_dim;
  const at::Tensor h = model::rms_norm(x, layer.input_norm, c.rms_norm_eps);
  const auto heads_of = [&](const at::Tensor& t, int64_t n) { return t.view({batch, seq, n, dim}).transpose(1, 2); };
  const auto [cos, sin] = rotary_.get(seq, c.compute_dtype, device_);
  const at::Tensor q = model::apply_rotary(heads_of(lin(h, 0), heads), cos, sin);
  const at::Tensor k = model::apply_rotary(heads_of(lin(h, 1), kv), cos, sin);
  const at::Tensor v = heads_of(lin(h, 2), kv);
  const at::Tensor attended = model::causal_attention(q, k, v).transpose(1, 2).reshape({batch, seq, heads * dim});
  const at::Tensor x2 = x + lin(attended, 3);
  const at::Tensor h2 = model::rms_norm(x2, layer.post_norm, c.rms_norm_eps);
  return x2 + lin(at::silu(lin(h2, 4)) * lin(h2, 5), 6);
}

at::Tensor Model::hidden_to_nll(const at::Tensor& hidden, const at::Tensor& ids) {
  const int64_t batch = ids.size(0), seq = ids.size(1);
  const at::Tensor normed = model::rms_norm(hidden.narrow(1, 0, seq - 1), final_norm_, config_.rms_norm_eps);
  const at::Tensor logits = at::linear(normed, lm_head_).to(at::kFloat);
  const at::Tensor targets = ids.narrow(1, 1, seq - 1).unsqueeze(-1);
  return at::log_softmax(logits, -1).gather(-1, targets).squeeze(-1).neg().view({batch, seq - 1});
}

at::Tensor Model::checked_ids(const at::Tensor& ids) const {
  if (!ids.defined() || ids.dim() != 2 || ids.size(0) < 1 || ids.size(1) < 2) {
    throw_invalid("ids must be [batch, seq] with batch >= 1 and seq >= 2");
  }
  if (ids.scalar_type() != at::kInt && ids.scalar_type() != at::kLong) throw_invalid("ids must be I32 or I64");
  const int64_t vocab = embed_.size(0);
  // Checked where the ids are (the caller's host copy costs no device sync).
  if ((ids < 0).any().item<bool>() || (ids >= vocab).any().item<bool>()) {
    throw_invalid("ids contain a token id outside 0.." + std::to_string(vocab - 1) + " (the vocabulary)");
  }
  return to_device_async(ids.to(at::kLong));
}

at::Tensor Model::to_device_async(const at::Tensor& host) const {
  // A pinned staging copy lets the host-to-device copy run asynchronously: no host sync per step.
  if (device_.is_cuda() && host.is_cpu()) return host.pin_memory().to(device_, host.scalar_type(), /*non_blocking=*/true);
  return host.to(device_);
}

void Model::set_teacher(const at::Tensor& pool_ids, int64_t top_k) {
  if (!layers_.empty()) throw_invalid("the teacher must be set before the first layer is added");
  if (options_.full_qat) throw_unsupported("distillation for the full-QAT baseline model");
  const int64_t vocab = embed_.size(0);
  if (top_k < 1 || top_k > vocab) {
    throw_invalid("top_k=" + std::to_string(top_k) + " (expected 1.." + std::to_string(vocab) + ")");
  }
  const at::Tensor ids = checked_ids(pool_ids);
  c10::NoGradGuard no_grad;
  teacher_ = Teacher{};
  teacher_.k = top_k;
  teacher_.ids = pool_ids.to(at::kCPU, at::kLong).contiguous();
  teacher_.hidden = at::embedding(embed_, ids);
}

namespace {
constexpr int64_t kTeacherChunk = 8;  // pool windows per teacher forward (bounds the activation memory)
}

void Model::teacher_layer(const Layer& layer, const at::Tensor (&fp)[7]) {
  c10::NoGradGuard no_grad;
  const auto lin = [&](const at::Tensor& in, int p) { return at::linear(in, fp[p], layer.linears[p].bias); };
  at::Tensor& hidden = teacher_.hidden;
  for (int64_t row = 0; row < hidden.size(0); row += kTeacherChunk) {
    const int64_t n = std::min(kTeacherChunk, hidden.size(0) - row);
    hidden.narrow(0, row, n).copy_(block_forward_with(layer, hidden.narrow(0, row, n), lin));
  }
}

void Model::teacher_head() {
  c10::NoGradGuard no_grad;
  const at::Tensor& hidden = teacher_.hidden;
  const int64_t pool = hidden.size(0), seq = hidden.size(1), k = teacher_.k;
  teacher_.top_ids = at::empty({pool, seq - 1, k}, at::TensorOptions().dtype(at::kInt));
  teacher_.top_log_probs = at::empty({pool, seq - 1, k}, at::TensorOptions().dtype(at::kFloat));
  for (int64_t row = 0; row < pool; row += kTeacherChunk) {
    const int64_t n = std::min(kTeacherChunk, pool - row);
    const at::Tensor h = hidden.narrow(0, row, n).narrow(1, 0, seq - 1);
    const at::Tensor logits = at::linear(model::rms_norm(h, final_norm_, config_.rms_norm_eps), lm_head_).to(at::kFloat);
    const auto [values, indices] = at::topk(at::log_softmax(logits, -1), k, -1);
    teacher_.top_log_probs.narrow(0, row, n).copy_(values);
    teacher_.top_ids.narrow(0, row, n).copy_(indices);
  }
  teacher_.hidden = at::Tensor();
}

void Model::require_complete() const {
  if (static_cast<int64_t>(layers_.size()) != num_layers_) {
    throw_invalid("only " + std::to_string(layers_.size()) + " of " + std::to_string(num_layers_) +
                  " layers were added (add every layer first)");
  }
}

at::Tensor Model::nll(const at::Tensor& ids_in) {
  require_complete();
  const at::Tensor ids = checked_ids(ids_in);
  c10::NoGradGuard no_grad;
  at::Tensor h = at::embedding(embed_, ids);
  for (const Layer& layer : layers_) h = block_forward(layer, h);
  return hidden_to_nll(h, ids);
}

StepResult Model::train_step(const at::Tensor& ids_in, double lr_ab, double lr_s, double clip) {
  require_complete();
  const at::Tensor ids = checked_ids(ids_in);
  return step_with(ids, [&](const at::Tensor& h) { return hidden_to_nll(h, ids).mean(); }, lr_ab, lr_s, clip);
}

StepResult Model::train_step_kd(const at::Tensor& rows, double kd_weight, double lr_ab, double lr_s, double clip) {
  require_complete();
  if (!teacher_.top_ids.defined()) throw_invalid("no distillation teacher (set one before adding the layers)");
  if (!(kd_weight >= 0.0 && kd_weight <= 1.0)) throw_invalid("kd_weight=" + std::to_string(kd_weight) + " (expected 0..1)");
  if (!rows.defined() || rows.dim() != 1 || rows.size(0) < 1) throw_invalid("rows must be [batch] with batch >= 1");
  if (rows.scalar_type() != at::kInt && rows.scalar_type() != at::kLong) throw_invalid("rows must be I32 or I64");
  const int64_t pool = teacher_.ids.size(0);
  const at::Tensor r = rows.to(at::kCPU, at::kLong);
  if ((r < 0).any().item<bool>() || (r >= pool).any().item<bool>()) {
    throw_invalid("rows contain an index outside 0.." + std::to_string(pool - 1) + " (the teacher pool)");
  }
  const at::Tensor ids = to_device_async(teacher_.ids.index_select(0, r));
  const at::Tensor t_ids = to_device_async(teacher_.top_ids.index_select(0, r).to(at::kLong));
  const at::Tensor t_lp = to_device_async(teacher_.top_log_probs.index_select(0, r));
  const int64_t k = teacher_.k;
  return step_with(ids, [&](const at::Tensor& hidden) {
    const int64_t seq = ids.size(1);
    const at::Tensor normed = model::rms_norm(hidden.narrow(1, 0, seq - 1), final_norm_, config_.rms_norm_eps);
    const at::Tensor log_probs = at::log_softmax(at::linear(normed, lm_head_).to(at::kFloat), -1);
    const int64_t n = log_probs.size(0) * log_probs.size(1);
    return distillation_loss(log_probs.reshape({n, -1}), t_ids.reshape({n, k}), t_lp.reshape({n, k}),
                             ids.narrow(1, 1, seq - 1).reshape({n}), kd_weight);
  }, lr_ab, lr_s, clip);
}

StepResult Model::step_with(const at::Tensor& ids, const std::function<at::Tensor(const at::Tensor&)>& loss_of,
                            double lr_ab, double lr_s, double clip) {
  if (!(lr_ab >= 0.0) || !(lr_s >= 0.0)) throw_invalid("learning rates must be >= 0");
  c10::AutoGradMode grad_mode(true);
  std::vector<at::Tensor> inputs;
  inputs.reserve(layers_.size());
  at::Tensor h;
  {
    c10::NoGradGuard no_grad;
    h = at::embedding(embed_, ids);
    for (const Layer& layer : layers_) {
      inputs.push_back(h);
      h = block_forward(layer, h);
    }
  }
  h = h.detach().requires_grad_(true);
  const at::Tensor loss = loss_of(h);
  torch::autograd::backward({loss});
  at::Tensor grad = h.grad();
  // Activation checkpointing: each block is recomputed with grad from its kept input, one at a time.
  for (int64_t i = static_cast<int64_t>(layers_.size()) - 1; i >= 0; --i) {
    const at::Tensor x = inputs[i].detach().requires_grad_(true);
    inputs[i] = at::Tensor();
    const at::Tensor y = block_forward(layers_[i], x);
    torch::autograd::backward({y}, {grad});
    grad = x.grad();
  }

  c10::NoGradGuard no_grad;
  ++step_;
  std::vector<at::Tensor*> params;
  std::vector<bool> is_scale;
  for_each_param([&](at::Tensor& t, bool s, const std::string&) {
    params.push_back(&t);
    is_scale.push_back(s);
  });
  std::vector<at::Tensor> squares;
  for (at::Tensor* p : params) {
    if (p->grad().defined()) squares.push_back(p->grad().to(at::kFloat).pow(2).sum());
  }
  const at::Tensor norm = squares.empty() ? at::zeros({}, loss.options()) : at::stack(squares).sum().sqrt();
  const at::Tensor coef = clip > 0.0 ? (clip / (norm + 1e-6)).clamp_max(1.0) : at::ones({}, loss.options());
  const double bc1 = 1.0 - std::pow(kBeta1, static_cast<double>(step_));
  const double bc2 = 1.0 - std::pow(kBeta2, static_cast<double>(step_));
  for (size_t i = 0; i < params.size(); ++i) {
    at::Tensor& p = *params[i];
    if (!p.grad().defined()) continue;
    at::Tensor& m = moments_[2 * i];
    at::Tensor& v = moments_[2 * i + 1];
    const at::Tensor g = p.grad().to(at::kFloat) * coef;
    m.mul_(kBeta1).add_(g, 1.0 - kBeta1);
    v.mul_(kBeta2).addcmul_(g, g, 1.0 - kBeta2);
    const double lr = is_scale[i] ? lr_s : lr_ab;
    const at::Tensor update = m / (v / bc2).sqrt_().add_(kEps) * (lr / bc1);
    if (p.scalar_type() == at::kFloat) {
      p.sub_(update);
    } else {
      p.copy_(p.to(at::kFloat) - update);
    }
    p.mutable_grad() = at::Tensor();
  }
  return {loss.detach(), norm};
}

}  // namespace lb::lrqat
