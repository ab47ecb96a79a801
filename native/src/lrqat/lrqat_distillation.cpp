#include "src/lrqat/lrqat_distillation.h"

#include <ATen/ATen.h>

#include <string>

#include "src/error.h"
#include "src/train/kd_loss.h"

namespace lb::lrqat {

at::Tensor distillation_loss(const at::Tensor& student_log_probs, const at::Tensor& teacher_ids,
                             const at::Tensor& teacher_log_probs, const at::Tensor& targets, double kd_weight) {
  if (!(kd_weight >= 0.0 && kd_weight <= 1.0)) throw_invalid("kd_weight=" + std::to_string(kd_weight) + " (expected 0..1)");
  at::Tensor loss;
  if (kd_weight > 0.0) loss = train::topk_distillation_loss(student_log_probs, teacher_ids, teacher_log_probs) * kd_weight;
  if (kd_weight < 1.0) {
    const at::Tensor ce = student_log_probs.gather(-1, targets.to(at::kLong).unsqueeze(-1)).neg().mean() * (1.0 - kd_weight);
    loss = loss.defined() ? loss + ce : ce;
  }
  return loss;
}

void check_teacher(const at::Tensor& teacher_ids, const at::Tensor& teacher_log_probs, int64_t n, int64_t vocab) {
  if (!teacher_ids.defined() || teacher_ids.dim() != 2 || teacher_ids.size(0) != n || teacher_ids.size(1) < 1) {
    throw_invalid("teacher_ids must be [" + std::to_string(n) + ", k] with k >= 1");
  }
  if (teacher_ids.scalar_type() != at::kInt && teacher_ids.scalar_type() != at::kLong) throw_invalid("teacher_ids must be I32 or I64");
  if (!teacher_log_probs.defined() || teacher_log_probs.sizes() != teacher_ids.sizes()) {
    throw_invalid("teacher_log_probs must have the shape of teacher_ids");
  }
  if (!at::isFloatingType(teacher_log_probs.scalar_type())) throw_invalid("teacher_log_probs must be F32, F16 or BF16");
  if ((teacher_ids < 0).any().item<bool>() || (teacher_ids >= vocab).any().item<bool>()) {
    throw_invalid("teacher_ids contain a token id outside 0.." + std::to_string(vocab - 1) + " (the vocabulary)");
  }
}

}  // namespace lb::lrqat
