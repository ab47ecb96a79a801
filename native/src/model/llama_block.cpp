#include "src/model/llama_block.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/silu.h>
#include <ATen/ops/zeros.h>

#include <string>
#include <vector>

#include "src/devices.h"
#include "src/dtypes.h"
#include "src/error.h"
#include "src/model/argument_checks.h"
#include "src/model/llama_adapters.h"
#include "src/tensor_handle.h"

namespace lb::model {
namespace {

// What one weight must look like: its field name, shape and the config fields the shape comes from.
struct Expected {
  const char* field;
  std::vector<int64_t> shape;
  const char* meaning;
};

// The weight's tensor, or an undefined tensor for an absent optional one.
at::Tensor checked_weight(lb_tensor handle, const Expected& e, bool required) {
  const std::string name = std::string("weights->") + e.field;
  if (handle == nullptr) {
    if (!required) return at::Tensor();
    throw_invalid(name + " is NULL (expected a " + shape_text(e.shape) + " tensor: " + e.meaning + ")");
  }
  const at::Tensor& t = handle->value;
  if (!t.defined()) throw_invalid(name + " is an empty handle (expected a " + shape_text(e.shape) + " tensor)");
  if (!is_float(t.scalar_type())) {
    throw_invalid(name + " has dtype " + dtype_name(t.scalar_type()) + " (expected F32, F16 or BF16)");
  }
  if (t.sizes() != at::IntArrayRef(e.shape)) {
    throw_invalid(name + " has shape " + shape_text(t.sizes()) + ", expected " + shape_text(e.shape) + " (" + e.meaning +
                  ")");
  }
  return t;
}

}  // namespace

LlamaBlock::LlamaBlock(const LlamaConfig& c, const lb_llama_block_weights& w, c10::Device device)
    : config_(c), device_(device), rotary_(c.head_dim, c.rope_theta) {
  const int64_t hidden = c.hidden_size, inter = c.intermediate_size, q_dim = c.query_dim(), kv_dim = c.kv_dim();
  const at::Tensor input_norm = checked_weight(w.input_norm, {"input_norm", {hidden}, "hidden_size"}, true);
  const at::Tensor q = checked_weight(w.q_proj, {"q_proj", {q_dim, hidden}, "num_heads*head_dim, hidden_size"}, true);
  const at::Tensor k = checked_weight(w.k_proj, {"k_proj", {kv_dim, hidden}, "num_kv_heads*head_dim, hidden_size"}, true);
  const at::Tensor v = checked_weight(w.v_proj, {"v_proj", {kv_dim, hidden}, "num_kv_heads*head_dim, hidden_size"}, true);
  const at::Tensor o = checked_weight(w.o_proj, {"o_proj", {hidden, q_dim}, "hidden_size, num_heads*head_dim"}, true);
  const at::Tensor q_bias = checked_weight(w.q_bias, {"q_bias", {q_dim}, "num_heads*head_dim"}, false);
  const at::Tensor k_bias = checked_weight(w.k_bias, {"k_bias", {kv_dim}, "num_kv_heads*head_dim"}, false);
  const at::Tensor v_bias = checked_weight(w.v_bias, {"v_bias", {kv_dim}, "num_kv_heads*head_dim"}, false);
  const at::Tensor o_bias = checked_weight(w.o_bias, {"o_bias", {hidden}, "hidden_size"}, false);
  const at::Tensor post_norm = checked_weight(w.post_attention_norm, {"post_attention_norm", {hidden}, "hidden_size"}, true);
  const at::Tensor gate = checked_weight(w.gate_proj, {"gate_proj", {inter, hidden}, "intermediate_size, hidden_size"}, true);
  const at::Tensor up = checked_weight(w.up_proj, {"up_proj", {inter, hidden}, "intermediate_size, hidden_size"}, true);
  const at::Tensor down = checked_weight(w.down_proj, {"down_proj", {hidden, inter}, "hidden_size, intermediate_size"}, true);

  const auto dtype = c.compute_dtype;
  // A private copy: the caller may free (or unmap) its tensors right after.
  const auto copy = [&](const at::Tensor& t) { return t.to(device, dtype, /*non_blocking=*/false, /*copy=*/true); };
  const auto convert = [&](const at::Tensor& t) { return t.to(device, dtype); };
  input_norm_ = copy(input_norm);
  qkv_ = at::cat({convert(q), convert(k), convert(v)}, 0);
  if (q_bias.defined() || k_bias.defined() || v_bias.defined()) {
    const auto options = at::TensorOptions().dtype(dtype).device(device);
    const auto or_zeros = [&](const at::Tensor& b, int64_t size) { return b.defined() ? convert(b) : at::zeros({size}, options); };
    qkv_bias_ = at::cat({or_zeros(q_bias, q_dim), or_zeros(k_bias, kv_dim), or_zeros(v_bias, kv_dim)}, 0);
  }
  o_proj_ = copy(o).contiguous();
  if (o_bias.defined()) o_bias_ = copy(o_bias);
  post_attention_norm_ = copy(post_norm);
  gate_up_ = at::cat({convert(gate), convert(up)}, 0);
  down_ = copy(down).contiguous();
}

at::Tensor LlamaBlock::forward(const at::Tensor& hidden) {
  const LlamaConfig& c = config_;
  if (hidden.dim() != 3 || hidden.size(2) != c.hidden_size) {
    throw_invalid("hidden has shape " + shape_text(hidden.sizes()) + ", expected [batch, seq, " +
                  std::to_string(c.hidden_size) + "] (hidden_size)");
  }
  if (!is_float(hidden.scalar_type())) {
    throw_invalid(std::string("hidden has dtype ") + dtype_name(hidden.scalar_type()) + " (expected F32, F16 or BF16)");
  }
  if (hidden.size(0) < 1 || hidden.size(1) < 1) {
    throw_invalid("hidden has shape " + shape_text(hidden.sizes()) + " (expected batch >= 1 and seq >= 1)");
  }
  const int64_t batch = hidden.size(0), seq = hidden.size(1);
  const int64_t heads = c.num_heads, kv_heads = c.num_kv_heads, dim = c.head_dim;
  const at::Tensor x = hidden.to(device_, c.compute_dtype);

  const at::Tensor normed = rms_norm(x, input_norm_, c.rms_norm_eps);
  if (observer_) observer_(0, normed);
  const at::Tensor qkv = at::linear(normed, qkv_, qkv_bias_);
  const auto split = [&](int64_t offset, int64_t count) {
    return qkv.narrow(-1, offset, count * dim).view({batch, seq, count, dim}).transpose(1, 2);
  };
  const auto [cos, sin] = rotary_.get(seq, c.compute_dtype, device_);
  const at::Tensor q = apply_rotary(split(0, heads), cos, sin);
  const at::Tensor k = apply_rotary(split(heads * dim, kv_heads), cos, sin);
  const at::Tensor v = split((heads + kv_heads) * dim, kv_heads);
  const at::Tensor attended = causal_attention(q, k, v).transpose(1, 2).reshape({batch, seq, heads * dim});
  if (observer_) observer_(1, attended);
  const at::Tensor after_attention = x + at::linear(attended, o_proj_, o_bias_);

  const at::Tensor mlp_in = rms_norm(after_attention, post_attention_norm_, c.rms_norm_eps);
  if (observer_) {
    observer_(2, mlp_in);
    const at::Tensor projected = at::linear(mlp_in, gate_up_);  // as swiglu_mlp computes the down input
    const int64_t intermediate = gate_up_.size(0) / 2;
    observer_(3, at::silu(projected.narrow(-1, 0, intermediate)) * projected.narrow(-1, intermediate, intermediate));
  }
  return after_attention + swiglu_mlp(mlp_in, gate_up_, down_);
}

lb_block llama_block_create(const lb_llama_config* config, const lb_llama_block_weights* weights, int32_t device_type,
                            int32_t device_index) {
  const LlamaConfig checked = checked_config(config);
  require_non_null(weights, "weights");
  if (weights->struct_size < static_cast<int64_t>(sizeof(lb_llama_block_weights))) {
    throw_invalid("weights->struct_size=" + std::to_string(weights->struct_size) + " is too small (expected >= " +
                  std::to_string(sizeof(lb_llama_block_weights)) + ", sizeof(lb_llama_block_weights))");
  }
  const c10::Device device = device_from_codes(device_type, device_index);
  auto handle = std::make_unique<lb_block_s>();
  handle->impl = std::make_unique<LlamaBlock>(checked, *weights, device);
  return handle.release();
}

lb_tensor block_forward(lb_block block, lb_tensor hidden) {
  require_non_null(block, "block");
  const at::Tensor& h = unwrap(hidden, "hidden");
  return make_handle(block->impl->forward(h)).release();
}

void block_free(lb_block block) noexcept { delete block; }

}  // namespace lb::model
