#include "src/infer/decoder.h"

#include <ATen/TensorOperators.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/full.h>
#include <ATen/ops/index_select.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/matmul.h>
#include <ATen/ops/silu.h>
#include <ATen/ops/softmax.h>
#include <ATen/ops/zeros.h>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "src/dtypes.h"
#include "src/error.h"
#include "src/infer/decode_graph.h"
#include "src/infer/fused_decode.h"
#include "src/model/argument_checks.h"
#include "src/model/llama_layers.h"

namespace lb::infer {
namespace {

using model::shape_text;

const char* const kLinearNames[7] = {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};

void require_vector(const at::Tensor& t, const char* name, int64_t size, const char* meaning) {
  if (!t.defined()) throw_invalid(std::string(name) + " is an empty handle");
  if (!model::is_float(t.scalar_type())) throw_invalid(std::string(name) + " is not F32, F16 or BF16");
  if (t.dim() != 1 || t.size(0) != size) {
    throw_invalid(std::string(name) + " has shape " + shape_text(t.sizes()) + ", expected [" + std::to_string(size) +
                  "] (" + meaning + ")");
  }
}

// Grouped-query attention of q [1, heads, n, d] over the cache's first keys entries k, v
// [1, kv_heads, keys, d]; query i (at positions[i]) sees the keys at positions <= positions[i].
at::Tensor masked_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& positions,
                            const at::Tensor& key_index) {
  const int64_t heads = q.size(1), n = q.size(2), dim = q.size(3), kv_heads = k.size(1), keys = k.size(2);
  const int64_t group = heads / kv_heads;
  const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
  const at::Tensor grouped_q = q.reshape({1, kv_heads, group * n, dim});
  const at::Tensor scores = (at::matmul(grouped_q, k.transpose(-1, -2)) * scale).view({1, kv_heads, group, n, keys});
  const at::Tensor future = key_index.narrow(0, 0, keys).unsqueeze(0) > positions.unsqueeze(1);  // [n, keys]
  const at::Tensor probs =
      at::softmax(scores.masked_fill(future, -std::numeric_limits<double>::infinity()), -1, at::kFloat).to(q.scalar_type());
  return at::matmul(probs.view({1, kv_heads, group * n, keys}), v).view({1, heads, n, dim});
}

}  // namespace

Decoder::Decoder(const model::LlamaConfig& config, const at::Tensor& embed, const at::Tensor& final_norm,
                 const at::Tensor& lm_head, const lb_decoder_options& options, c10::Device device)
    : config_(config), device_(device) {
  c10::InferenceMode inference;
  const int64_t hidden = config.hidden_size;
  if (options.num_layers <= 0) throw_invalid("options->num_layers=" + std::to_string(options.num_layers) + " (expected > 0)");
  if (options.max_seq <= 0) throw_invalid("options->max_seq=" + std::to_string(options.max_seq) + " (expected > 0)");
  if (!embed.defined() || embed.dim() != 2 || embed.size(1) != hidden || !model::is_float(embed.scalar_type())) {
    throw_invalid("embed has shape " + (embed.defined() ? shape_text(embed.sizes()) : std::string("?")) +
                  ", expected a float [vocab, " + std::to_string(hidden) + "] (hidden_size)");
  }
  vocab_ = embed.size(0);
  require_vector(final_norm, "final_norm", hidden, "hidden_size");
  if (!lm_head.defined() || lm_head.dim() != 2 || lm_head.size(0) != vocab_ || lm_head.size(1) != hidden ||
      !model::is_float(lm_head.scalar_type())) {
    throw_invalid("lm_head has shape " + (lm_head.defined() ? shape_text(lm_head.sizes()) : std::string("?")) +
                  ", expected a float [" + std::to_string(vocab_) + ", " + std::to_string(hidden) + "] (vocab, hidden_size)");
  }
  num_layers_ = options.num_layers;
  max_seq_ = options.max_seq;
  use_graph_ = device.is_cuda() && options.use_cuda_graph != 0;
  if (const char* env = std::getenv("LOWBIT_DECODE_AHEAD")) ahead_ = std::strcmp(env, "0") != 0;
  const auto dtype = config.compute_dtype;
  const auto copy = [&](const at::Tensor& t) { return t.to(device, dtype, false, /*copy=*/true).contiguous(); };
  embed_ = copy(embed);
  final_norm_ = copy(final_norm);
  // On the CPU a 16-bit LM head stays as stored: dense_linear reads it as it is, half the bytes of an f32 copy.
  const bool head16 = is_16bit_float(lm_head.scalar_type());
  lm_head_ = device.is_cpu() && head16 ? lm_head.to(device, lm_head.scalar_type(), false, /*copy=*/true).contiguous()
                                       : copy(lm_head);
  model::RotaryTable rotary(config.head_dim, config.rope_theta);
  auto [cos, sin] = rotary.get(max_seq_, dtype, device);
  cos_ = cos.contiguous();
  sin_ = sin.contiguous();
  key_index_ = at::arange(max_seq_, at::TensorOptions().dtype(at::kLong).device(device));
  fused_ = fused_decode_available(device, dtype, config.head_dim, max_seq_);
  accumulate_requested_ = fused_ && decode_accumulate_requested();
  rope_attention_ = fused_ && decode_rope_attention_requested();
  normed_requested_ = accumulate_requested_ && rope_attention_ && decode_normed_requested();
  fused_ends_ = normed_requested_ && decode_fused_ends_requested();
  if (normed_requested_) {
    const auto f32 = at::TensorOptions().dtype(at::kFloat).device(device);
    attn_sums_ = at::zeros({config.query_dim() + 2 * config.kv_dim() + 1}, f32);
    mlp_sums_ = at::zeros({2 * config.intermediate_size + 1}, f32);
    if (decode_o_prepared_requested() && decode_attention_o_slots_apply(config.head_dim, 4)) {
      o_slots_ = at::empty({decode_attention_o_slots_bytes(config.num_heads, config.head_dim)},
                           at::TensorOptions().dtype(at::kByte).device(device));
    }
  }
  layers_.reserve(static_cast<size_t>(num_layers_));
}

Decoder::~Decoder() = default;

void Decoder::add_layer(const at::Tensor& input_norm, const at::Tensor& post_attention_norm,
                        const lb_decoder_linear* linears, int32_t count) {
  c10::InferenceMode inference;
  if (static_cast<int64_t>(layers_.size()) >= num_layers_) {
    throw_invalid("all " + std::to_string(num_layers_) + " layers were already added (options->num_layers)");
  }
  require_non_null(linears, "linears");
  if (count != 7) throw_invalid("count=" + std::to_string(count) + " (expected 7 linears: q, k, v, o, gate, up, down)");
  const model::LlamaConfig& c = config_;
  const int64_t hidden = c.hidden_size;
  require_vector(input_norm, "input_norm", hidden, "hidden_size");
  require_vector(post_attention_norm, "post_attention_norm", hidden, "hidden_size");
  const int64_t outs[7] = {c.query_dim(), c.kv_dim(), c.kv_dim(), hidden, c.intermediate_size, c.intermediate_size, hidden};
  const int64_t ins[7] = {hidden, hidden, hidden, c.query_dim(), hidden, hidden, c.intermediate_size};
  const std::string prefix = "layer " + std::to_string(layers_.size()) + " linears[";
  std::vector<InferLinear> parts;
  for (int i = 0; i < 7; ++i) {
    parts.push_back(InferLinear::from_c(linears[i], outs[i], ins[i], device_, c.compute_dtype,
                                        prefix + std::to_string(i) + "] (" + kLinearNames[i] + ")"));
  }
  Layer layer;
  const auto copy = [&](const at::Tensor& t) { return t.to(device_, c.compute_dtype, false, true).contiguous(); };
  layer.input_norm = copy(input_norm);
  layer.post_attention_norm = copy(post_attention_norm);
  layer.qkv = InferLinear::fuse({parts[0], parts[1], parts[2]});
  layer.o = parts[3];
  layer.gate_up = InferLinear::fuse({parts[4], parts[5]});
  layer.down = parts[6];
  for (InferLinear* l : {&layer.qkv, &layer.o, &layer.gate_up, &layer.down}) {
    if (!l->packed()) continue;
    if (l->packed_kernel_available()) {
      packed_ += l->count();
    } else {
      l->dequantize_to_dense();
      dequantized_ += l->count();
    }
    any_accumulating_ = any_accumulating_ || l->accumulates();
  }
  // the normed step adds the q/k/v bias in the attention kernel (Qwen2-style models); the others have none
  all_accumulating_ = all_accumulating_ && layer.qkv.gemv_capable() && layer.o.accumulates() &&
                      layer.gate_up.accumulates() && layer.down.accumulates();
  all_o_prepared_ = all_o_prepared_ && o_prepared(layer);
  if (normed_requested_ && layer.o.accumulates() && decode_attention_o_requested(layer.o.bits())) {
    at::Tensor probe = at::empty({1, hidden}, at::TensorOptions().dtype(at::kFloat).device(device_));
    layer.attention_o = fused_rotary_attention_o_applies(c.compute_dtype, c.num_heads, c.head_dim,
                                                         layer.o.gemv_operands(), probe);
  }
  all_attention_o_ = all_attention_o_ && layer.attention_o;
  layers_.push_back(std::move(layer));
  const auto cache_options = at::TensorOptions().dtype(c.compute_dtype).device(device_);
  k_cache_.push_back(at::zeros({1, c.num_kv_heads, max_seq_, c.head_dim}, cache_options));
  v_cache_.push_back(at::zeros({1, c.num_kv_heads, max_seq_, c.head_dim}, cache_options));
}

void Decoder::reset() {
  if (graph_) graph_->cancel_ahead();
  position_ = 0;  // stale cache entries beyond the position are masked out or overwritten
}

void Decoder::check_token(int64_t id, const char* what) const {
  if (id < 0 || id >= vocab_) {
    throw_invalid(std::string(what) + "=" + std::to_string(id) + " is out of range (expected 0 <= id < " +
                  std::to_string(vocab_) + ", the vocabulary size)");
  }
}

void Decoder::require_ready(int64_t n) const {
  if (static_cast<int64_t>(layers_.size()) != num_layers_) {
    throw_invalid("only " + std::to_string(layers_.size()) + " of " + std::to_string(num_layers_) +
                  " layers were added (expected lb_decoder_add_layer for every layer first)");
  }
  if (position_ + n > max_seq_) {
    throw_invalid("the sequence would grow to " + std::to_string(position_ + n) + " tokens, beyond max_seq=" +
                  std::to_string(max_seq_) + " (the KV cache length; create the decoder with a larger max_seq)");
  }
}

at::Tensor Decoder::logits_out(const at::Tensor& lm_head_output) const {
  return raw_logits_ ? lm_head_output.view({vocab_}) : lm_head_output.to(at::kFloat).view({vocab_});
}

at::Tensor Decoder::forward_raw(const at::Tensor& ids, const at::Tensor& positions, int64_t keys) {
  struct Restore {
    bool& flag;
    ~Restore() { flag = false; }
  } restore{raw_logits_};
  raw_logits_ = true;
  return forward(ids, positions, keys, false);
}

at::Tensor Decoder::forward(const at::Tensor& ids, const at::Tensor& positions, int64_t keys, bool fresh_prompt) {
  if (fused_ && ids.size(0) == 1 && !fresh_prompt) {
    if (normed()) return forward_fused_normed(ids, positions);
    return accumulate_requested_ && any_accumulating_ ? forward_fused_accumulate(ids, positions)
                                                      : forward_fused(ids, positions);
  }
  const model::LlamaConfig& c = config_;
  const int64_t n = ids.size(0), heads = c.num_heads, kv_heads = c.num_kv_heads;
  const int64_t dim = c.head_dim, inter = c.intermediate_size;
  at::Tensor x = at::index_select(embed_, 0, ids);  // [n, hidden]
  const at::Tensor cos = at::index_select(cos_, 0, positions), sin = at::index_select(sin_, 0, positions);
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    const at::Tensor qkv = layer.qkv(model::rms_norm(x, layer.input_norm, c.rms_norm_eps));
    const auto split = [&](int64_t offset, int64_t count) {
      return qkv.narrow(-1, offset, count * dim).view({1, n, count, dim}).transpose(1, 2);
    };
    const at::Tensor q = model::apply_rotary(split(0, heads), cos, sin);
    const at::Tensor k = model::apply_rotary(split(heads * dim, kv_heads), cos, sin);
    const at::Tensor v = split((heads + kv_heads) * dim, kv_heads);
    k_cache_[l].index_copy_(2, positions, k);
    v_cache_[l].index_copy_(2, positions, v);
    // A prompt on an empty cache is plain causal attention (the fused kernel where libtorch has one).
    const at::Tensor attended =
        fresh_prompt ? model::causal_attention(q, k, v)
                     : masked_attention(q, k_cache_[l].narrow(2, 0, keys), v_cache_[l].narrow(2, 0, keys), positions,
                                        key_index_);
    x = x + layer.o(attended.transpose(1, 2).reshape({n, heads * dim}));
    const at::Tensor gate_up = layer.gate_up(model::rms_norm(x, layer.post_attention_norm, c.rms_norm_eps));
    x = x + layer.down(at::silu(gate_up.narrow(-1, 0, inter)) * gate_up.narrow(-1, inter, inter));
  }
  const at::Tensor last = model::rms_norm(x.narrow(0, n - 1, 1), final_norm_, c.rms_norm_eps);
  // f32 compute: the LM head in f32 like lb_llama_head; f16/bf16: in the compute dtype (fp32 accumulation).
  return logits_out(dense_linear(last, lm_head_));
}

// One token with the fused CUDA kernels: the same math as forward(), ~11 kernels per layer instead of ~45.
at::Tensor Decoder::forward_fused(const at::Tensor& ids, const at::Tensor& positions) {
  const model::LlamaConfig& c = config_;
  const int64_t inter = c.intermediate_size;
  at::Tensor x = at::index_select(embed_, 0, ids);  // [1, hidden]
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    const at::Tensor qkv = layer.qkv(fused_rms_norm(x, layer.input_norm, c.rms_norm_eps));
    x = x + layer.o(attention(qkv, positions, l));
    x = x + layer.down(fused_silu_mul(layer.gate_up(fused_rms_norm(x, layer.post_attention_norm, c.rms_norm_eps)), inter));
  }
  return logits_out(at::linear(fused_rms_norm(x, final_norm_, c.rms_norm_eps), lm_head_));
}

// RoPE, the KV-cache write and attention of one token in layer l: one fused kernel, or two
// (LOWBIT_DECODE_ROPE_ATTENTION=0).
at::Tensor Decoder::attention(const at::Tensor& qkv, const at::Tensor& positions, size_t l) {
  const model::LlamaConfig& c = config_;
  if (rope_attention_) {
    return fused_rotary_attention(qkv, cos_, sin_, positions, k_cache_[l], v_cache_[l], c.num_heads, c.num_kv_heads,
                                  c.head_dim);
  }
  const at::Tensor q =
      fused_rotary_kv(qkv, cos_, sin_, positions, k_cache_[l], v_cache_[l], c.num_heads, c.num_kv_heads, c.head_dim);
  return fused_attention(q, k_cache_[l], v_cache_[l], positions, c.num_heads, c.num_kv_heads, c.head_dim);
}

// forward_fused with the residual stream in f32 and the packed GEMVs in accumulate mode (issue 7: fewer kernels
// per layer): o_proj and down_proj add onto the residual in place (no zeroing, no add kernel), q/k/v and gate/up
// add onto f32 outputs that the RMSNorm before them zeroes (no memset, no cast to the compute dtype: RoPE and
// SiLU * up read f32 and round to it). 9 kernels per packed layer instead of 19, 8 with RoPE and attention in one
// kernel (Decoder::attention). Linears that do not accumulate (dense, bias, split) run as in forward_fused, added to
// the f32 residual.
at::Tensor Decoder::forward_fused_accumulate(const at::Tensor& ids, const at::Tensor& positions) {
  const model::LlamaConfig& c = config_;
  const int64_t inter = c.intermediate_size;
  const auto f32 = at::TensorOptions().dtype(at::kFloat).device(device_);
  at::Tensor x = at::index_select(embed_, 0, ids).to(at::kFloat);  // [1, hidden] f32
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    at::Tensor qkv;
    if (layer.qkv.accumulates()) {
      qkv = at::empty({1, layer.qkv.out_features()}, f32);
      layer.qkv.add_into(fused_rms_norm_f32(x, layer.input_norm, c.rms_norm_eps, qkv), qkv);
    } else {
      qkv = layer.qkv(fused_rms_norm_f32(x, layer.input_norm, c.rms_norm_eps, at::Tensor()));
    }
    layer.o.add_into(attention(qkv, positions, l), x);
    at::Tensor act;
    if (layer.gate_up.accumulates()) {
      at::Tensor gate_up = at::empty({1, layer.gate_up.out_features()}, f32);
      layer.gate_up.add_into(fused_rms_norm_f32(x, layer.post_attention_norm, c.rms_norm_eps, gate_up), gate_up);
      act = fused_silu_mul_f32(gate_up, inter, c.compute_dtype);
    } else {
      act = fused_silu_mul(layer.gate_up(fused_rms_norm_f32(x, layer.post_attention_norm, c.rms_norm_eps, at::Tensor())),
                           inter);
    }
    layer.down.add_into(act, x);
  }
  return logits_out(at::linear(fused_rms_norm_f32(x, final_norm_, c.rms_norm_eps, at::Tensor()), lm_head_));
}

// Whether layer's o GEMV reads the slots the attention kernel writes (the normed step, o_slots_ allocated).
bool Decoder::o_prepared(const Layer& layer) const {
  return o_slots_.defined() && layer.o.accumulates() && decode_attention_o_slots_apply(config_.head_dim, layer.o.bits());
}

// forward_fused_accumulate with the RMSNorms and SiLU * up folded into the packed GEMVs (issue 7: the fixed cost of
// each launch dominates the step at batch 1): 5 kernels per layer instead of 8. The q/k/v and gate/up GEMVs read
// h * g (g: the norm's weight) and add sum(h^2) next to their output; 1 / rms(h), one scalar, is applied by their
// consumers: the RoPE + attention kernel, and the down GEMV, which reads silu(r gate) * (r up) from the f32 gate/up
// output. The buffers the next GEMV adds into are zeroed by the kernel two before it, once their readers are done:
// attention zeroes mlp_sums_, the gate/up GEMV attn_sums_ (for the next layer; zero at the first layer).
at::Tensor Decoder::forward_fused_normed(const at::Tensor& ids, const at::Tensor& positions) {
  const model::LlamaConfig& c = config_;
  const int64_t hidden = c.hidden_size, inter = c.intermediate_size;
  const int64_t qkv_dim = attn_sums_.numel() - 1;
  const bool ends = fused_ends_ && fused_embed_f32_applies(embed_, ids);
  at::Tensor x;  // [1, hidden] f32
  if (ends) {
    x = fused_embed_f32(embed_, ids, attn_sums_);
  } else {
    x = at::index_select(embed_, 0, ids).to(at::kFloat);
    attn_sums_.zero_();
  }
  at::Tensor qkv = attn_sums_.narrow(0, 0, qkv_dim).view({1, qkv_dim});
  at::Tensor gate_up = mlp_sums_.narrow(0, 0, 2 * inter).view({1, 2 * inter});
  float* attn_sum = attn_sums_.data_ptr<float>() + qkv_dim;
  float* mlp_sum = mlp_sums_.data_ptr<float>() + 2 * inter;
  for (size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    GemvInputFusion q_in;
    q_in.op = GemvInputFusion::kNormWeight;
    q_in.norm_weight = layer.input_norm;
    q_in.sumsq_out = attn_sum;
    layer.qkv.add_into_fused(x, qkv, q_in);
    if (layer.attention_o) {  // attention and the o projection onto x in one kernel
      fused_rotary_attention_o(attn_sums_, layer.qkv.bias(), hidden, c.rms_norm_eps, mlp_sums_, cos_, sin_, positions,
                               k_cache_[l], v_cache_[l], c.num_heads, c.num_kv_heads, c.head_dim,
                               layer.o.gemv_operands(), x);
    } else {
      const bool o_prep = o_prepared(layer);
      const at::Tensor attended = fused_rotary_attention_normed(
          attn_sums_, layer.qkv.bias(), hidden, c.rms_norm_eps, mlp_sums_, cos_, sin_, positions, k_cache_[l],
          v_cache_[l], c.num_heads, c.num_kv_heads, c.head_dim, o_prep ? o_slots_ : at::Tensor(), layer.o.bits());
      if (o_prep) {  // the o GEMV reads the attention's output as the slots the kernel wrote beside it
        GemvInputFusion o_in;
        o_in.op = GemvInputFusion::kPrepared;
        o_in.prepared = o_slots_.data_ptr();
        layer.o.add_into_fused(attended, x, o_in);
      } else {
        layer.o.add_into(attended, x);
      }
    }
    GemvInputFusion gu_in;
    gu_in.op = GemvInputFusion::kNormWeight;
    gu_in.norm_weight = layer.post_attention_norm;
    gu_in.sumsq_out = mlp_sum;
    gu_in.zero = attn_sums_.data_ptr<float>();
    gu_in.zero_count = attn_sums_.numel();
    layer.gate_up.add_into_fused(x, gate_up, gu_in);
    GemvInputFusion down_in;
    down_in.op = GemvInputFusion::kSiluMul;
    down_in.sumsq_in = mlp_sum;
    down_in.norm_count = hidden;
    down_in.eps = c.rms_norm_eps;
    down_in.round_dtype = c.compute_dtype;
    layer.down.add_into_fused(gate_up, x, down_in);
  }
  if (ends && fused_lm_head_normed_applies(x, lm_head_)) {
    return logits_out(fused_lm_head_normed(x, final_norm_, lm_head_, c.rms_norm_eps));
  }
  return logits_out(at::linear(fused_rms_norm_f32(x, final_norm_, c.rms_norm_eps, at::Tensor()), lm_head_));
}

at::Tensor Decoder::prefill(const int64_t* ids, int64_t n) {
  c10::InferenceMode inference;
  if (n <= 0) throw_invalid("n=" + std::to_string(n) + " (expected at least one token id)");
  require_non_null(ids, "ids");
  for (int64_t i = 0; i < n; ++i) check_token(ids[i], ("ids[" + std::to_string(i) + "]").c_str());
  require_ready(n);
  if (graph_) graph_->cancel_ahead();  // a step queued ahead writes the cache on the graph's stream
  const auto long_options = at::TensorOptions().dtype(at::kLong);
  const at::Tensor host_ids = at::from_blob(const_cast<int64_t*>(ids), {n}, long_options).clone();
  const at::Tensor dev_ids = host_ids.to(device_);
  const at::Tensor positions = at::arange(position_, position_ + n, long_options.device(device_));
  const at::Tensor logits = forward(dev_ids, positions, position_ + n, /*fresh_prompt=*/position_ == 0);
  at::Tensor host = logits.to(at::kCPU);
  position_ += n;
  return host;
}

at::Tensor Decoder::decode(int64_t token) {
  c10::InferenceMode inference;
  check_token(token, "token");
  require_ready(1);
  at::Tensor logits;
  if (use_graph_) {
    if (!graph_) graph_ = std::make_unique<DecodeGraph>(*this);
    logits = graph_->step(token, position_);
    if (!graph_->active()) use_graph_ = false;  // capture failed: eager from now on (graph_ keeps the reason)
  } else {
      const auto long_options = at::TensorOptions().dtype(at::kLong).device(device_);
    const at::Tensor ids = at::full({1}, token, long_options);
    const at::Tensor positions = at::full({1}, position_, long_options);
    logits = forward(ids, positions, position_ + 1, false).to(at::kCPU);
  }
  position_ += 1;
  return logits;
}

void Decoder::set_sampling(double temperature, double top_p, uint64_t seed) {
  sampler_.configure(temperature, top_p, seed);  // validates first: bad options change nothing
  if (graph_) graph_->cancel_ahead();
}

int64_t Decoder::decode_next(int64_t token) {
  if (ahead_ && use_graph_ && graph_ && graph_->captured()) {
    c10::InferenceMode inference;
    check_token(token, "token");
    require_ready(1);
    if (sampler_.greedy() || graph_->prepare_sampled(token, position_)) {
      const int64_t next = sampler_.greedy()
                               ? graph_->step_greedy(token, position_)
                               : graph_->step_sampled(token, position_, static_cast<float>(sampler_.temperature()),
                                                      static_cast<float>(sampler_.top_p()),
                                                      [this] { return sampler_.next_uniform(); });
      position_ += 1;
      return next;
    }
  }
  const at::Tensor logits = decode(token);
  // the step that captured the graph: sampled as the graph's later steps are (one draw on the device)
  c10::InferenceMode inference;  // prepare_sampled fills the graph's inference tensors
  if (ahead_ && !sampler_.greedy() && use_graph_ && graph_ && graph_->captured() &&
      graph_->prepare_sampled(token, position_ - 1)) {
    return graph_->sample_logits(position_ - 1, static_cast<float>(sampler_.temperature()),
                                 static_cast<float>(sampler_.top_p()), sampler_.next_uniform());
  }
  return sampler_.next(logits.data_ptr<float>(), logits.numel());
}

lb_decoder_stats Decoder::stats() const {
  lb_decoder_stats s{};
  s.struct_size = sizeof(lb_decoder_stats);
  s.position = position_;
  s.max_seq = max_seq_;
  s.layers_added = static_cast<int64_t>(layers_.size());
  s.packed_linears = packed_;
  s.dequantized_linears = dequantized_;
  s.cuda_graph_active = graph_ && graph_->active() ? 1 : 0;
  if (!fused_) {
    s.fused_kernels = 0;
  } else if (normed()) {
    s.fused_kernels = all_attention_o_ && !layers_.empty() ? 5 : all_o_prepared_ && o_slots_.defined() ? 4 : 3;
  } else {
    s.fused_kernels = accumulate_requested_ && any_accumulating_ ? 2 : 1;
  }
  return s;
}

}  // namespace lb::infer
