// The fp Llama decoder layer: pre-norm attention and SwiGLU MLP with residuals, as transformers'
// LlamaDecoderLayer (also Mistral, and Qwen2 with its q/k/v biases).
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <utility>

#include "lowbit.h"
#include "src/model/block.h"
#include "src/model/llama_config.h"
#include "src/model/llama_layers.h"

namespace lb::model {

class LlamaBlock final : public Block {
 public:
  // Checks every weight against the config (throws naming the weight and the expected shape), then
  // copies them, converted to the compute dtype, onto `device`. q/k/v and gate/up are stacked so each
  // pair of projections runs as one matmul.
  LlamaBlock(const LlamaConfig& config, const lb_llama_block_weights& weights, c10::Device device);

  at::Tensor forward(const at::Tensor& hidden) override;

  // Sees the input of each linear during forward (0: q/k/v, 1: o, 2: gate/up, 3: down); empty: none.
  using LinearInputObserver = std::function<void(int, const at::Tensor&)>;
  void set_linear_input_observer(LinearInputObserver observer) { observer_ = std::move(observer); }

 private:
  LlamaConfig config_;
  c10::Device device_;
  at::Tensor input_norm_;
  at::Tensor qkv_;       // [num_heads*head_dim + 2*num_kv_heads*head_dim, hidden]
  at::Tensor qkv_bias_;  // undefined when q/k/v have no biases
  at::Tensor o_proj_;
  at::Tensor o_bias_;  // undefined when absent
  at::Tensor post_attention_norm_;
  at::Tensor gate_up_;  // [2*intermediate, hidden]
  at::Tensor down_;
  RotaryTable rotary_;
  LinearInputObserver observer_;
};

}  // namespace lb::model
