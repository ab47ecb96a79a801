// Knowledge distillation over the teacher's top-k (EfficientQAT E2E-QP with --e2e-loss kd): the soft
// cross-entropy  -sum_k p_t(k) log p_s(id_k)  averaged over positions, with the teacher's probabilities
// renormalised over its top-k (p_t = softmax of the k teacher log-probabilities). Loss and gradient in one
// pass each: d/dlogits = (softmax(logits) - scatter(ids, p_t)) / positions (sum_k p_t = 1).
#pragma once

#include <ATen/core/Tensor.h>

#include <utility>

namespace lb::train {

// logits float [n, vocab] (requires grad or not); teacher_ids integer [n, k] in [0, vocab);
// teacher_logprobs float [n, k]. Returns the mean loss (f32 scalar), differentiable w.r.t. logits.
at::Tensor topk_distillation_loss(const at::Tensor& logits, const at::Tensor& teacher_ids, const at::Tensor& teacher_logprobs);

// Teacher side: log_softmax of logits float [..., vocab] in f32, then the top k: ids i32 [..., k] and
// log-probabilities f32 [..., k], both in descending order of probability.
std::pair<at::Tensor, at::Tensor> topk_log_probs(const at::Tensor& logits, int64_t k);

}  // namespace lb::train
