// The whole model for LR-QAT training: frozen embeddings, norms and lm_head, and per decoder layer seven
// quantized linears holding the frozen down-cast Phi0 plus trainable A [out, r], B [r, in] and scales.
// One training step = next-token loss, per-block activation checkpointing (block inputs kept, each block
// recomputed with grad in the backward), global grad-norm clip and AdamW (betas 0.9/0.95, wd 0).
// A full-model-QAT baseline mode (all weights trainable, STE fake quant, no A/B) exists for the memory benchmark.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lowbit.h"
#include "src/lrqat/lrqat_quantizer.h"
#include "src/model/llama_config.h"
#include "src/model/llama_layers.h"

namespace lb::lrqat {

struct ModelOptions {
  QuantSpec spec;
  bool symmetric = true;
  int64_t rank = 32;
  c10::ScalarType ab_dtype = at::kBFloat16;
  bool full_qat = false;
  uint64_t seed = 0;
};

struct QuantLinear {
  at::Tensor phi0;     // frozen down-cast weight (LR-QAT)
  at::Tensor weight;   // trainable full weight (full-QAT baseline only)
  at::Tensor zeros;    // f32 [out, groups], frozen
  at::Tensor a, b;     // trainable low-rank factors
  at::Tensor scales;   // trainable f32 [out, groups]
  at::Tensor bias;     // frozen, may be undefined
  int64_t in = 0;
};

struct Layer {
  at::Tensor input_norm, post_norm;
  QuantLinear linears[7];  // q, k, v, o, gate, up, down (Java's Projection order)
};

// Knowledge-distillation teacher: the fp model's top-k next-token log-probs over a fixed pool of windows,
// computed layer by layer while add_layer still holds the fp weights (kept in host memory afterwards).
struct Teacher {
  int64_t k = 0;
  at::Tensor ids;            // long CPU [pool, seq]
  at::Tensor hidden;         // fp activations of the pool, device, until the last layer is added
  at::Tensor top_ids;        // int32 CPU [pool, seq-1, k]
  at::Tensor top_log_probs;  // f32 CPU [pool, seq-1, k]
};

struct StepResult {
  at::Tensor loss;       // 0-dim f32 on the device
  at::Tensor grad_norm;  // 0-dim f32, before clipping
};

class Model {
 public:
  Model(const model::LlamaConfig& config, const ModelOptions& options, int64_t num_layers, const at::Tensor& embed,
        const at::Tensor& final_norm, const at::Tensor& lm_head, c10::Device device);

  // Grid-search init + down-cast of one layer's weights (the fp weights are not kept). Returns the
  // sums of (w_hat - w)^2 and w^2 over the layer at the starting point.
  std::pair<double, double> add_layer(const lb_llama_block_weights& weights);

  StepResult train_step(const at::Tensor& ids, double lr_ab, double lr_s, double clip);
  // Before the first add_layer: the pool of windows the distillation steps draw from.
  void set_teacher(const at::Tensor& pool_ids, int64_t top_k);
  // One step on pool rows `rows` (long [batch]) with distillation_loss(kd_weight) against the teacher.
  StepResult train_step_kd(const at::Tensor& rows, double kd_weight, double lr_ab, double lr_s, double clip);
  at::Tensor nll(const at::Tensor& ids);  // f32 [batch, seq-1], no grad

  const QuantLinear& linear(int64_t layer, int64_t projection) const;
  at::Tensor dequantized(int64_t layer, int64_t projection) const;  // w_hat f32 as the forward uses it

  // Trainable tensors and the AdamW moments, in a fixed order (for checkpoints).
  std::vector<at::Tensor*> state();
  std::vector<std::string> state_names();
  int64_t step() const { return step_; }
  void set_step(int64_t step) { step_ = step; }
  const ModelOptions& options() const { return options_; }

 private:
  at::Tensor weight_of(const QuantLinear& l) const;
  at::Tensor block_forward(const Layer& layer, const at::Tensor& x);
  at::Tensor block_forward_with(const Layer& layer, const at::Tensor& x,
                                const std::function<at::Tensor(const at::Tensor&, int)>& lin);
  StepResult step_with(const at::Tensor& ids, const std::function<at::Tensor(const at::Tensor&)>& loss_of, double lr_ab,
                       double lr_s, double clip);
  void teacher_layer(const Layer& layer, const at::Tensor (&fp)[7]);
  void teacher_head();
  at::Tensor to_device_async(const at::Tensor& host) const;
  at::Tensor hidden_to_nll(const at::Tensor& hidden, const at::Tensor& ids);
  at::Tensor checked_ids(const at::Tensor& ids) const;
  void require_complete() const;
  void for_each_param(const std::function<void(at::Tensor&, bool, const std::string&)>& f);

  model::LlamaConfig config_;
  ModelOptions options_;
  int64_t num_layers_;
  c10::Device device_;
  at::Tensor embed_, final_norm_, lm_head_;
  std::vector<Layer> layers_;
  model::RotaryTable rotary_;
  std::vector<at::Tensor> moments_;  // m, v per param, f32
  int64_t step_ = 0;
  Teacher teacher_;
};

}  // namespace lb::lrqat
