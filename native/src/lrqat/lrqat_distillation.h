// Knowledge distillation from the full-precision model for LR-QAT: the KL to the teacher's top-k next-token
// distribution plus its remaining mass (src/train/kd_loss.h); optionally mixed with hard next-token CE.
#pragma once

#include <ATen/core/Tensor.h>

namespace lb::lrqat {

// student_log_probs f32 [n, vocab] (log_softmax of the student's logits), teacher_ids long [n, k],
// teacher_log_probs f32 [n, k], targets long [n]. Returns the 0-dim mean over the n positions of
//   kd_weight * KL(teacher top-k + rest || student)  +  (1 - kd_weight) * -log p_s(target)
// (the KL of train::topk_distillation_loss). kd_weight in [0, 1].
at::Tensor distillation_loss(const at::Tensor& student_log_probs, const at::Tensor& teacher_ids,
                             const at::Tensor& teacher_log_probs, const at::Tensor& targets, double kd_weight);

// Validates shapes/dtypes/ranges of the teacher tensors against n positions and a vocabulary (throws).
void check_teacher(const at::Tensor& teacher_ids, const at::Tensor& teacher_log_probs, int64_t n, int64_t vocab);

}  // namespace lb::lrqat
