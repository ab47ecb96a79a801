// EfficientQAT E2E-QP: the whole quantized model with frozen packed integer weights and zero points and
// trainable fp32 step sizes (specs/efficientqat.md, "E2E-QP"). Embeddings, norms and the LM head are frozen.
// Each quantized linear is a custom autograd function: forward builds W = (q - z) * s in the compute dtype;
// backward gives dx = dy W and ds from the packed integers (lb_scale_grad kernels), never building dW.
// Activation checkpointing per block: the forward keeps only each block's input; the backward recomputes
// one block at a time. AdamW (weight decay 0) with grad-norm clipping; the learning rate comes per step.
#pragma once

#include <ATen/core/Tensor.h>

#include <array>
#include <cstdint>
#include <vector>

#include "src/model/llama_config.h"
#include "src/model/llama_layers.h"

namespace lb::train {

class E2eModel {
 public:
  static constexpr int kLinears = 7;  // q, k, v, o, gate, up, down

  E2eModel(const model::LlamaConfig& config, const at::Tensor& embed, const at::Tensor& final_norm,
           const at::Tensor& lm_head, int bits, int64_t group_size, c10::Device device);

  // codes u8 [out, in], scales and zeros float [out, groups], in the linear order above.
  void add_block(const at::Tensor& input_norm, const at::Tensor& post_norm, const std::array<at::Tensor, kLinears>& codes,
                 const std::array<at::Tensor, kLinears>& scales, const std::array<at::Tensor, kLinears>& zeros);
  int64_t blocks() const { return static_cast<int64_t>(blocks_.size()); }

  // ids [rows, seq] (integers, any device): next-token cross-entropy, one AdamW step. The loss is queued.
  void train_step(const at::Tensor& ids, double lr, double max_grad_norm);
  // As train_step with the distillation loss (kd_loss.h) against the teacher's top-k per position:
  // teacher_ids integer and teacher_logprobs float, both [rows, seq - 1, k] (position t predicts token t + 1);
  // loss = (1 - hard_weight) * KD + hard_weight * next-token CE.
  void train_step_kd(const at::Tensor& ids, const at::Tensor& teacher_ids, const at::Tensor& teacher_logprobs,
                     double hard_weight, double lr, double max_grad_norm);
  std::vector<double> take_losses();
  int64_t pending_losses() const { return static_cast<int64_t>(pending_.size()); }
  double eval_loss(const at::Tensor& ids);
  // Trained scales of one linear, f32 [out, groups].
  at::Tensor scales(int64_t layer, int linear) const;

  // Training state for checkpoints. Parameter i (layer-major, kLinears per layer): the step sizes and AdamW's
  // two moments, f32 [groups, out] each, on the CPU; step() counts the optimizer steps taken.
  int64_t state_size() const { return static_cast<int64_t>(params_.size()); }
  std::array<at::Tensor, 3> state(int64_t index) const;
  void set_state(int64_t index, const at::Tensor& scales, const at::Tensor& exp_avg, const at::Tensor& exp_avg_sq);
  int64_t step() const { return step_; }
  void set_step(int64_t step);  // no losses may be pending

 private:
  struct Linear {
    at::Tensor packed;  // i32 [in*bits/32, out]
    at::Tensor zeros;   // f32 [groups, out]
    at::Tensor codes;   // f32 [groups, group, out]: q - z, for the forward weight
    at::Tensor s;       // f32 [groups, out] leaf (trained)
    int64_t in, out, group;
  };
  struct Block {
    at::Tensor input_norm, post_norm;  // compute dtype, frozen
    std::array<Linear, kLinears> linears;
  };

  at::Tensor block_forward(const Block& b, const at::Tensor& x);
  at::Tensor linear(const Linear& l, const at::Tensor& x) const;
  at::Tensor head_loss(const at::Tensor& hidden, const at::Tensor& ids);
  at::Tensor head_logits(const at::Tensor& hidden);  // f32 [rows, seq - 1, vocab]
  // One step whose loss on the last hidden state is given by `loss_of` (hidden -> scalar).
  template <class LossOf>
  void step_with(const at::Tensor& ids, const LossOf& loss_of, double lr, double max_grad_norm);

  model::LlamaConfig config_;
  int bits_;
  int64_t group_size_;
  c10::Device device_;
  at::Tensor embed_, final_norm_, lm_head_;
  model::RotaryTable rotary_;
  std::vector<Block> blocks_;
  std::vector<at::Tensor> params_, m_, v_;
  at::Tensor step_tensor_;
  int64_t step_ = 0;
  std::vector<at::Tensor> pending_;
  int64_t pending_first_ = 1;
};

}  // namespace lb::train
