// EfficientQAT Block-AP: one fake-quantized Llama decoder layer in training. fp32 master copies of the
// linear weights (q/k/v and gate/up stacked by rows: groups are per row, so stacking is exact), both
// RMSNorm weights and the per-group scales and zeros; AdamW (weight decay 0) with two parameter groups
// (weights + norms at lr_w, scales + zeros at lr_q). The forward casts the fake-quantized weights and
// the norms to the compute dtype (explicit autocast) and runs the block there.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <vector>

#include "lowbit.h"
#include "src/model/llama_config.h"
#include "src/model/llama_layers.h"

namespace lb::train {

struct QatOptions {
  int bits;
  int64_t group_size;  // as given (<= 0: per channel); each linear caps it to its row length
  c10::ScalarType compute_dtype;
  double loss_scale;   // initial dynamic loss scale (f16 only)
  bool plain_ops;      // fake quant + loss from plain ATen ops (benchmark baseline) instead of the fused kernels
};

class QatBlock {
 public:
  // Linear index order of export(): q, k, v, o, gate, up, down.
  static constexpr int kLinears = 7;

  QatBlock(const model::LlamaConfig& config, const lb_llama_block_weights& weights, const QatOptions& options,
           c10::Device device);

  // One AdamW step on the MSE between block(inputs) and targets; returns nothing and never syncs
  // (except with f16 loss scaling); the loss is queued for take_losses().
  void train_step(const at::Tensor& inputs, const at::Tensor& targets, double lr_w, double lr_q);
  // The losses queued since the last call, in step order (one host sync).
  std::vector<double> take_losses();
  // Steps taken so far (1-based index of the last one).
  int64_t steps() const { return step_; }

  double eval_loss(const at::Tensor& inputs, const at::Tensor& targets);
  // The fake-quantized block without grad: [batch, seq, hidden] in the compute dtype.
  at::Tensor forward_quantized(const at::Tensor& inputs);

  // Integer codes u8 [out, in], scales f32 [out, groups], zeros f32 [out, groups] (clamped, integer valued).
  void export_linear(int index, at::Tensor* codes, at::Tensor* scales, at::Tensor* zeros) const;
  at::Tensor input_norm() const { return input_norm_.detach().clone(); }
  at::Tensor post_attention_norm() const { return post_norm_.detach().clone(); }
  // Replaces one linear's master weight [out, in], scales and zeros [out, groups] (float tensors).
  void load_linear(int index, const at::Tensor& weight, const at::Tensor& scales, const at::Tensor& zeros);
  c10::Device device() const { return device_; }
  int64_t hidden_size() const { return config_.hidden_size; }
  int64_t pending_losses() const { return static_cast<int64_t>(pending_losses_.size()); }

 private:
  struct Quantized {
    at::Tensor w, s, z;  // f32 leaves
    int64_t group;
  };

  struct Slice {
    const Quantized* q;
    int64_t offset, rows;
  };
  Slice slice(int index) const;
  at::Tensor forward(const at::Tensor& x);
  at::Tensor weight(const Quantized& q, bool grad) const;
  at::Tensor to_device(const at::Tensor& t) const;
  void adamw(std::vector<at::Tensor>& params, std::vector<at::Tensor>& m, std::vector<at::Tensor>& v, double lr);

  model::LlamaConfig config_;
  QatOptions options_;
  c10::Device device_;
  at::Tensor input_norm_, post_norm_;
  Quantized qkv_, o_, gate_up_, down_;
  model::RotaryTable rotary_;

  std::vector<at::Tensor> weights_group_, quant_group_;
  std::vector<at::Tensor> m_w_, v_w_, m_q_, v_q_;
  at::Tensor step_tensor_;  // f32 0-dim on the device (fused AdamW)
  int64_t step_ = 0;
  std::vector<at::Tensor> pending_losses_;
  int64_t pending_first_step_ = 1;
  double loss_scale_ = 1.0;
};

}  // namespace lb::train
