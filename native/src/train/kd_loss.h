// Knowledge distillation over the teacher's top-k (E2E-QP --e2e-loss kd, LR-QAT --loss kd): the KL divergence
// between teacher and student on the k + 1 buckets "each of the teacher's top-k tokens" and "everything else",
//   loss = mean_n  sum_k q_k (log q_k - log p_s(id_k))  +  r_t (log r_t - log r_s),
// q_k = the teacher's probabilities of its top-k (not renormalised), r_t = 1 - sum_k q_k its remaining mass,
// r_s = the student's mass outside the k ids. The "everything else" bucket keeps the student's tail calibrated:
// renormalising the teacher over its top-k instead would push all of the student's mass onto k tokens and make
// it over-confident on text whose next token lies outside them. The value is a KL (0 when the student matches
// the teacher on the buckets); the gradient w.r.t. the logits in one pass:
//   d/dx_j = p_j (sum_k q_k + r_t) - [j in ids] q_j - [j not in ids] r_t p_j / r_s.
#pragma once

#include <ATen/core/Tensor.h>

#include <utility>

namespace lb::train {

// logits float [n, vocab] (requires grad or not; log-probabilities work as well); teacher_ids integer [n, k] in
// [0, vocab); teacher_logprobs float [n, k] (log-probabilities under the full vocabulary). Returns the mean KL
// (f32 scalar), differentiable w.r.t. logits.
at::Tensor topk_distillation_loss(const at::Tensor& logits, const at::Tensor& teacher_ids, const at::Tensor& teacher_logprobs);

// Teacher side: log_softmax of logits float [..., vocab] in f32, then the top k: ids i32 [..., k] and
// log-probabilities f32 [..., k], both in descending order of probability.
std::pair<at::Tensor, at::Tensor> topk_log_probs(const at::Tensor& logits, int64_t k);

}  // namespace lb::train
