// The whole-model inference decoder behind lb_decoder_*: every layer on one device, a KV cache of
// max_seq positions (batch 1, compute dtype), prefill of a prompt and one-token decode steps, each a
// single call for the whole model. On CUDA the decode step is replayed from a captured CUDA graph.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lowbit.h"
#include "src/infer/infer_linear.h"
#include "src/infer/sampler.h"
#include "src/model/llama_config.h"

namespace lb::infer {

class DecodeGraph;  // the captured CUDA graph (decode_graph.cpp); empty in builds without CUDA

class Decoder {
 public:
  Decoder(const model::LlamaConfig& config, const at::Tensor& embed, const at::Tensor& final_norm,
          const at::Tensor& lm_head, const lb_decoder_options& options, c10::Device device);
  ~Decoder();

  void add_layer(const at::Tensor& input_norm, const at::Tensor& post_attention_norm, const lb_decoder_linear* linears,
                 int32_t count);
  void reset();
  // f32 [vocab] on the CPU: the logits after the last of ids.
  at::Tensor prefill(const int64_t* ids, int64_t n);
  at::Tensor decode(int64_t token);
  // decode, then the sampler's next token. Greedy on a captured CUDA graph: the token is picked on the device and
  // the following step is queued before this returns (DecodeGraph::step_greedy; LOWBIT_DECODE_AHEAD=0: off).
  int64_t decode_next(int64_t token);
  Sampler& sampler() { return sampler_; }
  // sampler().configure, after any step queued ahead with the old settings is done and forgotten.
  void set_sampling(double temperature, double top_p, uint64_t seed);
  lb_decoder_stats stats() const;

  // One step over ids [n] (I64, device) at positions [n] (I64, device), attending to the first `keys`
  // cache entries; returns the last position's logits f32 [vocab] on the device. Graph-safe when
  // fresh_prompt is false: no host syncs, no shapes that depend on values.
  at::Tensor forward(const at::Tensor& ids, const at::Tensor& positions, int64_t keys, bool fresh_prompt);

  // forward (not a fresh prompt) with the LM head's output as it is, [vocab] in the compute dtype (the decode graph
  // converts it to f32 in its greedy pick).
  at::Tensor forward_raw(const at::Tensor& ids, const at::Tensor& positions, int64_t keys);

  int64_t max_seq() const { return max_seq_; }
  c10::Device device() const { return device_; }

 private:
  struct Layer {
    at::Tensor input_norm, post_attention_norm;
    InferLinear qkv, o, gate_up, down;
    bool attention_o = false;  // normed step: the o projection runs inside the attention kernel
  };

  at::Tensor forward_fused(const at::Tensor& ids, const at::Tensor& positions);
  at::Tensor forward_fused_accumulate(const at::Tensor& ids, const at::Tensor& positions);
  at::Tensor forward_fused_normed(const at::Tensor& ids, const at::Tensor& positions);
  bool normed() const { return normed_requested_ && all_accumulating_; }
  at::Tensor logits_out(const at::Tensor& lm_head_output) const;  // f32 [vocab], or as it is under forward_raw
  bool raw_logits_ = false;
  at::Tensor attention(const at::Tensor& qkv, const at::Tensor& positions, size_t l);
  void require_ready(int64_t n) const;
  void check_token(int64_t id, const char* what) const;

  model::LlamaConfig config_;
  c10::Device device_;
  int64_t num_layers_, max_seq_, vocab_;
  bool use_graph_;
  bool ahead_ = true;  // greedy steps queued ahead on the graph (LOWBIT_DECODE_AHEAD=0: off)
  bool fused_ = false;  // one-token steps through the fused CUDA kernels
  // ... with an f32 residual and accumulate GEMVs (LOWBIT_DECODE_ACCUMULATE=1, where some linear accumulates)
  bool accumulate_requested_ = false, any_accumulating_ = false, rope_attention_ = false;
  // ... with the RMSNorms and SiLU * up inside the GEMVs (LOWBIT_DECODE_NORMED=1, where every linear accumulates)
  bool normed_requested_ = false, all_accumulating_ = true;
  bool fused_ends_ = false;  // the normed step's embedding and LM head in one kernel each (LOWBIT_DECODE_FUSED_ENDS)
  at::Tensor attn_sums_;  // normed step: f32 [q_dim + 2 kv_dim + 1], the q/k/v GEMV's output, then sum(h^2)
  at::Tensor mlp_sums_;   // normed step: f32 [2 inter + 1], the gate/up GEMV's output, then sum(h^2)
  // ... where the attention kernel writes the o GEMV's quantized input (LOWBIT_DECODE_O_PREPARED=1, head_dim a
  // multiple of 32): the slots (bytes), and whether every layer's o projection reads them
  at::Tensor o_slots_;
  bool all_o_prepared_ = true;
  bool o_prepared(const Layer& layer) const;
  // ... where the o projection runs inside the attention kernel (decode_attention_o_requested, f16 / bf16, head_dim
  // a multiple of 32 up to 128): whether every layer's does
  bool all_attention_o_ = true;
  at::Tensor embed_, final_norm_, lm_head_;
  at::Tensor cos_, sin_;  // [max_seq, head_dim]
  at::Tensor key_index_;  // 0..max_seq-1 (I64, device)
  std::vector<Layer> layers_;
  std::vector<at::Tensor> k_cache_, v_cache_;  // [1, kv_heads, max_seq, head_dim]
  int64_t position_ = 0;
  int64_t packed_ = 0, dequantized_ = 0;
  Sampler sampler_;
  std::unique_ptr<DecodeGraph> graph_;
};

}  // namespace lb::infer

struct lb_decoder_s {
  std::unique_ptr<lb::infer::Decoder> impl;
};
